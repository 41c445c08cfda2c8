/// Builds CSV bytes row by row: text quoted only when it must be (RFC 4180), numbers in their
/// shortest round-trip form, LF line ends.
public struct CSVWriter {
    /// The bytes written so far.
    public let buffer: ByteBuffer
    private var atRowStart = true

    public init(reservingCapacity capacity: Int = 4096) {
        buffer = ByteBuffer(capacity: capacity)
    }

    /// A copy of the bytes written so far.
    public var bytes: [UInt8] { buffer.array }

    @inline(__always)
    private mutating func separate() {
        if atRowStart { atRowStart = false } else { buffer.put(UInt8(ascii: ",")) }
    }

    /// Writes a whole row of text fields (a header).
    public mutating func row(_ fields: [String]) {
        for field in fields { text(field) }
        endRow()
    }

    /// Writes a text field, quoting it when it holds a comma, a quote or a line end.
    @inline(__always)
    public mutating func text(_ pointer: UnsafePointer<UInt8>, count: Int) {
        buffer.reserve(2 * count + 3)
        separate()
        var needsQuotes = false
        for k in 0..<count {
            let byte = pointer[k]
            if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                needsQuotes = true
                break
            }
        }
        guard needsQuotes else {
            buffer.end.update(from: pointer, count: count)
            buffer.advance(count)
            return
        }
        buffer.put(UInt8(ascii: "\""))
        for k in 0..<count {
            if pointer[k] == UInt8(ascii: "\"") { buffer.put(UInt8(ascii: "\"")) }
            buffer.put(pointer[k])
        }
        buffer.put(UInt8(ascii: "\""))
    }

    public mutating func text(_ value: String) {
        var copy = value
        copy.withUTF8 { text($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, count: $0.count) }
    }

    /// Writes value `i` of a text column.
    @inline(__always)
    public mutating func text(_ column: TextColumn, _ i: Int) {
        let range = column.range(i)
        column.bytes.withUnsafeBufferPointer { text($0.baseAddress! + range.lowerBound, count: range.count) }
    }

    /// Writes a number; NaN is written as an empty field, as pandas writes a missing value.
    @inline(__always)
    public mutating func number(_ value: Double) {
        buffer.reserve(NumberFormat.maxLength + 1)
        separate()
        if !value.isNaN { buffer.advance(NumberFormat.write(value, to: buffer.end)) }
    }

    /// Writes a whole number.
    @inline(__always)
    public mutating func integer(_ value: Int) {
        buffer.reserve(21)
        separate()
        buffer.advance(NumberFormat.write(value, to: buffer.end))
    }

    @inline(__always)
    public mutating func endRow() {
        buffer.reserve(1)
        buffer.put(UInt8(ascii: "\n"))
        atRowStart = true
    }
}
