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

    func testASectionsMissingAndUnknownKeysNameTheirKeyPath() throws {
        XCTAssertEqual(try error { $0.replacingOccurrences(of: #"(?m)^  mixtures_dir: .*\n"#, with: "", options: .regularExpression) },
                       "prediction: missing key 'mixtures_dir'")
        XCTAssertEqual(try error {
            $0.replacingOccurrences(of: "  html: metrics/monitoring.html\n", with: "  html: metrics/monitoring.html\n  colour: blue\n")
        }, "monitoring.colour: unknown key (expected one of: log, metrics, trend, html)")
        XCTAssertEqual(try error { $0.replacingOccurrences(of: "  playlists_dir: data/playlists\n", with: "") },
                       "factorization: missing key 'playlists_dir'")
        XCTAssertEqual(try error { $0.replacingOccurrences(of: "  max_uncompressed_mb: 4096", with: "  max_uncompressed_mb: 0") },
                       "data_ingestion.max_uncompressed_mb: expected an integer in [1, 1048576], got \"0\"")
    }
}
