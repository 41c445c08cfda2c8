/// Number formatting for artifacts: the shortest text that reads back to the same value.
public enum NumberFormat {
    /// The shortest round-trip form, as Python's `repr` writes it (`0.1`, `1.0`, `2.07e-05`,
    /// `1e+16`): what pandas writes, so CSVs compare equal with the peers'.
    @inline(__always)
    public static func shortest(_ value: Double) -> String {
        value.description
    }

    /// Like `shortest`, without a trailing `.0` on whole numbers: for messages.
    public static func compact(_ value: Double) -> String {
        let text = value.description
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    /// Appends the shortest round-trip form of `value` to `buffer`.
    @inline(__always)
    public static func append(_ value: Double, to buffer: inout [UInt8]) {
        var text = value.description
        text.withUTF8 { buffer.append(contentsOf: $0) }
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
