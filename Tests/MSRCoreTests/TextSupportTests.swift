import MSRCore
import XCTest

/// What replaced Foundation's String(format:), NSString's paths and trimming: the same results.
final class TextSupportTests: XCTestCase {
    func testPrintfWritesCsDigits() {
        XCTAssertEqual(String(printf: "%.4f", 0.123456), "0.1235")
        XCTAssertEqual(String(printf: "%7.3f|%5d|%02X|%g", 2.5, 42, UInt8(10), 1e-5), "  2.500|   42|0A|1e-05")
        XCTAssertEqual(String(printf: "%.2f%%", 12.345), "12.35%")
        // Past the first buffer (128 bytes): written whole.
        XCTAssertEqual(String(printf: "%300.1f", 1.0).count, 300)
        XCTAssertEqual(String(printf: "%04d%02d%02dT", Int32(2026), Int32(12), Int32(1)), "20261201T")
    }

    /// The folder part as NSString's deletingLastPathComponent gave it for the paths msr passes
    /// (inner double slashes are kept: `a//b//c` -> `a//b`, the same folder as NSString's `a/b`).
    func testParentPathIsTheFolderPart() {
        let cases = ["a/b/c": "a/b", "/a": "/", "a": "", "/": "/", "": "", "a/b/": "a", "a//b": "a", "//a": "/",
                     "./x": ".", "/a/b//": "/a"]
        for (path, parent) in cases {
            XCTAssertEqual(parentPath(path), parent, path)
        }
    }

    func testPaddedAndTrimmed() {
        XCTAssertEqual("pop".padded(to: 5), "pop  ")
        XCTAssertEqual("classical".padded(to: 5), "class")
        XCTAssertEqual(" \t 5ab3\n".trimmingWhitespace(), "5ab3")
        XCTAssertEqual(" \n ".trimmingWhitespace(), "")
    }
}
