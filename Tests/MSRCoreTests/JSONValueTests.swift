import MSRTestSupport
import XCTest
@testable import MSRCore

final class JSONValueTests: XCTestCase {
    func testSortedKeysInlineScalarArraysTrailingNewline() {
        let value = JSONValue.object([
            "z": .int(1), "a": .array([.double(0.1), .double(1), .null]), "m": .object(["k": .string("a\"b\n")]),
            "list": .array([.object(["x": .bool(true)])]), "nan": .double(.nan), "empty": .array([]),
        ])
        XCTAssertEqual(value.serialized(), """
        {
          "a": [0.1, 1.0, null],
          "empty": [],
          "list": [
            {
              "x": true
            }
          ],
          "m": {
            "k": "a\\"b\\n"
          },
          "nan": null,
          "z": 1
        }

        """)
    }

    func testControlCharactersAreEscaped() {
        XCTAssertEqual(JSONValue.string("\u{1}").serialized(), "\"\\u0001\"\n")
    }
}
