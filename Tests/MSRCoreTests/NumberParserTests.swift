import MSRTestSupport
import XCTest
@testable import MSRCore

final class NumberParserTests: XCTestCase {
    func testFormsPandasWrites() {
        let cases: [(String, Double)] = [
            ("0", 0), ("-0.5", -0.5), ("+3", 3), ("85.012", 85.012), ("2.07e-05", 2.07e-05), ("1E3", 1000),
            (".5", 0.5), ("5.", 5), ("1e+16", 1e16), ("-41.531", -41.531), ("0.000417", 0.000417),
            ("12345678901234567890123", 12345678901234567890123), ("1e-320", 1e-320), ("1.7976931348623157e308", .greatestFiniteMagnitude),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(NumberParser.parseDouble(text)?.bitPattern, expected.bitPattern, text)
        }
    }

    func testNonNumbers() {
        for text in ["", "-", ".", "e5", "1e", "1.2.3", "abc", "1,5", " 1", "1 ", "nan", "inf", "0x10"] {
            XCTAssertNil(NumberParser.parseDouble(text), text)
        }
    }

    /// A number beyond a double's range is read as infinity, as strtod reads it: the CSV reader
    /// then refuses it as not finite instead of calling it "not a number".
    func testOverflowIsInfinity() {
        XCTAssertEqual(NumberParser.parseDouble("1e999"), .infinity)
        XCTAssertEqual(NumberParser.parseDouble("-1e999"), -.infinity)
        XCTAssertEqual(NumberParser.parseDouble("1e-999"), 0)
    }

    /// Every value parses back to itself from its shortest form, as strtod would parse it.
    func testRoundTripsAgainstStrtod() {
        var generator = SplitMix64(seed: 7)
        for _ in 0..<50_000 {
            let value: Double
            switch generator.below(3) {
            case 0: value = Double(bitPattern: generator.next())
            case 1: value = Double(Int(generator.below(1_000_000))) / 1000
            default: value = (generator.unit() - 0.5) * pow(10, Double(generator.below(40)) - 20)
            }
            guard value.isFinite else { continue }
            let text = NumberFormat.shortest(value)
            XCTAssertEqual(NumberParser.parseDouble(text)?.bitPattern, value.bitPattern, text)
            XCTAssertEqual(NumberParser.parseDouble(text)?.bitPattern, strtod(text, nil).bitPattern, text)
        }
    }
}

final class NumberFormatTests: XCTestCase {
    /// The fast path writes exactly what the standard library's shortest form writes.
    func testMatchesDescriptionEverywhere() {
        var generator = SplitMix64(seed: 11)
        var fast = 0
        for n in 0..<300_000 {
            let value: Double
            switch n % 4 {
            case 0: value = Double(bitPattern: generator.next())
            case 1: value = Double(Int(generator.below(2_000_000)) - 1_000_000) / pow(10, Double(generator.below(8)))
            case 2: value = (generator.unit() - 0.5) * pow(10, Double(generator.below(24)) - 6)
            default: value = Double(Int(generator.below(100_000))) * pow(10, Double(generator.below(30)) - 15)
            }
            guard value.isFinite else { continue }
            var scratch = [UInt8](repeating: 0, count: NumberFormat.maxLength)
            if scratch.withUnsafeMutableBufferPointer({ NumberFormat.writeFewDigits(value, to: $0.baseAddress!) }) > 0 { fast += 1 }
            XCTAssertEqual(NumberFormat.shortest(value), value.description, "\(value.bitPattern)")
        }
        XCTAssertGreaterThan(fast, 100_000, "most values of few digits take the fast path")
    }

    func testEdgeValues() {
        for value in [0.0, -0.0, 1e-4, 9.999999999999999e-05, 0.0001000000000000001, 1e16, 9999999999999998.0, 1e15,
                      123456789012345.0, 0.1, 0.2, 0.3, 1.0, 10.0, 100.0, -41.531, 2.07e-05, 85.012, 0.000417,
                      5e-324, .greatestFiniteMagnitude, 1.5, 999999999999999.9, 0.30000000000000004] {
            XCTAssertEqual(NumberFormat.shortest(value), value.description, "\(value)")
        }
        for value in [0, 7, -7, 10, 123_456_789, Int.max, Int.min] {
            let text = [UInt8](unsafeUninitializedCapacity: 21) { buffer, count in
                count = NumberFormat.write(value, to: buffer.baseAddress!)
            }
            XCTAssertEqual(String(decoding: text, as: UTF8.self), String(value))
        }
    }
}
