import FoundationEssentials
import Glibc

/// A column of strings kept as one byte arena and end offsets: no allocation per cell.
public struct TextColumn: Sendable, Equatable {
    /// Every value's UTF-8 bytes, one after the other.
    public private(set) var bytes: [UInt8] = []
    /// `ends[i]` is where value `i` ends in `bytes`; it starts where value `i - 1` ends.
    public private(set) var ends: [Int] = []

    public init() {}

    /// A column over an arena and its end offsets (increasing, the last at `bytes.count`).
    public init(bytes: [UInt8], ends: [Int]) {
        self.bytes = bytes
        self.ends = ends
    }

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

    public mutating func reserve(values: Int, bytes byteCount: Int) {
        ends.reserveCapacity(values)
        bytes.reserveCapacity(byteCount)
    }

    /// All values as `String`s.
    public var strings: [String] { (0..<count).map { self[$0] } }
}

extension TextColumn {
    /// Keeps only the values at `rows` (increasing), in place: no second copy of the arena.
    public mutating func retain(sortedRows rows: [Int]) {
        var write = 0
        var newEnds: [Int] = []
        newEnds.reserveCapacity(rows.count)
        let oldEnds = ends
        bytes.withUnsafeMutableBufferPointer { buffer in
            for i in rows {
                let range = (i == 0 ? 0 : oldEnds[i - 1])..<oldEnds[i]
                if range.lowerBound != write {
                    let base = buffer.baseAddress!
                    memmove(base + write, base + range.lowerBound, range.count)
                }
                write += range.count
                newEnds.append(write)
            }
        }
        bytes.removeLast(bytes.count - write)
        ends = newEnds
    }
}

extension Array {
    /// Keeps only the elements at `rows` (increasing), in place.
    public mutating func retain(sortedRows rows: [Int]) {
        for (write, read) in rows.enumerated() where write != read { self[write] = self[read] }
        removeLast(count - rows.count)
    }
}

extension TextColumn {
    /// Appends every value of another column.
    public mutating func append(contentsOf other: TextColumn) {
        let shift = bytes.count
        bytes += other.bytes
        ends += other.ends.map { $0 + shift }
    }
}
