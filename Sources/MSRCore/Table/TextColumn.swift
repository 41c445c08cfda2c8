/// A column of strings kept as one byte arena and end offsets: no allocation per cell.
public struct TextColumn: Sendable, Equatable {
    /// Every value's UTF-8 bytes, one after the other.
    public private(set) var bytes: [UInt8] = []
    /// `ends[i]` is where value `i` ends in `bytes`; it starts where value `i - 1` ends.
    public private(set) var ends: [Int] = []

    public init() {}

    public init<S: Sequence>(_ values: S) where S.Element == String {
        for value in values { append(value) }
    }

    public var count: Int { ends.count }

    /// The byte range of value `i` in `bytes`.
    @inline(__always)
    public func range(_ i: Int) -> Range<Int> {
        (i == 0 ? 0 : ends[i - 1])..<ends[i]
    }

    /// Value `i` as a `String` (allocates: not for hot loops).
    public subscript(i: Int) -> String {
        String(decoding: bytes[range(i)], as: UTF8.self)
    }

    /// Whether value `i` is empty.
    @inline(__always)
    public func isEmpty(_ i: Int) -> Bool { range(i).isEmpty }

    public mutating func append(_ value: String) {
        bytes.append(contentsOf: value.utf8)
        ends.append(bytes.count)
    }

    /// Appends raw bytes as one value.
    @inline(__always)
    public mutating func append(_ pointer: UnsafePointer<UInt8>, count: Int) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: pointer, count: count))
        ends.append(bytes.count)
    }

    /// Appends value `i` of another column.
    @inline(__always)
    public mutating func append(from other: TextColumn, _ i: Int) {
        bytes.append(contentsOf: other.bytes[other.range(i)])
        ends.append(bytes.count)
    }

    public mutating func reserve(values: Int, bytes byteCount: Int) {
        ends.reserveCapacity(values)
        bytes.reserveCapacity(byteCount)
    }

    /// The values at `indices`, in that order.
    public func gathering(_ indices: [Int]) -> TextColumn {
        var result = TextColumn()
        result.reserve(values: indices.count, bytes: indices.count * (bytes.count / Swift.max(count, 1) + 1))
        for i in indices { result.append(from: self, i) }
        return result
    }

    /// All values as `String`s.
    public var strings: [String] { (0..<count).map { self[$0] } }
}
