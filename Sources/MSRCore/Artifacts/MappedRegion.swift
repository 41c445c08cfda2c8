import FoundationEssentials
import Glibc

/// Bytes that stay put for as long as the region lives: a file mapped read-only (not read: only
/// the pages a caller touches are loaded, and the page cache is shared between processes), or a
/// copy in memory of our own, 16-byte aligned, for bytes built in the process. Values are read in
/// place through `MappedValues` and `MappedText` (and a factors file's rows through
/// `FactorMatrix`), which keep their region alive.
public final class MappedRegion: @unchecked Sendable {
    /// The bytes; immutable for the region's life (the file is mapped private and read-only, and
    /// msr replaces files by rename, never in place).
    public let bytes: UnsafeRawBufferPointer
    private let mapped: Bool

    /// The file at `path` mapped read-only; `what` names it in the missing-file error. A FIFO,
    /// a device or a folder is refused as `FileBytes` refuses it.
    public init(mapping path: String, what: String) throws {
        let (descriptor, size) = try FileBytes.openRegular(path, what: what)
        defer { close(descriptor) }
        guard size > 0 else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            mapped = false
            return
        }
        let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0)
        guard let address, address != MAP_FAILED else { throw AtomicFile.ioError(path, "cannot map the file") }
        bytes = UnsafeRawBufferPointer(start: address, count: size)
        mapped = true
    }

    /// A copy of `source` in memory of our own.
    public init(copying source: [UInt8]) {
        let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: source.count, alignment: 16)
        source.withUnsafeBytes { memory.copyMemory(from: $0) }
        bytes = UnsafeRawBufferPointer(memory)
        mapped = false
    }

    deinit {
        if mapped {
            munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress!), bytes.count)
        } else if let base = bytes.baseAddress {
            UnsafeMutableRawPointer(mutating: base).deallocate()
        }
    }

    /// The `count` values of `T` at byte `offset` (a multiple of `T`'s alignment, checked by the
    /// caller with the bounds).
    public func values<T: BitwiseCopyable>(at offset: Int, count: Int, of type: T.Type = T.self) -> MappedValues<T> {
        precondition(offset % MemoryLayout<T>.alignment == 0 && offset + count * MemoryLayout<T>.stride <= bytes.count)
        let base = count == 0 ? nil : (bytes.baseAddress! + offset).assumingMemoryBound(to: T.self)
        return MappedValues(region: self, base: base, count: count)
    }
}

/// A read-only run of `count` values in a `MappedRegion`, indexed from 0 like an array.
public struct MappedValues<Element: BitwiseCopyable>: RandomAccessCollection, @unchecked Sendable {
    let region: MappedRegion
    let base: UnsafePointer<Element>?
    public let count: Int

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    @inline(__always)
    public subscript(i: Int) -> Element {
        precondition(UInt(bitPattern: i) < UInt(bitPattern: count), "index out of range")
        return withExtendedLifetime(region) { base.unsafelyUnwrapped[i] }
    }

    /// Runs `body` on the values in place (hot loops: no bounds check per value).
    @inline(__always)
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R {
        try withExtendedLifetime(region) { try body(UnsafeBufferPointer(start: base, count: count)) }
    }
}

/// A read-only column of strings in a `MappedRegion`: the values' UTF-8 bytes, and each value's
/// start in them (Int64) and length (UInt16: a value holds at most 65,535 bytes).
///
/// Nothing is checked when the column is read (a million values' offsets are 10 MB that a cold
/// start would have to touch); each value is checked as it is used instead: one whose bytes lie
/// outside the column reads as empty (a damaged file), and none can be longer than 65,535 bytes,
/// so a damaged file cannot make a value the size of the file.
public struct MappedText: @unchecked Sendable {
    let bytes: MappedValues<UInt8>
    let starts: MappedValues<Int64>
    let lengths: MappedValues<UInt16>

    /// The most bytes a value holds; longer text is cut (at a character's start) when written.
    public static let maxLength = Int(UInt16.max)

    public var count: Int { starts.count }

    /// The byte range of value `i` in the bytes; empty for a value outside them.
    @inline(__always)
    public func range(_ i: Int) -> Range<Int> {
        let start = starts[i], length = Int64(lengths[i])
        guard start >= 0, start <= Int64(bytes.count) - length else { return 0..<0 }
        return Int(start)..<Int(start + length)
    }

    /// Value `i` as a `String` (allocates: not for hot loops).
    public subscript(i: Int) -> String {
        let range = range(i)
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self) }
    }

    /// Whether value `i` is empty.
    public func isEmpty(_ i: Int) -> Bool { range(i).isEmpty }

    /// Whether value `i` is the `count` bytes at `pointer`.
    @inline(__always)
    func equals(_ i: Int, _ pointer: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        let range = range(i)
        guard range.count == count else { return false }
        return bytes.withUnsafeBufferPointer { count == 0 || memcmp($0.baseAddress! + range.lowerBound, pointer, count) == 0 }
    }

    /// All values as `String`s.
    public var strings: [String] { (0..<count).map { self[$0] } }

    /// The starts and lengths `MappedText` reads for `column`'s values, each cut to `maxLength`
    /// bytes at a character's start.
    static func offsets(_ column: TextColumn) -> (starts: [Int64], lengths: [UInt16]) {
        var starts = [Int64](), lengths = [UInt16]()
        starts.reserveCapacity(column.count)
        lengths.reserveCapacity(column.count)
        for i in 0..<column.count {
            let range = column.range(i)
            var length = range.count
            if length > maxLength {
                length = maxLength
                // Back to the start of the character the cut fell in (UTF-8 continuation bytes are 10xxxxxx).
                while length > 0 && column.bytes[range.lowerBound + length] & 0xC0 == 0x80 { length -= 1 }
            }
            starts.append(Int64(range.lowerBound))
            lengths.append(UInt16(length))
        }
        return (starts, lengths)
    }
}
