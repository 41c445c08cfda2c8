import XCTest
@testable import MSRCore

final class EarlyStoppingTests: XCTestCase {
    func testStopsAfterPatienceRoundsWithoutAGainBeyondTol() {
        var stopping = EarlyStopping(tol: 0.1, patience: 2)
        XCTAssertFalse(stopping.stops(after: 1.0))   // best 1.0
        XCTAssertFalse(stopping.stops(after: 0.95))  // within tol: 1 round without gain
        XCTAssertFalse(stopping.stops(after: 0.85))  // beyond tol: best 0.85, count reset
        XCTAssertFalse(stopping.stops(after: 0.9))   // 1
        XCTAssertTrue(stopping.stops(after: 0.8))    // 2: 0.8 is not below 0.85 - 0.1
        XCTAssertEqual(stopping.losses, [1.0, 0.95, 0.85, 0.9, 0.8])
    }

    func testBoostingRecordsTheLossesAndStops() throws {
        // A rule the trees learn in a few rounds: the held-out loss stops falling long before 500.
        let n = 400
        let values = (0..<n).map { Double($0 % 20) }
        var columns = [values]
        let matrix = FeatureMatrix(consuming: &columns)
        let labels = values.map { Int32($0 < 10 ? 0 : 1) }
        var params = BoostingParams()
        params.nEstimators = 500
        params.learningRate = 0.5
        params.earlyStopping = true
        params.nIterNoChange = 3
        let model = try GradientBoostingClassifier.fit(matrix, labels: labels, classes: ["a", "b"], featureNames: ["x"], params: params)
        XCTAssertLessThan(model.rounds, 500)
        XCTAssertEqual(model.validationLoss.count, model.rounds)
    }
}
