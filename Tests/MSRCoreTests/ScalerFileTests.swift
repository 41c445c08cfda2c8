import MSRCore
import MSRTestSupport
import XCTest

final class ScalerFileTests: XCTestCase {
    func testRoundTripAndIntegersReadAsNumbers() throws {
        let scaler = FeatureScaler(features: ["a", "b"], min: [0, -1.5], max: [1, 2], mean: [0.25, 0.1], std: [1e-3, 2])
        try withTemporaryFolder { folder in
            try scaler.json.write(to: "\(folder)/scaler.json")
            XCTAssertEqual(try FeatureScaler.read("\(folder)/scaler.json"), scaler)
        }
        XCTAssertEqual(loadError("{\"features\": [\"a\"], \"min\": [0], \"max\": [1], \"mean\": [0], \"std\": [1]}", as: "s.json") {
            XCTAssertEqual(try FeatureScaler.read($0).max, [1.0])
        }, "no error")
    }

    func testDamagedFilesNameTheJSONPath() {
        func error(_ min: String, _ std: String) -> String {
            loadError("{\"features\": [\"a\", \"b\"], \"min\": \(min), \"max\": [1, 2], \"mean\": [0, 0], \"std\": \(std)}",
                      as: "scaler.json") { _ = try FeatureScaler.read($0) }
        }
        XCTAssertEqual(error("[0, 0]", "[1, 1]"), "no error")
        XCTAssertEqual(error("[0, null]", "[1, 1]"), "scaler.json: min[1]: expected a finite number, got null (run msr-transform again)")
        XCTAssertEqual(error("[0, 0]", "[1]"),
                       "scaler.json: std: expected a list of 2 numbers (one per feature), got 1 (run msr-transform again)")
        XCTAssertEqual(error("[0, 0]", "\"x\""), "scaler.json: std: expected a list of 2 numbers (one per feature) (run msr-transform again)")
        XCTAssertEqual(loadError("{\"min\": []}", as: "scaler.json") { _ = try FeatureScaler.read($0) },
                       "scaler.json: features: expected a list of feature names (run msr-transform again)")
    }
}
