import FoundationEssentials
import Glibc

/// Parses decimal numbers straight from bytes, without making a `String`.
///
/// The common case (at most 19 significant digits, a power of ten within 10^±22) is exact by
/// Clinger's fast path: one integer conversion and one correctly rounded multiply or divide.
/// Anything else goes through `strtod`, so every input rounds exactly as the C library does.
public enum NumberParser {
    /// The number in `bytes[start..<end]`, or `nil` when it is not a decimal number
    /// (`nan` and `inf` are not numbers here; see `isMissingMarker`).
    @inline(__always)
    public static func parseDouble(_ bytes: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
        var i = start
        guard i < end else { return nil }
        var negative = false
        if bytes[i] == UInt8(ascii: "-") { negative = true; i += 1 } else if bytes[i] == UInt8(ascii: "+") { i += 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        var truncated = false
        var sawDigit = false
        while i < end, bytes[i] &- 48 < 10 {
            sawDigit = true
            if digits < 19 {
                mantissa = mantissa &* 10 &+ UInt64(bytes[i] &- 48)
                if mantissa != 0 { digits += 1 }
            } else {
                exponent += 1
                if bytes[i] != 48 { truncated = true }
            }
            i += 1
        }
        if i < end, bytes[i] == UInt8(ascii: ".") {
            i += 1
            while i < end, bytes[i] &- 48 < 10 {
                sawDigit = true
                if digits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(bytes[i] &- 48)
                    if mantissa != 0 { digits += 1 }
                    exponent -= 1
                } else if bytes[i] != 48 {
                    truncated = true
                }
                i += 1
            }
        }
        guard sawDigit else { return nil }
        if i < end, bytes[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            var exponentNegative = false
            if i < end, bytes[i] == UInt8(ascii: "-") { exponentNegative = true; i += 1 } else if i < end, bytes[i] == UInt8(ascii: "+") { i += 1 }
            var value = 0
            var sawExponentDigit = false
            while i < end, bytes[i] &- 48 < 10 {
                sawExponentDigit = true
                if value < 100_000 { value = value * 10 + Int(bytes[i] &- 48) }
                i += 1
            }
            guard sawExponentDigit else { return nil }
            exponent += exponentNegative ? -value : value
        }
        guard i == end else { return nil }
        if mantissa == 0 && !truncated { return negative ? -0.0 : 0.0 }
        if !truncated, mantissa <= 1 << 53, exponent >= -22, exponent <= 22 {
            var value = Double(mantissa)
            value = exponent < 0 ? value / Numerics.exactPowerOfTen(-exponent) : value * Numerics.exactPowerOfTen(exponent)
            return negative ? -value : value
        }
        return slowParse(bytes, start, end)
    }

    private static func slowParse(_ bytes: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
        let count = end - start
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: count + 1) { buffer in
            for k in 0..<count { buffer[k] = CChar(bitPattern: bytes[start + k]) }
            buffer[count] = 0
            var parsedEnd: UnsafeMutablePointer<CChar>?
            let value = strtod(buffer.baseAddress!, &parsedEnd)
            return parsedEnd == buffer.baseAddress! + count ? value : nil
        }
    }

    /// Whether the field is one of the markers pandas reads as a missing value
    /// (empty, `NA`, `N/A`, `NaN`, `nan`, `NULL`, `null`, `None`, `<NA>`).
    public static func isMissingMarker(_ bytes: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        let count = end - start
        if count == 0 { return true }
        guard count <= 4 else { return false }
        let text = String(decoding: UnsafeBufferPointer(start: bytes + start, count: count), as: UTF8.self)
        return missingMarkers.contains(text)
    }

    private static let missingMarkers: Set<String> = ["NA", "N/A", "NaN", "nan", "NULL", "null", "None", "<NA>", "n/a", "-nan", "-NaN"]

    /// Parses a whole `String` with the same rules.
    public static func parseDouble(_ text: String) -> Double? {
        var copy = text
        return copy.withUTF8 { buffer in
            guard let base = buffer.baseAddress else { return nil }
            return parseDouble(base, 0, buffer.count)
        }
    }
}
