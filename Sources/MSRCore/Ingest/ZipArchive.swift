import SystemZlib
import FoundationEssentials
import Glibc

/// A zip archive's bytes (a mapped file): its central directory, and one entry's data inflated
/// (`Inflater`) within the bounds its headers give.
///
/// Every offset and size is checked against the file before it is used, so a lying header is an
/// error, never a read past the end or a loop: the data given to the inflater is the entry's compressed
/// bytes and no more, and a deflate stream that has not ended when they run out is truncated.
/// ZIP64 archives (more than 65,535 entries or 4 GiB) are read too.
struct ZipArchive {
    /// One central-directory record.
    struct Entry {
        /// The name, as UTF-8 (invalid bytes replaced).
        let path: String
        /// The Unix mode in the external attributes marks a symbolic link.
        let isSymbolicLink: Bool
        /// The name ends with a slash, or the Unix mode marks a folder.
        let isDirectory: Bool
        /// 0 stored, 8 deflated; anything else is refused when read.
        let method: UInt16
        /// General-purpose flags; bit 0 is encryption.
        let flags: UInt16
        let crc32: UInt32
        let compressedSize: UInt64
        let uncompressedSize: UInt64
        let localHeaderOffset: UInt64
    }

    /// Why an archive or one of its entries cannot be read.
    enum Failure: Error {
        /// No end-of-central-directory record, or a directory that does not fit the file.
        case notAZip
        /// An entry's data cannot be read; the reason completes "entry NAME ..." ("is encrypted").
        case entry(String)
    }

    /// The whole archive; it must outlive this value.
    private let file: UnsafeRawBufferPointer
    /// The central directory's records, in order.
    let entries: [Entry]

    /// Reads the central directory of the archive `file`.
    init(_ file: UnsafeRawBufferPointer) throws {
        self.file = file
        entries = try Self.directory(of: file)
    }

    /// Hands `entry`'s uncompressed bytes to `consume` chunk by chunk; throws `limit()` as soon as
    /// they exceed `maxBytes`, and `Failure.entry` when it is encrypted or the data is damaged, shorter or longer
    /// than the header says, or fails its checksum.
    func read(_ entry: Entry, maxBytes: Int, limit: () -> Error,
              consume: (UnsafeRawBufferPointer) throws -> Void) throws {
        if entry.flags & 1 != 0 { throw Failure.entry("is encrypted") }
        let data = try Self.data(of: entry, in: file)
        var crc = crc32(0, nil, 0)
        var total = 0
        func check(_ chunk: UnsafeRawBufferPointer) throws {
            total += chunk.count
            guard total <= maxBytes else { throw limit() }
            crc = crc32(crc, chunk.baseAddress?.assumingMemoryBound(to: Bytef.self), uInt(chunk.count))
            try consume(chunk)
        }
        switch entry.method {
        case 0:
            var offset = 0
            while offset < data.count {
                let end = min(data.count, offset + Self.chunkSize)
                try check(UnsafeRawBufferPointer(rebasing: data[offset..<end]))
                offset = end
            }
        case 8:
            try Self.inflate(data, into: check)
        default:
            throw Failure.entry("uses compression method \(entry.method) (expected deflate or stored)")
        }
        guard UInt64(total) == entry.uncompressedSize else {
            throw Failure.entry("is corrupt: it inflates to \(total) bytes, its header says \(entry.uncompressedSize)")
        }
        guard crc == entry.crc32 else { throw Failure.entry("is corrupt: it fails its CRC-32 check") }
    }

    /// The output chunk handed to a consumer.
    private static let chunkSize = 1 << 20

    /// Inflates the raw deflate stream `input`, which must end exactly at its last byte's stream end.
    private static func inflate(_ input: UnsafeRawBufferPointer,
                                into consume: (UnsafeRawBufferPointer) throws -> Void) throws {
        do {
            try Inflater.inflate(input, chunkSize: chunkSize, into: consume)
        } catch let failure as Inflater.Failure {
            switch failure {
            case .truncated:
                throw Failure.entry("is truncated: its deflate stream does not end within its \(input.count) compressed bytes")
            case .trailing:
                throw Failure.entry("is corrupt: bytes follow the end of its deflate stream")
            case .invalid(let reason):
                throw Failure.entry("is corrupt: invalid deflate data (\(reason))")
            }
        }
    }

    /// The bytes of `entry`'s compressed data: after its local header, within the file.
    private static func data(of entry: Entry, in file: UnsafeRawBufferPointer) throws -> UnsafeRawBufferPointer {
        let size = UInt64(file.count)
        guard entry.localHeaderOffset <= size, size - entry.localHeaderOffset >= 30,
              file.load(le: Int(entry.localHeaderOffset), as: UInt32.self) == 0x0403_4b50 else {
            throw Failure.entry("is corrupt: no local header where the central directory says")
        }
        let header = Int(entry.localHeaderOffset)
        let start = UInt64(header) + 30 + UInt64(file.load(le: header + 26, as: UInt16.self))
            + UInt64(file.load(le: header + 28, as: UInt16.self))
        guard start <= size, size - start >= entry.compressedSize else {
            throw Failure.entry("is truncated: its \(entry.compressedSize) compressed bytes run past the end of the file")
        }
        return UnsafeRawBufferPointer(rebasing: file[Int(start)..<Int(start + entry.compressedSize)])
    }

    /// The central directory's records, found through the end-of-central-directory record (and its
    /// ZIP64 form when the counts or offsets overflow).
    private static func directory(of file: UnsafeRawBufferPointer) throws -> [Entry] {
        // The end record is the last 22 bytes plus a comment of up to 65,535 bytes.
        guard file.count >= 22 else { throw Failure.notAZip }
        var end = file.count - 22
        let lowest = max(0, file.count - 22 - 0xFFFF)
        while file.load(le: end, as: UInt32.self) != 0x0605_4b50 {
            guard end > lowest else { throw Failure.notAZip }
            end -= 1
        }
        var count = UInt64(file.load(le: end + 10, as: UInt16.self))
        var directorySize = UInt64(file.load(le: end + 12, as: UInt32.self))
        var directoryOffset = UInt64(file.load(le: end + 16, as: UInt32.self))
        if count == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            // The ZIP64 locator sits just before the end record and points at the ZIP64 end record.
            guard end >= 20, file.load(le: end - 20, as: UInt32.self) == 0x0706_4b50 else { throw Failure.notAZip }
            let record = file.load(le: end - 12, as: UInt64.self)
            guard file.count >= 56, record <= UInt64(file.count - 56), file.load(le: Int(record), as: UInt32.self) == 0x0606_4b50 else {
                throw Failure.notAZip
            }
            count = file.load(le: Int(record) + 32, as: UInt64.self)
            directorySize = file.load(le: Int(record) + 40, as: UInt64.self)
            directoryOffset = file.load(le: Int(record) + 48, as: UInt64.self)
        }
        // Each record takes at least 46 bytes, so a count the directory cannot hold is a lie.
        guard directoryOffset <= UInt64(file.count), directorySize <= UInt64(file.count) - directoryOffset,
              count <= directorySize / 46 else { throw Failure.notAZip }
        var entries: [Entry] = []
        entries.reserveCapacity(Int(count))
        var at = Int(directoryOffset)
        let limit = Int(directoryOffset + directorySize)
        for _ in 0..<count {
            guard limit - at >= 46, file.load(le: at, as: UInt32.self) == 0x0201_4b50 else { throw Failure.notAZip }
            let nameLength = Int(file.load(le: at + 28, as: UInt16.self))
            let extraLength = Int(file.load(le: at + 30, as: UInt16.self))
            let commentLength = Int(file.load(le: at + 32, as: UInt16.self))
            let next = at + 46 + nameLength + extraLength + commentLength
            guard next <= limit else { throw Failure.notAZip }
            let name = UnsafeRawBufferPointer(rebasing: file[(at + 46)..<(at + 46 + nameLength)])
            var compressed = UInt64(file.load(le: at + 20, as: UInt32.self))
            var uncompressed = UInt64(file.load(le: at + 24, as: UInt32.self))
            var offset = UInt64(file.load(le: at + 42, as: UInt32.self))
            // ZIP64 extended information (extra field 0x0001) holds, in this order, the sizes and
            // offset whose 32-bit fields are all ones.
            var extra = at + 46 + nameLength
            let extraEnd = extra + extraLength
            while extraEnd - extra >= 4 {
                let id = file.load(le: extra, as: UInt16.self)
                let length = Int(file.load(le: extra + 2, as: UInt16.self))
                guard extraEnd - extra - 4 >= length else { break }
                if id == 1 {
                    var field = extra + 4
                    if uncompressed == 0xFFFF_FFFF, field + 8 <= extra + 4 + length {
                        uncompressed = file.load(le: field, as: UInt64.self); field += 8
                    }
                    if compressed == 0xFFFF_FFFF, field + 8 <= extra + 4 + length {
                        compressed = file.load(le: field, as: UInt64.self); field += 8
                    }
                    if offset == 0xFFFF_FFFF, field + 8 <= extra + 4 + length {
                        offset = file.load(le: field, as: UInt64.self)
                    }
                }
                extra += 4 + length
            }
            let path = String(decoding: name, as: UTF8.self)
            let madeOnUnix = file.load(le: at + 5, as: UInt8.self) == 3
            let mode = (file.load(le: at + 38, as: UInt32.self) >> 16) & 0o170000
            entries.append(Entry(
                path: path,
                isSymbolicLink: madeOnUnix && mode == 0o120000,
                isDirectory: path.hasSuffix("/") || (madeOnUnix && mode == 0o040000),
                method: file.load(le: at + 10, as: UInt16.self),
                flags: file.load(le: at + 8, as: UInt16.self),
                crc32: file.load(le: at + 16, as: UInt32.self),
                compressedSize: compressed, uncompressedSize: uncompressed, localHeaderOffset: offset))
            at = next
        }
        return entries
    }
}

private extension UnsafeRawBufferPointer {
    /// The little-endian integer at `offset` (any alignment); the caller has checked the bounds.
    func load<T: FixedWidthInteger>(le offset: Int, as type: T.Type) -> T {
        T(littleEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}
