import XCTest
@testable import MSRCore

/// The rows msr-cluster's silhouette score is computed on.
final class SilhouetteRowsTests: XCTestCase {
    func testEveryRowUpToTheSampleSize() {
        XCTAssertEqual(ClusterStage.silhouetteRows(5, size: 5, seed: 42), [0, 1, 2, 3, 4])
        XCTAssertEqual(ClusterStage.silhouetteRows(3, size: 10_000, seed: 42), [0, 1, 2])
    }

    func testBeyondASeededSampleInRowOrderDrawnAsEveryOtherSample() {
        let rows = ClusterStage.silhouetteRows(1000, size: 100, seed: 42)
        XCTAssertEqual(rows.count, 100)
        XCTAssertEqual(rows, rows.sorted())
        XCTAssertEqual(Set(rows).count, 100)
        XCTAssertEqual(rows, ClusterStage.silhouetteRows(1000, size: 100, seed: 42))
        // The one sampling without replacement msr has (boosting's bags, the held-out playlists).
        var generator = SplitMix64(seed: 42)
        XCTAssertEqual(rows, generator.sample(100, from: Array(0..<1000)).sorted())
    }
}
