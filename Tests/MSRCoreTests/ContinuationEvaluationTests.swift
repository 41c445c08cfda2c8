import MSRCore
import XCTest

/// The popularity baseline and the scoring of a recommender on held-out cases, by hand.
final class ContinuationEvaluationTests: XCTestCase {
    let training: [[Int32]] = [[1, 2], [1, 3], [1, 2, 2]]

    func testPopularityRanksByPlaylistsHoldingTheTrack() {
        let popularity = PopularityRecommender(training: training)
        let answer = popularity.recommend(shown: [], count: 10)
        XCTAssertEqual(answer.tracks, [1, 2, 3], "a track twice in one playlist counts once")
        XCTAssertEqual(answer.scores, [3, 2, 1])
        XCTAssertEqual(popularity.recommend(shown: [2], count: 1).tracks, [1])
        XCTAssertEqual(PopularityRecommender(training: [[5], [4]]).recommend(shown: [], count: 2).tracks, [4, 5], "ties: lower number first")
    }

    func testScoresOverallAndOnColdTracks() {
        let cases = [ContinuationSplit.Case(playlist: 0, shown: [1], hidden: [2, 9]),
                     ContinuationSplit.Case(playlist: 1, shown: [2], hidden: [3])]
        let cold = ContinuationEvaluation.coldTracks(cases, training: training)
        XCTAssertEqual(cold, [9])
        let popularity = PopularityRecommender(training: training)
        let result = ContinuationEvaluation.score(cases, cold: cold) { shown, count in popularity.recommend(shown: shown, count: count) }
        // Case 0 gets [2, 3]: 2 found first. Case 1 gets [1, 3]: 3 found second.
        let ndcg0 = 1 / (1 + 1 / log2(3.0)), ndcg1 = 1 / log2(3.0)
        XCTAssertEqual(result.all.cases, 2)
        XCTAssertEqual(result.all.rPrecision, (0.5 + 0) / 2, accuracy: 1e-12)
        XCTAssertEqual(result.all.recallAt10, (0.5 + 1) / 2, accuracy: 1e-12)
        XCTAssertEqual(result.all.recallAt500, (0.5 + 1) / 2, accuracy: 1e-12)
        XCTAssertEqual(result.all.hitRateAt10, 1)
        XCTAssertEqual(result.all.ndcgAt10, (ndcg0 + ndcg1) / 2, accuracy: 1e-12)
        // Only case 0 hides a cold track (9), which popularity never offers.
        XCTAssertEqual(result.cold.cases, 1)
        XCTAssertEqual([result.cold.rPrecision, result.cold.ndcgAt10, result.cold.recallAt10, result.cold.recallAt500, result.cold.hitRateAt10],
                       [0, 0, 0, 0, 0])
        let json = result.json.compact()
        XCTAssertTrue(json.hasPrefix(#"{"cases":2,"cold":{"cases":1,"hit_rate_at_10":0.0,"ndcg_at_10":0.0,"#), json)
        for key in ["r_precision", "ndcg_at_10", "recall_at_10", "recall_at_500", "hit_rate_at_10"] {
            XCTAssertEqual(json.components(separatedBy: "\"\(key)\":").count - 1, 2, key)
        }
    }
}
