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

    /// Every value in [1e-4, 2^53) that the fast path leaves (16 or 17 significant digits) takes
    /// the exact path, and writes what `description` writes: random significands at every
    /// binary exponent of the range, Float32 values as Float64 (the answers' scores), whole
    /// numbers near 2^53, every power of two and its neighbours (none of the powers rounds into
    /// the narrower gap below it, checked with exact fractions: the check there cannot be
    /// told from the wider one), and the neighbours of every power of ten.
    func testTheExactPathWritesWhatDescriptionWrites() {
        var generator = SplitMix64(seed: 23)
        var values: [Double] = []
        for _ in 0..<200_000 {
            let exponent = Int(generator.below(67)) - 14  // 2^-14 ... 2^52
            values.append(Double(sign: .plus, exponentBitPattern: UInt(1023 + exponent), significandBitPattern: generator.next() >> 12))
            values.append(-Double(Float(bitPattern: UInt32(truncatingIfNeeded: generator.next()) & 0x3fff_ffff | 0x3800_0000)))
        }
        for k in 0..<1_000 { values += [9_007_199_254_740_991 - Double(k), 4_503_599_627_370_496 + Double(k) * 0.5] }
        for e in -14...52 { values += [0x1p0 * pow(2, Double(e)), pow(2, Double(e)).nextUp, pow(2, Double(e)).nextDown] }
        for k in -4...15 {
            var value = Double("1e\(k)")!
            for _ in 0..<4 { value = value.nextDown }
            for _ in 0..<8 {
                values.append(value)
                value = value.nextUp
            }
        }
        var exact = 0
        for value in values where abs(value) >= 1e-4 && abs(value) < 0x1p53 {
            var scratch = [UInt8](repeating: 0, count: NumberFormat.maxLength)
            let few = scratch.withUnsafeMutableBufferPointer { NumberFormat.writeFewDigits(value, to: $0.baseAddress!) }
            let many = scratch.withUnsafeMutableBufferPointer { NumberFormat.writeManyDigits(value, to: $0.baseAddress!) }
            XCTAssertTrue(few > 0 || many > 0, "\(value) went to description")
            if few == 0 {
                exact += 1
                XCTAssertEqual(String(decoding: scratch[..<many], as: UTF8.self), value.description, "\(value.bitPattern)")
            }
            XCTAssertEqual(NumberFormat.shortest(value), value.description, "\(value.bitPattern)")
        }
        XCTAssertGreaterThan(exact, 300_000, "random values take the exact path")
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

    /// What `writeFeature` writes for `value`.
    private func written(_ value: Double, integer: Bool) -> String {
        let bytes = [UInt8](unsafeUninitializedCapacity: NumberFormat.maxLength) { buffer, count in
            count = NumberFormat.writeFeature(value, integer: integer, to: buffer.baseAddress!)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func isWritten(_ text: String, integer: Bool) -> Bool {
        let value = NumberParser.parseDouble(text) ?? .nan
        return Array(text.utf8).withUnsafeBufferPointer {
            NumberFormat.isWrittenFeature($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, count: $0.count, value: value, integer: integer)
        }
    }

    /// A field judged already written is byte for byte what the writer writes for its value,
    /// over random texts of every form (signs, leading and trailing zeros, exponents, long
    /// digit runs); and the usual forms are judged so (they are copied, not formatted).
    func testAFieldJudgedWrittenIsWhatTheWriterWrites() {
        var generator = SplitMix64(seed: 5)
        var judged = 0
        for _ in 0..<400_000 {
            var text = ["", "", "-", "+"][Int(generator.below(4))]
            let wholeDigits = Int(generator.below(18))
            for k in 0..<wholeDigits { text += String(k == 0 && generator.below(3) == 0 ? 0 : generator.below(10)) }
            if generator.below(5) > 0 {
                text += "."
                for _ in 0..<Int(generator.below(19)) { text += String(generator.below(4) == 0 ? 0 : generator.below(10)) }
            }
            if generator.below(10) == 0 { text += "e" + String(Int(generator.below(40)) - 20) }
            let integer = generator.below(3) == 0
            guard let value = NumberParser.parseDouble(text), value.isFinite else { continue }
            if isWritten(text, integer: integer) {
                judged += 1
                XCTAssertEqual(written(value, integer: integer), text, "integer: \(integer)")
            }
        }
        XCTAssertGreaterThan(judged, 30_000)
        XCTAssertTrue(isWritten("", integer: false), "a missing value is written as nothing")
        for text in ["0.541", "-5.25", "120.0", "0.0", "-0.0", "0.0001", "0.00012", "123456789012345.0", "-41.531", "99.99"] {
            XCTAssertTrue(isWritten(text, integer: false), text)
        }
        for text in ["5", "-7", "0", "123456789012345"] { XCTAssertTrue(isWritten(text, integer: true), text) }
        for text in ["0.50", "5", "1e-05", "0.00005", "00.5", "+0.5", ".5", "5.", "1234567890123456.0", "0.1234567890123456",
                     "1E2", " 1.5", "1.5 "] {
            XCTAssertFalse(isWritten(text, integer: false), text)
        }
        for text in ["5.0", "-0", "05", "1234567890123456", "1e3", "+5"] { XCTAssertFalse(isWritten(text, integer: true), text) }
        XCTAssertTrue(isWritten("2.5", integer: true), "a fraction in an integer column is written as a fraction")
    }

    /// Values of few digits, once written, are judged written: a song base msr wrote is copied.
    func testWrittenValuesOfFewDigitsAreJudgedWritten() {
        var generator = SplitMix64(seed: 9)
        for _ in 0..<100_000 {
            let value = Double(Int(generator.below(20_000_000)) - 10_000_000) / pow(10, Double(generator.below(7)))
            guard abs(value) >= 1e-4 || value == 0 else { continue }
            let integer = generator.below(4) == 0
            let text = written(value, integer: integer)
            XCTAssertTrue(isWritten(text, integer: integer), text)
        }
    }
}
