import XCTest
@testable import MSRCore

/// msr-feed's decision to retrain, apart from its reading and writing (EndToEndTests.FeedTests
/// runs the whole stage).
final class FeedStageTests: XCTestCase {
    func testRetrainReasonsNameTheThresholdPassed() {
        let params = FeedParams()  // min_delta 5, max_psi 0.2
        XCTAssertEqual(FeedStage.retrainReasons(delta: 5, worst: ("tempo", 0.2), params: params), [])
        XCTAssertEqual(FeedStage.retrainReasons(delta: 6.5, worst: ("", 0), params: params),
                       ["the song base grew by 6.50% (feed.min_delta: 5)"])
        XCTAssertEqual(FeedStage.retrainReasons(delta: 1, worst: ("tempo", 1.19289), params: params),
                       ["feature 'tempo' drifted: PSI 1.1929 (feed.max_psi: 0.2)"])
        XCTAssertEqual(FeedStage.retrainReasons(delta: 6.5, worst: ("energy", 0.3), params: params).count, 2)
    }
}
