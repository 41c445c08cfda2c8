import Foundation
import MSRTestSupport
import XCTest
@testable import MSRCore

/// config.yaml's sections, each read by its own initialiser.
final class ProjectConfigTests: XCTestCase {
    /// The repository's config.yaml with `edit` applied to its text.
    private func error(_ edit: (String) -> String) throws -> String {
        let text = try String(contentsOfFile: "\(ProjectFilesTests.root)/config.yaml", encoding: .utf8)
        let message = loadError(edit(text), as: "c.yaml") { _ = try ProjectConfig.load(path: $0) }
        // The line and column follow config.yaml's comments: only the key path and what is wrong count here.
        return message.replacingOccurrences(of: #"^c\.yaml:\d+:\d+: "#, with: "", options: .regularExpression)
    }

    /// The repository's config.yaml with `edit` applied to its text, loaded.
    private func load(_ edit: (String) -> String) throws -> ProjectConfig {
        let text = try String(contentsOfFile: "\(ProjectFilesTests.root)/config.yaml", encoding: .utf8)
        return try withTemporaryFolder { folder in
            try edit(text).write(toFile: "\(folder)/c.yaml", atomically: false, encoding: .utf8)
            return try ProjectConfig.load(path: "\(folder)/c.yaml")
        }
    }

    func testEverySectionReadsItsKeys() throws {
        XCTAssertEqual(try error { $0 }, "no error")
        let config = try ProjectConfig.load(path: "\(ProjectFilesTests.root)/config.yaml")
        XCTAssertEqual(config.ingestion.maxUncompressedBytes, 4096 << 20)
        XCTAssertEqual(config.clustering.catalog, "models/catalog.msrix")
        XCTAssertEqual(config.prediction.log, "data/reco/recommendations.jsonl")
        XCTAssertEqual(config.monitoring.html, "metrics/monitoring.html")
        XCTAssertEqual(config.feed.flag, "data/raw/retrain.flag")
        XCTAssertEqual(config.factorization, ProjectConfig.Factorization(playlistsDir: "data/playlists", factors: "models/factors.msrf",
                                                                         metrics: "metrics/factorize.json"))
    }

    func testEachPathIsDeclaredOnceAndItsReadersFollowIt() throws {
        let moved = try load {
            $0.replacingOccurrences(of: "processed_dir: data/processed", with: "processed_dir: data/p2")
                .replacingOccurrences(of: "  model: models/classifier.msrgb", with: "  model: models/gbt.msrgb")
                .replacingOccurrences(of: "song_base: data/raw/song_df.csv", with: "song_base: data/base.csv")
                .replacingOccurrences(of: "models_dir: models/mixtures", with: "models_dir: models/m2")
                .replacingOccurrences(of: "log: data/reco/recommendations.jsonl", with: "log: data/log.jsonl")
        }
        XCTAssertEqual([moved.training.xTrain, moved.training.yTrain, moved.training.labels, moved.evaluation.xTest,
                        moved.evaluation.yTest, moved.evaluation.urisTest, moved.clustering.scaler, moved.prediction.scaler],
                       ["data/p2/X_train.csv", "data/p2/y_train.csv", "data/p2/labels.json", "data/p2/X_test.csv",
                        "data/p2/y_test.csv", "data/p2/uris_test.csv", "data/p2/scaler.json", "data/p2/scaler.json"])
        XCTAssertEqual([moved.training.model, moved.evaluation.model, moved.clustering.model, moved.prediction.model],
                       Array(repeating: "models/gbt.msrgb", count: 4))
        XCTAssertEqual([moved.ingestion.songBase, moved.validation.songBase, moved.transformation.songBase, moved.feed.songBase],
                       Array(repeating: "data/base.csv", count: 4))
        XCTAssertEqual(moved.prediction.mixturesDir, "models/m2")
        XCTAssertEqual(moved.monitoring.log, "data/log.jsonl")
        // A reader's copy of a path is not a key: it could only disagree with the writer's.
        XCTAssertEqual(try error { $0.replacingOccurrences(of: "model_training:\n", with: "model_training:\n  x_train: data/X.csv\n") },
                       "model_training.x_train: unknown key (expected one of: model, importance)")
    }

    func testASectionsMissingAndUnknownKeysNameTheirKeyPath() throws {
        XCTAssertEqual(try error { $0.replacingOccurrences(of: #"(?m)^  trend: .*\n"#, with: "", options: .regularExpression) },
                       "monitoring: missing key 'trend'")
        XCTAssertEqual(try error {
            $0.replacingOccurrences(of: "  html: metrics/monitoring.html\n", with: "  html: metrics/monitoring.html\n  colour: blue\n")
        }, "monitoring.colour: unknown key (expected one of: metrics, trend, html)")
        XCTAssertEqual(try error { $0.replacingOccurrences(of: "  playlists_dir: data/playlists\n", with: "") },
                       "factorization: missing key 'playlists_dir'")
        XCTAssertEqual(try error { $0.replacingOccurrences(of: "  max_uncompressed_mb: 4096", with: "  max_uncompressed_mb: 0") },
                       "data_ingestion.max_uncompressed_mb: expected an integer in [1, 1048576], got \"0\"")
    }
}
