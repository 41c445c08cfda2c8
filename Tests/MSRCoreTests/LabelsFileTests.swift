import MSRCore
import MSRTestSupport
import XCTest

final class LabelsFileTests: XCTestCase {
    func testReadsTheClasses() throws {
        try withTemporaryFolder { folder in
            try LabelEncoder(classes: ["jazz", "pop"]).json.write(to: "\(folder)/labels.json")
            XCTAssertEqual(try LabelsFile.read("\(folder)/labels.json"), ["jazz", "pop"])
        }
    }

    func testDamagedFilesNameTheJSONPath() {
        func error(_ text: String) -> String { loadError(text, as: "labels.json") { _ = try LabelsFile.read($0) } }
        XCTAssertEqual(error("{\"classes\": [\"jazz\"]}"),
                       "labels.json: classes: expected a list of at least 2 genre names, got 1 (run msr-transform again)")
        XCTAssertEqual(error("{\"classes\": [\"jazz\", 7]}"), "labels.json: classes[1]: expected a string, got 7 (run msr-transform again)")
        XCTAssertEqual(error("{\"genres\": []}"), "labels.json: classes: expected a list of genre names (run msr-transform again)")
        XCTAssertEqual(error("[\"jazz\", \"pop\"]"), "labels.json: expected a JSON object (run msr-transform again)")
    }
}
