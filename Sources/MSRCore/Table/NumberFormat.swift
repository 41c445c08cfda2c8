/// Number formatting for artifacts: the shortest text that reads back to the same value.
public enum NumberFormat {
    /// The most bytes `write` produces for one value.
    public static let maxLength = 32

    /// The shortest round-trip form, as the standard library's `description` writes it (`0.1`,
    /// `1.0`, `2.07e-05`): Python's `repr` too below 2^53, so CSVs compare equal with pandas'.
    public static func shortest(_ value: Double) -> String {
        let text = [UInt8](unsafeUninitializedCapacity: maxLength) { buffer, count in
            count = write(value, to: buffer.baseAddress!)
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Like `shortest`, without a trailing `.0` on whole numbers: for messages.
    public static func compact(_ value: Double) -> String {
        let text = shortest(value)
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    /// Writes the shortest round-trip form of `value` at `out` (room for `maxLength` bytes);
    /// returns the number of bytes written.
    ///
    /// Values in [1e-4, 2^53) take a fast path when their shortest form has at most 15
    /// significant digits (every value read from a CSV of real data), an exact one in 128-bit
    /// integers otherwise (a computed value's 16 or 17); the rest go through `description`,
    /// which both reproduce byte for byte.
    @inline(__always)
    public static func write(_ value: Double, to out: UnsafeMutablePointer<UInt8>) -> Int {
        let written = writeFewDigits(value, to: out)
        if written > 0 { return written }
        let many = writeManyDigits(value, to: out)
        if many > 0 { return many }
        var text = value.description
        return text.withUTF8 { utf8 in
            out.update(from: utf8.baseAddress!, count: utf8.count)
            return utf8.count
        }
    }

    /// The nearest double to 10^k for k in -4...16.
    @inline(__always)
    static func decade(_ k: Int) -> Double {
        switch k {
        case -4: return 1e-4
        case -3: return 1e-3
        case -2: return 1e-2
        case -1: return 1e-1
        default: return Numerics.exactPowerOfTen(k)
        }
    }

    /// The fast path: 0 when `value` is outside it, having written nothing.
    ///
    /// Rounding `value` to 15 significant digits lands exactly on its shortest form whenever that
    /// form has 15 digits or fewer (the 15-digit grid is coarser than a double's spacing), so
    /// the rounded digits with trailing zeros stripped are the answer if they read back to
    /// `value`; the read-back is exact since the digits fit in 2^53 and the power in 10^22.
    /// A digit off by a rounding error cannot read back, and falls to the slow path.
    @inline(__always)
    static func writeFewDigits(_ value: Double, to out: UnsafeMutablePointer<UInt8>) -> Int {
        let magnitude = abs(value)
        guard magnitude >= 1e-4, magnitude < 9_007_199_254_740_992 else {  // 2^53: description goes exponential
            guard value == 0 else { return 0 }
            var n = 0
            if value.sign == .minus { out[0] = 45; n = 1 }
            out[n] = 48; out[n + 1] = 46; out[n + 2] = 48
            return n + 3
        }
        // floor(log10(magnitude)) from the binary exponent (log10(2) ~ 78913 / 2^18), then one
        // correction; a miss at a decade's edge yields digits out of range below.
        var exponent10 = (Int(magnitude.exponent) * 78913) >> 18
        if exponent10 < 15 && magnitude >= decade(exponent10 + 1) { exponent10 += 1 }
        let scale = 14 - exponent10  // in -1...18
        let scaled = scale >= 0 ? magnitude * Numerics.exactPowerOfTen(scale) : magnitude / Numerics.exactPowerOfTen(-scale)
        var digits = UInt64(scaled + 0.5)
        guard digits >= 100_000_000_000_000, digits < 1_000_000_000_000_000 else { return 0 }
        var decimals = scale  // magnitude = digits / 10^decimals
        if decimals >= 8 && digits % 100_000_000 == 0 { digits /= 100_000_000; decimals -= 8 }
        if decimals >= 4 && digits % 10_000 == 0 { digits /= 10_000; decimals -= 4 }
        if decimals >= 2 && digits % 100 == 0 { digits /= 100; decimals -= 2 }
        while decimals > 0 && digits % 10 == 0 {
            digits /= 10
            decimals -= 1
        }
        let back = decimals >= 0 ? Double(digits) / Numerics.exactPowerOfTen(decimals) : Double(digits) * Numerics.exactPowerOfTen(-decimals)
        guard back == magnitude else { return 0 }
        return writeDecimal(digits, decimals: decimals, negative: value < 0, to: out)
    }

    /// The path after `writeFewDigits` for [1e-4, 2^53): the value correctly rounded to 16
    /// significant digits if that reads back to it, else to 17 (which always does): the
    /// shortest form when it has 16 or 17 digits (`writeFewDigits` finds every shorter one) and
    /// the nearest of that length, as `description` writes it. Exact, in 128-bit integers: the
    /// value is `m / 2^s` (m < 2^53, s <= 66), the decimal `d / 10^q` (q <= 20): no product
    /// reaches 2^126. 0 outside the range, having written nothing.
    static func writeManyDigits(_ value: Double, to out: UnsafeMutablePointer<UInt8>) -> Int {
        let magnitude = abs(value)
        guard magnitude >= 1e-4, magnitude < 9_007_199_254_740_992 else { return 0 }
        let significand = magnitude.significandBitPattern | (1 << 52)  // normal in this range
        let exponent2 = Int(magnitude.exponentBitPattern) - 1023
        let m = UInt128(significand), s = 52 - exponent2
        var exponent10 = (exponent2 * 78913) >> 18  // floor(log10), give or take one: checked below
        for precision in 16...17 {
            let low = UInt128(UInt64(Numerics.exactPowerOfTen(precision - 1)))
            var q = 0, n: UInt128 = 0, whole: UInt128 = 0
            for _ in 0..<3 {
                q = precision - 1 - exponent10
                guard q >= 0, q <= 21 else { return 0 }  // (q <= 20 but for a first guess off by one)
                n = m &* powerOfTen(q)
                whole = n &>> s
                if whole < low { exponent10 -= 1 } else if whole >= low &* 10 { exponent10 += 1 } else { break }
            }
            guard whole >= low, whole < low &* 10 else { return 0 }
            // Rounded half to even.
            var d = whole
            if s > 0 {
                let rest = n &- (whole &<< s), half = UInt128(1) &<< (s - 1)
                if rest > half || (rest == half && d & 1 == 1) { d &+= 1 }
            }
            // Whether d / 10^q reads back: within half the gap to each neighbour (the gap below
            // a power of two is half the one above), a tie going to the even significand; in
            // units of 1 / (4 10^q 2^s).
            let a = (d &<< 2) &<< s, b = n &<< 2, tens = powerOfTen(q)
            let above = tens &<< 1, below = significand == 1 << 52 ? tens : tens &<< 1
            let even = significand & 1 == 0
            let reads = a >= b ? (a &- b < above || (a &- b == above && even)) : (b &- a < below || (b &- a == below && even))
            guard reads else { continue }  // (never at 17 digits: then `description`)
            var digits = UInt64(d), decimals = q
            if digits == UInt64(low) * 10 { digits /= 10; decimals -= 1 }  // rounded up to the next decade
            while decimals > 0 && digits % 10 == 0 {
                digits /= 10
                decimals -= 1
            }
            return writeDecimal(digits, decimals: decimals, negative: value < 0, to: out)
        }
        return 0
    }

    /// 10^q, q in 0...21.
    @inline(__always)
    private static func powerOfTen(_ q: Int) -> UInt128 {
        q <= 19 ? UInt128(UInt64(Numerics.exactPowerOfTen(q)))
            : UInt128(UInt64(Numerics.exactPowerOfTen(19))) &* UInt128(UInt64(Numerics.exactPowerOfTen(q - 19)))
    }

    /// Writes `digits / 10^decimals` (its sign minus when `negative`) as `description` does
    /// within [1e-4, 2^53): `ddd.ddd`, `0.000ddd`, or a whole number with `.0`.
    @inline(__always)
    private static func writeDecimal(_ digits: UInt64, decimals: Int, negative: Bool, to out: UnsafeMutablePointer<UInt8>) -> Int {
        var length = 0  // decimal digits of `digits`
        var probe = digits
        repeat { length += 1; probe /= 10 } while probe > 0
        var n = 0
        if negative { out[0] = 45; n = 1 }
        if decimals <= 0 {
            // A whole number: its digits, the zeros the scale dropped, then ".0".
            writeDigits(digits, length, to: out + n)
            n += length
            for _ in 0..<(-decimals) { out[n] = 48; n += 1 }
            out[n] = 46; out[n + 1] = 48
            return n + 2
        }
        if decimals >= length {
            // 0.000ddd
            out[n] = 48; out[n + 1] = 46; n += 2
            for _ in 0..<(decimals - length) { out[n] = 48; n += 1 }
            writeDigits(digits, length, to: out + n)
            return n + length
        }
        // ddd.ddd: the digits with a point before the last `decimals` of them.
        writeDigits(digits, length, to: out + n + 1)
        let whole = length - decimals
        for k in 0..<whole { out[n + k] = out[n + k + 1] }
        out[n + whole] = 46
        return n + length + 1
    }

    @inline(__always)
    private static func writeDigits(_ value: UInt64, _ length: Int, to out: UnsafeMutablePointer<UInt8>) {
        var rest = value
        var k = length - 1
        while k >= 0 {
            out[k] = UInt8(truncatingIfNeeded: 48 + rest % 10)
            rest /= 10
            k -= 1
        }
    }

    /// Writes a feature's value as the song base and X files hold it: nothing for NaN (a missing
    /// value), a whole number without `.0` in an `integer` (int64) column, else `write`'s
    /// shortest form. Room for `maxLength` bytes at `out`; returns the bytes written.
    @inline(__always)
    public static func writeFeature(_ value: Double, integer: Bool, to out: UnsafeMutablePointer<UInt8>) -> Int {
        if value.isNaN { return 0 }
        if integer, let whole = Int(exactly: value) { return write(whole, to: out) }
        return write(value, to: out)
    }

    /// Whether `text` is byte for byte what `writeFeature(value, integer:)` writes, `value`
    /// being what `text` reads as, told from the text's form alone: at most 15 significant
    /// digits, no sign but `-`, no exponent, no leading zero, and a fraction (none in an
    /// integer column with a whole value) without trailing zeros but for a whole number's
    /// `.0`. Such a text is its value's shortest form (two decimals of 15 digits or fewer
    /// never read as one double). A field for which this holds is copied, not formatted again.
    @inline(__always)
    public static func isWrittenFeature(_ text: UnsafePointer<UInt8>, count: Int, value: Double, integer: Bool) -> Bool {
        if value.isNaN { return count == 0 }
        var i = 0
        if count > 0 && text[0] == UInt8(ascii: "-") { i = 1 }
        let signEnd = i
        while i < count, text[i] &- 48 < 10 { i += 1 }
        let wholeDigits = i - signEnd
        guard wholeDigits >= 1, wholeDigits <= 15 else { return false }
        let zeroWhole = text[signEnd] == UInt8(ascii: "0")
        if zeroWhole && wholeDigits > 1 { return false }
        if integer, Int(exactly: value) != nil {
            // The writer writes the whole number: no point, and no "-0".
            return i == count && !(signEnd == 1 && zeroWhole)
        }
        guard i < count, text[i] == UInt8(ascii: ".") else { return false }
        i += 1
        let fractionStart = i
        while i < count, text[i] &- 48 < 10 { i += 1 }
        let fractionDigits = count - fractionStart
        guard i == count, fractionDigits >= 1 else { return false }
        if fractionDigits == 1 && text[fractionStart] == UInt8(ascii: "0") {
            return true  // a whole number's ".0" (0.0 and -0.0 as well)
        }
        guard text[count - 1] != UInt8(ascii: "0") else { return false }
        var significant = wholeDigits + fractionDigits
        if zeroWhole {
            var leading = fractionStart
            while text[leading] == UInt8(ascii: "0") { leading += 1 }
            significant = count - leading
        }
        // Below 1e-4 the writer goes exponential.
        return significant <= 15 && abs(value) >= 1e-4
    }

    /// Writes a whole number at `out` (room for 20 bytes); returns the bytes written.
    @inline(__always)
    public static func write(_ value: Int, to out: UnsafeMutablePointer<UInt8>) -> Int {
        var n = 0
        var magnitude = value.magnitude
        if value < 0 { out[0] = 45; n = 1 }
        var length = 0
        var probe = magnitude
        repeat { length += 1; probe /= 10 } while probe > 0
        var k = n + length - 1
        repeat {
            out[k] = UInt8(truncatingIfNeeded: 48 + magnitude % 10)
            magnitude /= 10
            k -= 1
        } while magnitude > 0
        return n + length
    }
}
