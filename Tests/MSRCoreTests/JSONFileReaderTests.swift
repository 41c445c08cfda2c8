import MSRCore
import MSRTestSupport
import XCTest

final class JSONFileReaderTests: XCTestCase {
    /// The message reading `text` as `f.json` through `body` gives.
    private func error(_ text: String, _ body: @escaping (JSONFileReader, [String: JSONValue]) throws -> Void) -> String {
        loadError(text, as: "f.json") { path in
            let reader = JSONFileReader(path: path, remedy: "run msr-x again")
            try body(reader, try reader.object(what: "test file"))
        }
    }

    func testTheDocumentMustBeAnObject() {
        XCTAssertEqual(error("{\"a\": 1}") { _, _ in }, "no error")
        XCTAssertEqual(error("[1, 2]") { _, _ in }, "f.json: expected a JSON object (run msr-x again)")
        XCTAssertEqual(error("{\"a\": ") { _, _ in }, "f.json: not valid JSON (unexpected end of input at byte 6) (run msr-x again)")
        XCTAssertEqual(errorMessage { _ = try JSONFileReader(path: "/nonexistent/f.json", remedy: "x").object(what: "test file") }
                           .hasPrefix("/nonexistent/f.json: test file"), true)
    }

    func testNumbersNameTheirJSONPath() {
        XCTAssertEqual(error("{\"v\": [1, 2.5, -3]}") { reader, object in
            XCTAssertEqual(try reader.numbers(object["v"], at: "v", what: "numbers", count: 3), [1, 2.5, -3])
        }, "no error")
        XCTAssertEqual(error("{\"v\": [1, null]}") { reader, object in
            _ = try reader.numbers(object["v"], at: "v", what: "numbers", count: nil)
        }, "f.json: v[1]: expected a finite number, got null (run msr-x again)")
        XCTAssertEqual(error("{\"v\": [1e999]}") { reader, object in
            _ = try reader.numbers(object["v"], at: "v", what: "numbers", count: nil)
        }, "f.json: v[0]: expected a finite number, got a number beyond the range of a double (run msr-x again)")
        XCTAssertEqual(error("{\"v\": [1, 2]}") { reader, object in
            _ = try reader.numbers(object["v"], at: "v", what: "numbers (one per feature)", count: 3)
        }, "f.json: v: expected a list of 3 numbers (one per feature), got 2 (run msr-x again)")
        XCTAssertEqual(error("{}") { reader, object in
            _ = try reader.numbers(object["v"], at: "v", what: "numbers", count: 3)
        }, "f.json: v: expected a list of 3 numbers (run msr-x again)")
        XCTAssertEqual(error("{\"v\": [[1, 2], [3, 0]]}") { reader, object in
            _ = try reader.rows(object["v"], at: "v", count: 2, width: 2, what: "rows", positive: true)
        }, "f.json: v[1][1]: expected a finite number > 0, got 0 (run msr-x again)")
    }

    func testStrings() {
        XCTAssertEqual(error("{\"s\": [\"a\", \"b\"], \"t\": \"x\"}") { reader, object in
            XCTAssertEqual(try reader.strings(object["s"], at: "s", what: "names", count: nil), ["a", "b"])
            XCTAssertEqual(try reader.string(object["t"], at: "t"), "x")
        }, "no error")
        XCTAssertEqual(error("{\"s\": [\"a\", 7]}") { reader, object in
            _ = try reader.strings(object["s"], at: "s", what: "names", count: nil)
        }, "f.json: s[1]: expected a string, got 7 (run msr-x again)")
        XCTAssertEqual(error("{\"t\": [1]}") { reader, object in
            _ = try reader.string(object["t"], at: "t")
        }, "f.json: t: expected a string, got a list (run msr-x again)")
    }
}
