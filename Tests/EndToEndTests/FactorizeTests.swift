import Foundation
import MSRCore
import MSRTestSupport
import XCTest

/// msr-factorize on the embedded synthetic slice and on small playlist files.
final class FactorizeTests: XCTestCase {
    static let a = "5E30LdtzQTGqRvNd7l6kG5", b = "09gysnJpfQ3ublBmJDfcEC", c = "2K7xn816oNHJZ0aVqdQsha"

    /// A workspace with the given playlist files in data/playlists (the embedded slice when nil).
    func workspace(slices: [String: String]? = nil) throws -> Workspace {
        let workspace = try Workspace()
        if let slices {
            for (name, text) in slices { try workspace.write(text, to: "data/playlists/\(name)") }
        } else {
            try FileManager.default.createDirectory(atPath: "\(workspace.path)/data/playlists", withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: "\(Workspace.repository)/data/playlists/mpd.slice.0-999.json",
                                             toPath: "\(workspace.path)/data/playlists/mpd.slice.0-999.json")
        }
        return workspace
    }

    static func slice(_ playlists: [[String]]) -> String {
        "{\"info\": {}, \"playlists\": [" + playlists.enumerated().map { pid, tracks in
            "{\"pid\": \(pid), \"tracks\": [" + tracks.map { "{\"track_uri\": \"spotify:track:\($0)\"}" }.joined(separator: ", ") + "]}"
        }.joined(separator: ", ") + "]}"
    }

    /// The embedded 1,000 playlists (16 factors and 4 iterations: the debug build the tests run
    /// is slow at the default 64 and 15); a second run writes the very same factors file.
    func testFactorizesTheEmbeddedSliceAndASecondRunWritesTheSameBytes() throws {
        let workspace = try workspace()
        try workspace.edit("params.yaml", "  factors: 64\n", "  factors: 16\n")
        try workspace.edit("params.yaml", "  iterations: 15\n", "  iterations: 4\n")
        let first = try workspace.run("factorize")
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stdout.hasPrefix("msr-factorize: 1000 playlists (1 file, 0 logged), 9205 tracks, 63666 pairs; 16 factors, "
                                             + "4 iterations (cg), loss 0.0"), first.stdout)
        XCTAssertTrue(first.stdout.hasSuffix(" s -> models/factors.msrf, metrics/factorize.json\n"), first.stdout)
        XCTAssertEqual(first.stderr, "", "progress only on a terminal")
        let metrics = try XCTUnwrap(try JSONSerialization.jsonObject(with: XCTUnwrap(workspace.bytes("metrics/factorize.json"))) as? [String: Any])
        XCTAssertEqual(metrics["playlists"] as? Int, 1000)
        XCTAssertEqual(metrics["tracks"] as? Int, 9205)
        XCTAssertEqual(metrics["non_zeros"] as? Int, 63666)
        XCTAssertEqual(metrics["factors"] as? Int, 16)
        XCTAssertEqual(metrics["iterations"] as? Int, 4)
        let loss = try XCTUnwrap(metrics["loss"] as? [Double])
        XCTAssertEqual(loss.count, 4)
        XCTAssertEqual(loss, loss.sorted(by: >), "the loss falls")
        XCTAssertGreaterThan(try XCTUnwrap(metrics["fit_seconds"] as? Double), 0)

        let model = try TrackFactors.read("\(workspace.path)/models/factors.msrf")
        XCTAssertEqual(model.count, 9205)
        XCTAssertEqual(model.params.factors, 16)
        XCTAssertEqual(model.playlists, 1000)
        XCTAssertEqual(model.pairs, 63666)
        XCTAssertEqual(model.playlistCounts.reduce(0) { $0 + Int($1) }, 63666)
        let bytes = try XCTUnwrap(workspace.bytes("models/factors.msrf"))
        let second = try workspace.run("factorize")
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(workspace.bytes("models/factors.msrf"), bytes, "byte-identical factors for the same inputs")
    }

    /// --engine spark hands the matrix to spark-submit (here a stand-in script checking what it
    /// is given) and writes the factors it returns into the same factors file; a failed job, a
    /// short answer, a missing spark-submit or job are refused and the previous factors kept.
    func testTheSparkEngineWritesTheFactorsTheJobReturns() throws {
        let workspace = try workspace(slices: ["s.json": Self.slice([[Self.a, Self.b], [Self.b, Self.c]])])
        try workspace.edit("params.yaml", "  factors: 64\n", "  factors: 2\n")
        try workspace.write("# the job: only its path matters to the stand-in\n", to: "job.py")
        // Arguments: --master M --conf ... JOB PAIRS OUT --factors 2 ...; each track i gets (i, -i/4).
        let submit = """
            #!/bin/bash
            while [[ $1 == --* ]]; do shift 2; done
            job=$1 pairs=${2#file://} out=$3
            [[ "$(cat "$pairs")" == $'0,0,1\n0,1,1\n1,1,1\n1,2,1' ]] || { echo "factorize_als: unexpected pairs: $(cat "$pairs")"; exit 3; }
            [[ " $* " == *" --factors 2 "*" --alpha 40.0 "*" --seed 42 "* ]] || { echo "factorize_als: unexpected arguments: $*"; exit 3; }
            case "${MODE:-}" in
              fail) echo "factorize_als: Py4JJavaError: boom" >&2; exit 1 ;;
              short) printf '0 0.0 -0.0\n1 1.0 -0.25\n' > "$out" ;;
              huge) printf '2 2.0 -0.5\n0 0.0 3e38\n1 1.0 -0.25\n' > "$out" ;;
              nothing) ;;
              signal) kill -9 $$ ;;
              selfterm) kill -TERM $PPID; exec sleep 30 ;;
              stubborn) trap "" TERM; (echo $BASHPID > grandchild.pid; exec sleep 30) &
                        while [[ ! -s grandchild.pid ]]; do sleep 0.05; done; kill -TERM $PPID; sleep 30 ;;
              *) printf '2 2.0 -0.5\n0 0.0 -0.0\n1 1.0 -0.25\n' > "$out" ;;
            esac
            """
        try workspace.write(submit, to: "submit")
        chmod("\(workspace.path)/submit", 0o755)
        let spark = ["--engine", "spark", "--spark-submit", "./submit", "--spark-job", "job.py"]
        let result = try workspace.run("factorize", arguments: spark)
        XCTAssertEqual(result.status, 0, result.stderr + result.stdout)
        XCTAssertTrue(result.stdout.hasPrefix("msr-factorize: 2 playlists (1 file, 0 logged), 3 tracks, 4 pairs; 2 factors, "
                                              + "15 iterations (spark), Spark MLlib ALS on local[2] in "), result.stdout)
        let model = try TrackFactors.read("\(workspace.path)/models/factors.msrf")
        let rows = model.rows()
        XCTAssertEqual(try [Self.a, Self.b, Self.c].map { Array(model.factor(try XCTUnwrap(rows[$0]))) }, [[0, -0], [1, -0.25], [2, -0.5]])
        let metrics = try XCTUnwrap(try JSONSerialization.jsonObject(with: XCTUnwrap(workspace.bytes("metrics/factorize.json"))) as? [String: Any])
        XCTAssertEqual(metrics["engine"] as? String, "spark")
        XCTAssertEqual(metrics["loss"] as? [Double], [])
        XCTAssertTrue(metrics["final_loss"] is NSNull)
        let factors = try XCTUnwrap(workspace.bytes("models/factors.msrf"))

        let failed = try workspace.run("factorize", arguments: spark, environment: ["MODE": "fail"])
        XCTAssertFails(failed, status: 69, "msr-factorize: job.py: the Spark job failed (spark-submit exit 1): "
                       + "factorize_als: Py4JJavaError: boom")
        XCTAssertFails(try workspace.run("factorize", arguments: spark, environment: ["MODE": "short"]), status: 65,
                       "msr-factorize: the Spark job's track factors: 2 tracks' factors, expected 3 (every track of the matrix)")
        XCTAssertFails(try workspace.run("factorize", arguments: spark, environment: ["MODE": "huge"]), status: 65,
                       "msr-factorize: the Spark job's track factors:2: value 2: expected a finite number within ±1000000")
        XCTAssertFails(try workspace.run("factorize", arguments: spark, environment: ["MODE": "nothing"]), status: 69,
                       "msr-factorize: job.py: the Spark job ended without writing the track factors (spark-submit exit 0)")
        XCTAssertFails(try workspace.run("factorize", arguments: spark, environment: ["MODE": "signal"]), status: 69,
                       "msr-factorize: job.py: the Spark job failed (spark-submit killed by signal 9): (no output)")
        XCTAssertFails(try workspace.run("factorize", arguments: ["--engine", "spark", "--spark-submit", "./submit", "--spark-job", "models"]),
                       status: 66, "msr-factorize: models: the Spark job is not there (--spark-job: scripts/spark/factorize_als.py of "
                       + "msr's checkout)")
        XCTAssertFails(try workspace.run("factorize", arguments: ["--engine", "spark", "--spark-submit", "./no-such", "--spark-job", "job.py"]),
                       status: 69, "msr-factorize: ./no-such: spark-submit not found (install pyspark 4.3: scripts/venv makes "
                       + ".venv-spark with `MSR_VENV=.venv-spark scripts/venv pyspark numpy`; or set SPARK_SUBMIT or --spark-submit)")
        XCTAssertFails(try workspace.run("factorize", arguments: ["--engine", "spark", "--spark-submit", "./submit"]), status: 66,
                       "msr-factorize: scripts/spark/factorize_als.py: the Spark job is not there (--spark-job: "
                       + "scripts/spark/factorize_als.py of msr's checkout)")
        XCTAssertEqual(workspace.bytes("models/factors.msrf"), factors, "a failed run keeps the previous factors")

        // A stop (SIGTERM) goes to spark-submit's whole process group, even when it comes as the
        // job starts; a group that ignores it is killed 10 s later; the scratch folder is removed.
        try FileManager.default.createDirectory(atPath: "\(workspace.path)/tmp", withIntermediateDirectories: true)
        for mode in ["selfterm", "stubborn"] {
            XCTAssertFails(try workspace.run("factorize", arguments: spark, environment: ["MODE": mode, "TMPDIR": "\(workspace.path)/tmp"]),
                           status: 74, "msr-factorize: stopped by signal 15: the Spark job was stopped, nothing written")
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: "\(workspace.path)/tmp"), [], mode)
        }
        let grandchild = try XCTUnwrap(Int32(XCTUnwrap(workspace.read("grandchild.pid")).trimmingCharacters(in: .whitespacesAndNewlines)))
        XCTAssertTrue(Self.ends(grandchild), "the job's own child, which ignored SIGTERM, was killed with its group")
        XCTAssertEqual(workspace.bytes("models/factors.msrf"), factors, "a stopped run keeps the previous factors")
    }

    /// Whether process `pid` is gone (or a zombie) within 5 s.
    static func ends(_ pid: Int32) -> Bool {
        for _ in 0..<50 {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
            // `pid (name) S ...`: the state follows the name's closing parenthesis.
            if let close = stat.lastIndex(of: ")"), stat[stat.index(close, offsetBy: 2)] == "Z" { return true }
            usleep(100_000)
        }
        return false
    }

    /// Logged playlists are training playlists, their tracks catalogue songs or not; unreadable
    /// log lines are skipped and reported; the same inputs, the same factors.
    func testLoggedPlaylistsTrainAndUnreadableLinesAreReported() throws {
        let workspace = try workspace(slices: ["one.json": Self.slice([[Self.a, Self.b], [Self.b, Self.c]])])
        try workspace.write([#"{"predicted_genre": "pop", "similarity": 0.5, "tracks": ["\#(Self.c)", "N00000000000000000000A"]}"#,
                             #"{"predicted_genre": "pop", "similarity": 0.5}"#,
                             #"{"predicted_genre": "pop", "similarity": 0.5, "tracks": ["\#(Self.a)"]}"#,
                             "cut off {\"tracks"].joined(separator: "\n") + "\n", to: "data/reco/recommendations.jsonl")
        try workspace.edit("params.yaml", "  factors: 64\n", "  factors: 3\n")
        let result = try workspace.run("factorize")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix("msr-factorize: 4 playlists (1 file, 2 logged), 4 tracks, 7 pairs; 3 factors, 15 iterations (cg)"),
                      result.stdout)
        XCTAssertTrue(result.stdout.contains("; skipped 1 unreadable log line (first: data/reco/recommendations.jsonl:4: "
                                             + "expected a logged call (a JSON object)) -> models/factors.msrf"), result.stdout)
        let model = try TrackFactors.read("\(workspace.path)/models/factors.msrf")
        XCTAssertEqual((0..<model.count).map { model.uris[$0] }, [Self.a, Self.b, Self.c, "N00000000000000000000A"])
        XCTAssertEqual(model.playlistCounts, [2, 2, 2, 1])
        let metrics = try XCTUnwrap(workspace.read("metrics/factorize.json"))
        XCTAssertTrue(metrics.contains("\"logged_playlists\": 2,"), metrics)
        XCTAssertTrue(metrics.contains("\"skipped_lines\": 1,"), metrics)

        // Exact solves and BM25 weights run too.
        try workspace.edit("params.yaml", "  solver: cg\n", "  solver: cholesky\n")
        try workspace.edit("params.yaml", "  bm25: false\n", "  bm25: true\n")
        let exact = try workspace.run("factorize")
        XCTAssertEqual(exact.status, 0, exact.stderr)
        XCTAssertTrue(exact.stdout.contains("3 factors, 15 iterations (cholesky, bm25)"), exact.stdout)
        XCTAssertEqual(try TrackFactors.read("\(workspace.path)/models/factors.msrf").params.solver, .cholesky)
    }

    func testABrokenSliceIsRefusedWithItsFileAndJSONPathAndNothingIsWritten() throws {
        let workspace = try workspace(slices: ["a.json": Self.slice([[Self.a]]),
                                               "b.json": #"{"info": {}, "playlists": [{"pid": 0, "tracks": ["x"]}]}"#])
        XCTAssertFails(try workspace.run("factorize"), status: 65,
                       "msr-factorize: data/playlists/b.json: playlists[0].tracks[0]: expected a Spotify track id, spotify:track: URI "
                       + "or open.spotify.com track URL, got \"x\"")
        XCTAssertNil(workspace.read("models/factors.msrf"))
        XCTAssertNil(workspace.read("metrics/factorize.json"))
    }

    func testNoPlaylistIsAMissingInput() throws {
        let workspace = try workspace(slices: [:])
        XCTAssertFails(try workspace.run("factorize"), status: 66,
                       "msr-factorize: data/playlists: no playlist to factorize (no *.json slice with tracks there, none logged in "
                       + "data/reco/recommendations.jsonl): put Million Playlist Dataset slices there, or make synthetic ones with "
                       + "scripts/make-playlists data/playlists 1000 42")
    }

    func testBadParamsAreRefusedWithTheirKeyPath() throws {
        let workspace = try workspace(slices: ["one.json": Self.slice([[Self.a, Self.b]])])
        try workspace.edit("params.yaml", "  factors: 64\n", "  factors: 0\n")
        XCTAssertFails(try workspace.run("factorize"), status: 65,
                       "msr-factorize: params.yaml:64:12: factorize.factors: expected an integer in [1, 1024], got \"0\"")
        try workspace.edit("params.yaml", "  factors: 0\n", "  factors: 8\n")
        try workspace.edit("params.yaml", "  alpha: 40.0\n", "  alpha: -1\n")
        XCTAssertFails(try workspace.run("factorize"), status: 65,
                       "msr-factorize: params.yaml:66:10: factorize.alpha: expected a number > 0, got \"-1\"")
        try workspace.edit("params.yaml", "  alpha: -1\n", "  alpha: 1e300\n")
        XCTAssertFails(try workspace.run("factorize"), status: 65,
                       "msr-factorize: params.yaml: factorize: the factors or the loss are no longer finite numbers after iteration 1: "
                       + "lower factorize.alpha or factorize.regularization (32-bit floats overflow)")
        XCTAssertNil(workspace.read("models/factors.msrf"))
    }

    /// With MLFLOW_TRACKING_URI set, a server that is down fails the stage with one line (exit
    /// 69, no credentials shown) after its outputs are written; `--tracking optional` warns and
    /// goes on. (scripts/check-mlflow logs to a real server.)
    func testAServerThatIsDownFailsAfterTheOutputsAreWritten() throws {
        let workspace = try workspace(slices: ["one.json": Self.slice([[Self.a, Self.b], [Self.b, Self.c]])])
        try workspace.edit("params.yaml", "  factors: 64\n", "  factors: 3\n")
        let down = ["MLFLOW_TRACKING_URI": "http://user:s3cret@127.0.0.1:9"]
        let failed = try workspace.run("factorize", arguments: [], environment: down)
        XCTAssertEqual(failed.status, 69, failed.stderr)
        XCTAssertTrue(failed.stderr.hasPrefix("msr-factorize: MLflow server http://127.0.0.1:9: GET api/2.0/mlflow/experiments/get-by-name: "),
                      failed.stderr)
        XCTAssertTrue(failed.stderr.hasSuffix(" (the local artifacts are written)\n"), failed.stderr)
        XCTAssertEqual(failed.stderr.filter { $0 == "\n" }.count, 1, failed.stderr)
        XCTAssertFalse(failed.stderr.contains("s3cret"))
        XCTAssertNoThrow(try TrackFactors.read("\(workspace.path)/models/factors.msrf"))
        XCTAssertNotNil(workspace.read("metrics/factorize.json"))

        let optional = try workspace.run("factorize", arguments: ["--tracking", "optional"], environment: down)
        XCTAssertEqual(optional.status, 0, optional.stderr)
        XCTAssertTrue(optional.stderr.hasPrefix("msr-factorize: warning: MLflow server http://127.0.0.1:9: "), optional.stderr)
        XCTAssertTrue(optional.stderr.hasSuffix("--tracking optional: going on\n"), optional.stderr)
        XCTAssertFalse(optional.stdout.contains("MLflow"), optional.stdout)
    }

    func testAnOutputAmongThePlaylistsIsRefused() throws {
        let workspace = try workspace(slices: ["one.json": Self.slice([[Self.a, Self.b]])])
        try workspace.edit("config.yaml", "  metrics: metrics/factorize.json", "  metrics: data/playlists/factorize.json")
        XCTAssertFails(try workspace.run("factorize"), status: 65,
                       "msr-factorize: config.yaml: factorization.metrics: data/playlists/factorize.json is in factorization.playlists_dir "
                       + "(data/playlists), whose *.json files are read as playlists: give it a path of its own")
        try workspace.edit("config.yaml", "  metrics: data/playlists/factorize.json", "  metrics: metrics/factorize.json")
        try workspace.edit("config.yaml", "  factors: models/factors.msrf", "  factors: data/reco/recommendations.jsonl")
        try workspace.write("", to: "data/reco/recommendations.jsonl")
        XCTAssertFails(try workspace.run("factorize"), status: 65,
                       "msr-factorize: config.yaml: factorization.factors: data/reco/recommendations.jsonl is the same file as the input "
                       + "prediction.log (data/reco/recommendations.jsonl): refusing to overwrite an input (give the output a path of its own)")
    }
}
