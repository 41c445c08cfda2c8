import Foundation
import XCTest

/// Outputs that would destroy a device, an input or another output are refused before a stage
/// does any work; two runs of one stage at once are kept apart.
final class OutputCheckTests: XCTestCase {
    func testAFIFOAsAnOutputIsRefusedAndKept() throws {
        let workspace = try Workspace()
        try FileManager.default.createDirectory(atPath: "\(workspace.path)/models", withIntermediateDirectories: true)
        XCTAssertEqual(mkfifo("\(workspace.path)/models/pipe", 0o644), 0)
        try workspace.edit("config.yaml", "importance: [^\n]*", "importance: models/pipe")
        XCTAssertFails(try workspace.run("train"), status: 65,
                       "msr-train: config.yaml: model_training.importance: models/pipe is a FIFO, not a regular file: "
                       + "refusing to replace it (point the key at a file)")
        var info = stat()
        XCTAssertEqual(lstat("\(workspace.path)/models/pipe", &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFIFO, "the FIFO is still a FIFO")
    }

    func testASongBaseOverTheDatasetIsRefusedAndTheZipKept() throws {
        let workspace = try Workspace()
        let zip = workspace.bytes("data/raw/dataset.zip")
        try workspace.edit("config.yaml", "(data_ingestion:[^@]*?song_base: )data/raw/song_df.csv", "$1data/raw/../raw/dataset.zip")
        XCTAssertFails(try workspace.run("ingest"), status: 65,
                       "msr-ingest: config.yaml: data_ingestion.song_base: data/raw/../raw/dataset.zip is the same file as "
                       + "the output data_ingestion.dataset_zip (data/raw/dataset.zip): each output needs a path of its own")
        XCTAssertEqual(workspace.bytes("data/raw/dataset.zip"), zip)
    }

    func testAnOutputThatIsAnInputThroughAHardLinkIsRefused() throws {
        let workspace = try Workspace()
        try workspace.runPipeline()
        try FileManager.default.createDirectory(atPath: "\(workspace.path)/models", withIntermediateDirectories: true)
        XCTAssertEqual(link("\(workspace.path)/data/processed/X_train.csv", "\(workspace.path)/models/feature_importance.json"), 0)
        let before = workspace.bytes("data/processed/X_train.csv")
        XCTAssertFails(try workspace.run("train"), status: 65,
                       "msr-train: config.yaml: model_training.importance: models/feature_importance.json is the same file as "
                       + "the input data_transformation.processed_dir (X_train.csv) (data/processed/X_train.csv): refusing to overwrite an input "
                       + "(give the output a path of its own)")
        XCTAssertEqual(workspace.bytes("data/processed/X_train.csv"), before)
        XCTAssertFalse(workspace.exists("models/classifier.msrgb"), "nothing was trained")
    }

    func testTwoOutputsOnOneFileAreRefusedBeforeEitherExists() throws {
        let workspace = try Workspace()
        try workspace.edit("config.yaml", "importance: [^\n]*", "importance: models/classifier.msrgb")
        XCTAssertFails(try workspace.run("train"), status: 65,
                       "msr-train: config.yaml: model_training.importance: models/classifier.msrgb is the same file as the "
                       + "output model_training.model (models/classifier.msrgb): each output needs a path of its own")
    }

    func testMonitoringMetricsOverTheLogAreRefused() throws {
        let workspace = try Workspace()
        try workspace.write("{}\n", to: "data/reco/recommendations.jsonl")
        try workspace.edit("config.yaml", "  metrics: metrics/monitoring.json", "  metrics: data/reco/recommendations.jsonl")
        XCTAssertFails(try workspace.run("monitor"), status: 65,
                       "msr-monitor: config.yaml: monitoring.metrics: data/reco/recommendations.jsonl is the same file as the "
                       + "input prediction.log (data/reco/recommendations.jsonl): refusing to overwrite an input (give the "
                       + "output a path of its own)")
        XCTAssertEqual(workspace.read("data/reco/recommendations.jsonl"), "{}\n")
    }

    func testAnOutputOverTheParamsFileIsRefused() throws {
        let workspace = try Workspace()
        let params = workspace.read("params.yaml")
        try workspace.edit("config.yaml", "  status: data/status.txt", "  status: params.yaml")
        XCTAssertFails(try workspace.run("validate"), status: 65,
                       "msr-validate: config.yaml: data_validation.status: params.yaml is the same file as the input "
                       + "--params (params.yaml): refusing to overwrite an input (give the output a path of its own)")
        XCTAssertEqual(workspace.read("params.yaml"), params)
    }

    func testASecondRunOfAStageIsRefusedWhileTheFirstRuns() throws {
        let workspace = try Workspace()
        try workspace.runPipeline()
        // Hold the lock a running msr-train would hold.
        try FileManager.default.createDirectory(atPath: "\(workspace.path)/.msr", withIntermediateDirectories: true)
        let lockPath = "\(workspace.path)/.msr/msr-train.lock"
        let descriptor = open(lockPath, O_RDWR | O_CREAT, 0o644)
        XCTAssertGreaterThanOrEqual(descriptor, 0)
        defer { close(descriptor) }
        XCTAssertEqual(flock(descriptor, LOCK_EX | LOCK_NB), 0)
        XCTAssertEqual(pwrite(descriptor, "4242\n", 5, 0), 5)
        XCTAssertFails(try workspace.run("train"), status: 75,
                       "msr-train: another msr-train is running on this project (pid 4242, lock .msr/msr-train.lock): "
                       + "wait for it to finish, then run again")
        XCTAssertFalse(workspace.exists("models/classifier.msrgb"))
        XCTAssertEqual(flock(descriptor, LOCK_UN), 0)
        XCTAssertEqual(try workspace.run("transform").status, 0, "another stage is not held up")
    }

    /// msr-cluster's genres run beside each other (each holds the stage's lock shared), never
    /// beside a run of the whole stage or of the song index alone (which hold it exclusively):
    /// found by a review, an --index-only beside a whole run wrote an index of the old mixtures.
    func testAGenreRunsBesideOtherGenresButNotBesideTheWholeStage() throws {
        let workspace = try Workspace()
        try workspace.runPipeline()
        try workspace.trainQuickly()
        XCTAssertEqual(try workspace.run("cluster").status, 0)
        let lockPath = "\(workspace.path)/.msr/msr-cluster.lock"
        let descriptor = open(lockPath, O_RDWR | O_CREAT, 0o644)
        XCTAssertGreaterThanOrEqual(descriptor, 0)
        defer { close(descriptor) }
        let busy = "wait for it to finish, then run again"
        // A whole run holds it.
        XCTAssertEqual(flock(descriptor, LOCK_EX | LOCK_NB), 0)
        XCTAssertEqual(ftruncate(descriptor, 0), 0)
        XCTAssertEqual(pwrite(descriptor, "4242\n", 5, 0), 5)
        for arguments in [["--genre", "3"], ["--index-only"], []] {
            XCTAssertFails(try workspace.run("cluster", arguments: arguments), status: 75,
                           "msr-cluster: another msr-cluster is running on this project (pid 4242, lock .msr/msr-cluster.lock): \(busy)")
        }
        // A genre's run holds it shared: other genres go on, the whole stage and the index wait.
        XCTAssertEqual(flock(descriptor, LOCK_SH | LOCK_NB), 0)
        XCTAssertEqual(ftruncate(descriptor, 0), 0)
        let index = workspace.bytes("models/catalog.msrix")
        for arguments in [["--index-only"], []] {
            XCTAssertFails(try workspace.run("cluster", arguments: arguments), status: 75,
                           "msr-cluster: another msr-cluster is running on this project (lock .msr/msr-cluster.lock): \(busy)")
        }
        XCTAssertEqual(workspace.bytes("models/catalog.msrix"), index)
        let genre = try workspace.run("cluster", "--genre", "3")
        XCTAssertEqual(genre.status, 0, genre.stderr)
        XCTAssertEqual(flock(descriptor, LOCK_UN), 0)
        let whole = try workspace.run("cluster", "--index-only")
        XCTAssertEqual(whole.status, 0, whole.stderr)
    }

    func testALockBesideTheOutputsWhenTheLockFolderCannotBeWrittenIsNamedInAWarning() throws {
        let workspace = try Workspace()
        XCTAssertEqual(try workspace.run("ingest").status, 0)
        try FileManager.default.removeItem(atPath: "\(workspace.path)/.msr")
        try workspace.write("not a folder\n", to: ".msr")
        let result = try workspace.run("validate")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("msr-validate: warning: .msr cannot be written, so this run's lock is data/.msr-validate.lock: "
                                             + "a run of msr-validate that can write .msr locks there and would not see this one\n"),
                      result.stderr)
        XCTAssertTrue(workspace.exists("data/.msr-validate.lock"))
        XCTAssertEqual(workspace.read(".msr"), "not a folder\n")
    }

    func testALockFileThatIsALinkIsNotWrittenThrough() throws {
        let workspace = try Workspace()
        let params = workspace.read("params.yaml")
        try FileManager.default.createDirectory(atPath: "\(workspace.path)/.msr", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: "\(workspace.path)/.msr/msr-train.lock", withDestinationPath: "../params.yaml")
        let result = try workspace.run("train")
        XCTAssertEqual(result.status, 74, result.stderr)
        XCTAssertTrue(result.stderr.hasPrefix("msr-train: .msr/msr-train.lock: cannot open the lock file: "), result.stderr)
        XCTAssertEqual(workspace.read("params.yaml"), params, "the pid was not written into what the link points at")
    }

    func testAPathWithANULByteIsRefused() throws {
        // The system cuts a path at a NUL: the file checked and the file written would differ
        // (this one had replaced the song base with the status line).
        let workspace = try Workspace()
        try workspace.runPipeline()
        let base = workspace.bytes("data/raw/song_df.csv")
        try workspace.edit("config.yaml", "  status: data/status.txt", #"  status: "data/raw/song_df.csv\\0""#)
        XCTAssertFails(try workspace.run("validate"), status: 65,
                       #"msr-validate: config.yaml:18:11: data_validation.status: expected a path (not empty, no control characters, no trailing /), got "data/raw/song_df.csv\0""#)
        XCTAssertEqual(workspace.bytes("data/raw/song_df.csv"), base)
    }

    func testALockFileWithAnotherNameIsNotWrittenThrough() throws {
        let workspace = try Workspace()
        let zip = workspace.bytes("data/raw/dataset.zip")
        try FileManager.default.createDirectory(atPath: "\(workspace.path)/.msr", withIntermediateDirectories: true)
        XCTAssertEqual(link("\(workspace.path)/data/raw/dataset.zip", "\(workspace.path)/.msr/msr-ingest.lock"), 0)
        XCTAssertFails(try workspace.run("ingest"), status: 65,
                       "msr-ingest: .msr/msr-ingest.lock: the lock file is a file with other names (a hard link), "
                       + "not a lock file of its own (remove it)")
        XCTAssertEqual(workspace.bytes("data/raw/dataset.zip"), zip, "the archive was not truncated to a pid")
    }

    func testAnOutputOfAnotherStageIsRefused() throws {
        let workspace = try Workspace()
        try workspace.edit("config.yaml", "  reco_metrics: metrics/reco_metrics.json", "  reco_metrics: metrics/metrics.json")
        XCTAssertFails(try workspace.run("evaluate", "--recommender"), status: 65,
                       "msr-evaluate: config.yaml: model_evaluation.reco_metrics: metrics/metrics.json is the same file as "
                       + "model_evaluation.metrics, which msr-evaluate writes (metrics/metrics.json): each output needs a path of its own")
    }

    func testAnOutputWhoseFolderIsAFileIsRefusedBeforeTheWork() throws {
        let workspace = try Workspace()
        try workspace.write("keep\n", to: "metrics")
        XCTAssertFails(try workspace.run("monitor"), status: 65,
                       "msr-monitor: config.yaml: monitoring.metrics: metrics/monitoring.json cannot be made: metrics is a "
                       + "regular file, not a folder")
        XCTAssertEqual(workspace.read("metrics"), "keep\n")
    }

    func testTheNewSongsFolderMayNotHoldTheSongBase() throws {
        let workspace = try Workspace()
        XCTAssertEqual(try workspace.run("ingest").status, 0)
        try workspace.edit("config.yaml", "  new_dir: data/new", "  new_dir: data/raw")
        XCTAssertFails(try workspace.run("feed"), status: 65,
                       "msr-feed: config.yaml: feed.new_dir: data/raw also holds data_ingestion.song_base (data/raw/song_df.csv): new "
                       + "songs need a folder of their own")
        XCTAssertTrue(workspace.exists("data/raw/song_df.csv"))
    }

    func testAStageRunOutsideTheProjectSaysWhereItLooked() throws {
        let workspace = try Workspace()
        XCTAssertFails(try workspace.run("train", "--config", "elsewhere/config.yaml"), status: 66,
                       "msr-train: elsewhere/config.yaml: not found in \(workspace.path) (run from the project folder, "
                       + "or give --config PATH)")
    }
}
