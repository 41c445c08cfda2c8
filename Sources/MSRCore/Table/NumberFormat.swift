/// Number formatting for artifacts: the shortest text that reads back to the same value.
public enum NumberFormat {
    /// The shortest round-trip form, as Python's `repr` writes it (`0.1`, `1.0`, `2.07e-05`,
    /// `1e+16`): what pandas writes, so CSVs compare equal with the peers'.
    public static func shortest(_ value: Double) -> String {
        var bytes: [UInt8] = []
        append(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Like `shortest`, without a trailing `.0` on whole numbers: for messages.
    public static func compact(_ value: Double) -> String {
        let text = shortest(value)
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    private static let powersOfTen: [Double] = (0...22).map { Double("1e\($0)")! }
    /// 1e-4 ... 1e16, nearest doubles: `decades[k]` is 10^(k - 4).
    private static let decades: [Double] = (-4...16).map { Double("1e\($0)")! }

    /// Appends the shortest round-trip form of `value` to `buffer`.
    ///
    /// Values in [1e-4, 2^53) whose shortest form has at most 15 significant digits (every
    /// value read from a CSV of real data) take a fast path; the rest go through the standard
    /// library's `description`, which the fast path reproduces byte for byte.
    @inline(__always)
    public static func append(_ value: Double, to buffer: inout [UInt8]) {
        if !appendFewDigits(value, to: &buffer) {
            var text = value.description
            text.withUTF8 { buffer.append(contentsOf: $0) }
        }
    }

    /// The fast path: false when `value` is outside it, having written nothing.
    ///
    /// Rounding `value` to 15 significant digits lands exactly on its shortest form whenever that
    /// form has 15 digits or fewer (the 15-digit grid is coarser than a double's spacing), so
    /// the rounded digits with trailing zeros stripped are the answer if they read back to
    /// `value`; the read-back is exact since the digits fit in 2^53 and the power in 10^22.
    @inline(__always)
    static func appendFewDigits(_ value: Double, to buffer: inout [UInt8]) -> Bool {
        let magnitude = abs(value)
        guard magnitude >= 1e-4, magnitude < 9_007_199_254_740_992 else {  // 2^53: description goes exponential there
            guard value == 0 else { return false }
            buffer.append(contentsOf: value.sign == .minus ? [45, 48, 46, 48] : [48, 46, 48])  // -0.0, 0.0
            return true
        }
        // exponent10 = floor(log10(magnitude)); a miss by one at a decade's edge yields digits
        // out of range below, and the slow path.
        var exponent10 = -4
        while exponent10 < 15 && magnitude >= decades[exponent10 + 5] { exponent10 += 1 }
        let scale = 14 - exponent10  // in -1...18
        let scaled = scale >= 0 ? magnitude * powersOfTen[scale] : magnitude / powersOfTen[-scale]
        var digits = UInt64(scaled.rounded())
        guard digits >= 100_000_000_000_000, digits < 1_000_000_000_000_000 else { return false }
        var decimals = scale  // value = digits / 10^decimals
        while decimals > 0 && digits % 10 == 0 {
            digits /= 10
            decimals -= 1
        }
        let back = decimals >= 0 ? Double(digits) / powersOfTen[decimals] : Double(digits) * powersOfTen[-decimals]
        guard back == magnitude else { return false }

        // Digits of the integer, least significant first.
        var text: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch on the stack
        return withUnsafeMutableBytes(of: &text) { raw -> Bool in
            let scratch = raw.bindMemory(to: UInt8.self)
            var count = 0
            var rest = digits
            repeat {
                scratch[count] = UInt8(48 + rest % 10)
                rest /= 10
                count += 1
            } while rest > 0
            if value < 0 { buffer.append(45) }
            if decimals <= 0 {
                // Whole number: digits, the zeros the scale dropped, then ".0".
                for k in stride(from: count - 1, through: 0, by: -1) { buffer.append(scratch[k]) }
                for _ in 0..<(-decimals) { buffer.append(48) }
                buffer.append(46)
                buffer.append(48)
            } else if decimals >= count {
                // 0.000ddd
                buffer.append(48)
                buffer.append(46)
                for _ in 0..<(decimals - count) { buffer.append(48) }
                for k in stride(from: count - 1, through: 0, by: -1) { buffer.append(scratch[k]) }
            } else {
                for k in stride(from: count - 1, through: decimals, by: -1) { buffer.append(scratch[k]) }
                buffer.append(46)
                for k in stride(from: decimals - 1, through: 0, by: -1) { buffer.append(scratch[k]) }
            }
            return true
        }
    }

    /// Appends a whole number to `buffer`.
    @inline(__always)
    public static func append(_ value: Int, to buffer: inout [UInt8]) {
        if value >= 0 && value < 10 {
            buffer.append(UInt8(48 + value))
            return
        }
        var text = String(value)
        text.withUTF8 { buffer.append(contentsOf: $0) }
    }
}
