import FoundationEssentials
import CMemory
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

    /// Removes every value, keeping the room (`keepingCapacity`) for as many again.
    public mutating func removeAll(keepingCapacity: Bool) {
        bytes.removeAll(keepingCapacity: keepingCapacity)
        ends.removeAll(keepingCapacity: keepingCapacity)
    }

    public mutating func reserve(values: Int, bytes byteCount: Int) {
        ends.reserveCapacity(values)
        bytes.reserveCapacity(byteCount)
    }

    /// All values as `String`s.
    public var strings: [String] { (0..<count).map { self[$0] } }
}

extension TextColumn {
    /// Keeps only the values at `rows` (increasing), in place: no second copy of the arena, one
    /// move per run of consecutive rows (their bytes are one range of the arena). The ends are
    /// rewritten in place too: a run's new ends go at or before its old ones, and the end before
    /// a run is read before anything is written there.
    public mutating func retain(sortedRows rows: [Int]) {
        var write = 0
        bytes.withUnsafeMutableBufferPointer { buffer in
            ends.withUnsafeMutableBufferPointer { ends in
                rows.withUnsafeBufferPointer { rows in
                    RetainRows.forEachRun(rows, below: ends.count) { first, destination, count in
                        let start = first == 0 ? 0 : ends[first &- 1], end = ends[first &+ count &- 1]
                        if start != write, let base = buffer.baseAddress { memmove(base + write, base + start, end &- start) }
                        let shift = start &- write
                        for k in 0..<count { ends[destination &+ k] = ends[first &+ k] &- shift }
                        write &+= end &- start
                    }
                }
            }
        }
        bytes.removeLast(bytes.count - write)
        ends.removeLast(ends.count - rows.count)
    }
}

extension TextColumn {
    /// A column's bytes and ends as pointers, for loops over many values of several columns:
    /// reading a value through it takes no reference count (passing a `TextColumn` per value
    /// retained and released its two arrays, a tenth of msr-transform's writing).
    public struct View {
        let bytes: UnsafePointer<UInt8>
        let ends: UnsafePointer<Int>

        /// Value `i`'s bytes.
        @inline(__always)
        public subscript(i: Int) -> UnsafeBufferPointer<UInt8> {
            let start = i == 0 ? 0 : ends[i - 1]
            return UnsafeBufferPointer(start: bytes + start, count: ends[i] - start)
        }

        /// Starts loading where value `i` ends and starts (a scattered read's first miss).
        @inline(__always)
        public func prefetchEnds(_ i: Int) { msr_prefetch(ends + Swift.max(i - 1, 0)) }

        /// Starts loading value `i`'s first bytes (its ends read: `prefetchEnds` it first).
        @inline(__always)
        public func prefetchBytes(_ i: Int) { msr_prefetch(bytes + (i == 0 ? 0 : ends[i - 1])) }
    }

    /// `body` with a view of each of `columns`, valid while it runs.
    public static func withViews<R>(_ columns: [TextColumn], _ body: ([View]) throws -> R) rethrows -> R {
        var views: [View] = []
        views.reserveCapacity(columns.count)
        func nest(_ k: Int) throws -> R {
            guard k < columns.count else { return try body(views) }
            return try columns[k].bytes.withUnsafeBufferPointer { bytes in
                try columns[k].ends.withUnsafeBufferPointer { ends in
                    views.append(View(bytes: bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!,
                                      ends: ends.baseAddress ?? UnsafePointer(bitPattern: MemoryLayout<Int>.alignment)!))
                    return try nest(k + 1)
                }
            }
        }
        return try nest(0)
    }
}

extension TextColumn {
    /// Appends every value of another column.
    public mutating func append(contentsOf other: TextColumn) {
        let shift = bytes.count
        bytes += other.bytes
        ends.append(contentsOf: other.ends.lazy.map { $0 + shift })
    }
}
