import MSRCore
import XCTest

/// The playlist-continuation metrics, by hand on a tiny case.
final class ContinuationMetricsTests: XCTestCase {
    let ranked = ["a", "b", "c", "d", "e"]
    let relevant: Set = ["b", "d", "x"]

    func testRPrecisionRecallAndHitRate() {
        XCTAssertEqual(ContinuationMetrics.rPrecision(ranked: ranked, relevant: relevant), 1.0 / 3, accuracy: 1e-12, "b among a, b, c")
        XCTAssertEqual(ContinuationMetrics.recall(ranked: ranked, relevant: relevant, k: 2), 1.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(ContinuationMetrics.recall(ranked: ranked, relevant: relevant, k: 5), 2.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(ContinuationMetrics.recall(ranked: ranked, relevant: relevant, k: 500), 2.0 / 3, accuracy: 1e-12, "k past the answer")
        XCTAssertEqual(ContinuationMetrics.hitRate(ranked: ranked, relevant: relevant, k: 1), 0)
        XCTAssertEqual(ContinuationMetrics.hitRate(ranked: ranked, relevant: relevant, k: 2), 1)
        XCTAssertEqual(ContinuationMetrics.rPrecision(ranked: ["x", "b", "d"], relevant: relevant), 1)
    }

    func testNDCGWithDistinctScores() {
        // b at 2 and d at 4: 1/log2(3) + 1/log2(5); ideal: 1 + 1/log2(3) + 1/log2(4).
        let expected = (1 / log2(3.0) + 1 / log2(5.0)) / (1 + 1 / log2(3.0) + 0.5)
        XCTAssertEqual(ContinuationMetrics.ndcg(ranked: ranked, scores: [5, 4, 3, 2, 1], relevant: relevant, k: 5), expected, accuracy: 1e-12)
        XCTAssertEqual(ContinuationMetrics.ndcg(ranked: ["b", "d", "x"], scores: [3, 2, 1], relevant: relevant, k: 10), 1, accuracy: 1e-12)
        XCTAssertEqual(ContinuationMetrics.ndcg(ranked: ["a", "c"], scores: [2, 1], relevant: relevant, k: 10), 0)
    }

    func testNDCGWithTiesIsTheMeanOverTheTiesOrders() {
        // b and c tie at positions 2 and 3: b gets the mean of their discounts, whichever comes first.
        let expected = ((1 / log2(3.0) + 0.5) / 2 + 1 / log2(5.0)) / (1 + 1 / log2(3.0) + 0.5)
        let scores: [Double] = [5, 4, 4, 2, 1]
        XCTAssertEqual(ContinuationMetrics.ndcg(ranked: ranked, scores: scores, relevant: relevant, k: 5), expected, accuracy: 1e-12)
        XCTAssertEqual(ContinuationMetrics.ndcg(ranked: ["a", "c", "b", "d", "e"], scores: scores, relevant: relevant, k: 5), expected,
                       accuracy: 1e-12)
        // A tie across the cut at k = 2: position 3 counts 0, so b gets half of position 2's discount.
        let cut = ((1 / log2(3.0)) / 2) / (1 + 1 / log2(3.0))
        XCTAssertEqual(ContinuationMetrics.ndcg(ranked: ranked, scores: scores, relevant: relevant, k: 2), cut, accuracy: 1e-12)
    }
}
