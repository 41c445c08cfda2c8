#if _endian(big)
#error("msr's binary files are little-endian and arrays are copied as they lie in memory")
#endif

/// Little-endian binary encoding for model files: fixed-width numbers and length-prefixed
/// strings, written and read with bounds checks; arrays are copied as they lie in memory.
public struct BinaryWriter {
    /// The bytes written since the last `drain`.
    public private(set) var bytes: [UInt8] = []
    /// The bytes handed out by `drain` so far: `pad` aligns to the offset in the whole output.
    public private(set) var drained = 0

    public init() {}

    /// Hands the bytes written since the last drain to `sink` (to write them out) and forgets
    /// them: a large file is written piece by piece, never held whole.
    public mutating func drain(_ sink: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        try bytes.withUnsafeBytes { try sink($0) }
        drained += bytes.count
        bytes.removeAll(keepingCapacity: true)
    }

    /// Drains, then hands the array's memory to `sink` as `records` would have written it,
    /// without copying it.
    public mutating func drain<T: BitwiseCopyable>(_ sink: (UnsafeRawBufferPointer) throws -> Void, then values: [T]) rethrows {
        try drain(sink)
        try values.withUnsafeBytes { try sink($0) }
        drained += values.count * MemoryLayout<T>.stride
    }

    /// Makes room for `count` more bytes at once (a large file grown by doubling holds up to
    /// twice its size while it is copied).
    public mutating func reserve(_ count: Int) { bytes.reserveCapacity(bytes.count + count) }

    public mutating func raw(_ data: [UInt8]) { bytes += data }

    public mutating func uint32(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }

    public mutating func int32(_ value: Int32) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }

    public mutating func double(_ value: Double) {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 }
    }

    public mutating func string(_ value: String) {
        uint32(UInt32(value.utf8.count))
        bytes += value.utf8
    }

    public mutating func doubles(_ values: [Double]) { records(values) }
    public mutating func int32s(_ values: [Int32]) { records(values) }

    /// Appends the array's memory: plain structs of numbers with no padding.
    public mutating func records<T: BitwiseCopyable>(_ values: [T]) {
        values.withUnsafeBytes { bytes += $0 }
    }

    /// Appends the buffer's memory, as `records(_: [T])`.
    public mutating func records<T: BitwiseCopyable>(_ values: UnsafeBufferPointer<T>) {
        bytes += UnsafeRawBufferPointer(values)
    }

    /// Appends zero bytes up to the next multiple of `alignment`: values that follow can be read
    /// in place from a mapped file.
    public mutating func pad(to alignment: Int) {
        bytes += repeatElement(0, count: (alignment - (drained + bytes.count) % alignment) % alignment)
    }
}

/// Reads what `BinaryWriter` wrote; running past the end is a bad-data error naming the file.
/// It reads memory it does not own (a mapped file, an array's storage): use it only while that
/// memory lives.
public struct BinaryReader {
    let bytes: UnsafeRawBufferPointer
    let file: String
    public private(set) var offset = 0

    public init(bytes: UnsafeRawBufferPointer, file: String) {
        self.bytes = bytes
        self.file = file
    }

    /// Reads and checks a file's 8-byte magic and its version: a foreign file or another version
    /// is a bad-data error saying what the file should be (`what`) and how to get it (`remedy`).
    public mutating func header(magic: String, version expected: UInt32, what: String, remedy: String) throws {
        guard (try? raw(8)) == Array(magic.utf8) else {
            throw MSRError.badData(file: file, "not an msr \(what) (expected the \(magic) header)")
        }
        let version = try uint32()
        guard version == expected else {
            throw MSRError.badData(file: file, "\(what) version \(version); this msr reads version \(expected) (\(remedy))")
        }
    }

    private mutating func take(_ count: Int) throws -> Int {
        // `count` comes from the file: compared with what is left, since `offset + count` can
        // overflow (a song index's uri byte count is a UInt64).
        guard count >= 0, count <= bytes.count - offset else {
            throw MSRError.badData(file: file, "truncated at byte \(offset) (the file is damaged or not an msr model)")
        }
        defer { offset += count }
        return offset
    }

    public mutating func raw(_ count: Int) throws -> [UInt8] {
        let start = try take(count)
        return Array(UnsafeRawBufferPointer(rebasing: bytes[start..<(start + count)]))
    }

    public mutating func uint32() throws -> UInt32 {
        let start = try take(4)
        return UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: start, as: UInt32.self))
    }

    public mutating func int32() throws -> Int32 {
        Int32(bitPattern: try uint32())
    }

    public mutating func double() throws -> Double {
        let start = try take(8)
        return Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: start, as: UInt64.self)))
    }

    public mutating func string() throws -> String {
        let count = Int(try uint32())
        return String(decoding: try raw(count), as: UTF8.self)
    }

    /// A count read from the file, refused beyond `limit` so a damaged file cannot ask for
    /// absurd allocations.
    public mutating func count(limit: Int, what: String) throws -> Int {
        let value = Int(try uint32())
        guard value <= limit else { throw MSRError.badData(file: file, "\(what) count \(value) exceeds \(limit): a damaged model") }
        return value
    }

    public mutating func doubles(_ count: Int) throws -> [Double] { try records(count, of: Double.self) }
    public mutating func int32s(_ count: Int) throws -> [Int32] { try records(count, of: Int32.self) }

    /// `count` values copied from the file's bytes as `BinaryWriter.records` wrote them.
    public mutating func records<T: BitwiseCopyable>(_ count: Int, of type: T.Type) throws -> [T] {
        let (size, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<T>.stride)
        let start = try take(overflow ? -1 : size)
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[start..<(start + size)]))
            initialized = count
        }
    }

    /// Skips the padding `BinaryWriter.pad(to:)` wrote.
    public mutating func align(_ alignment: Int) throws {
        _ = try take((alignment - offset % alignment) % alignment)
    }

    /// Skips `count` values of `T` (after aligning to `T`'s alignment) and returns where they
    /// start: for values read in place (`MappedRegion.values`).
    public mutating func skip<T: BitwiseCopyable>(_ count: Int, of type: T.Type) throws -> Int {
        try align(MemoryLayout<T>.alignment)
        let (size, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<T>.stride)
        return try take(overflow ? -1 : size)
    }

    public var atEnd: Bool { offset == bytes.count }
}
