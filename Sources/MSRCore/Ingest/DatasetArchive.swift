import Dispatch
import FoundationEssentials
import Glibc

/// Reads the dataset CSV out of a zip archive into memory, refusing hostile archives.
///
/// Every entry is checked before anything is read: an absolute path, a `..` component or a
/// symbolic link refuses the whole archive (a zip-slip attempt), and the CSV may not inflate
/// beyond `maxBytes` whatever its header claims (a zip bomb). The archive is read by msr's own
/// bounded reader (`ZipArchive`), so a header that lies about sizes or offsets is an error.
public enum DatasetArchive {
    /// The name of the CSV inside the archive, read as `csvName`, or the only `.csv` entry.
    public static let csvName = "dataset.csv"

    /// The CSV entry's name and bytes; messages name the archive `displayName` (default `zipPath`).
    public static func readCSV(zipPath: String, maxBytes: Int, displayName: String? = nil) throws
        -> (name: String, bytes: [UInt8]) {
        try withCSV(zipPath: zipPath, maxBytes: maxBytes, displayName: displayName) { name, stream in
            var bytes: [UInt8] = []
            try drain(stream) { bytes.append(contentsOf: $0) }
            return (name, bytes)
        }
    }

    /// Checks that `readCSV` would read the archive at `zipPath` (a zip, safe entries, a CSV that
    /// inflates within `maxBytes` and matches its checksum) without keeping the CSV in memory;
    /// messages name the archive `displayName`.
    public static func verify(zipPath: String, maxBytes: Int, displayName: String) throws {
        try withCSV(zipPath: zipPath, maxBytes: maxBytes, displayName: displayName) { _, stream in
            try drain(stream) { _ in }
        }
    }

    /// Reads `stream` to its end, a piece at a time.
    private static func drain(_ stream: any ByteStream, _ take: (UnsafeRawBufferPointer) -> Void) throws {
        let piece = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { piece.deallocate() }
        while true {
            let got = try stream.read(into: piece)
            if got == 0 { return }
            take(UnsafeRawBufferPointer(rebasing: piece[0..<got]))
        }
    }

    /// Runs `body` on the CSV entry's name and its bytes as another thread inflates them: reading
    /// the stream overlaps with inflating what follows, and the CSV is never held whole. Damage
    /// found while inflating (a failed checksum, a zip bomb) is thrown by the stream's read, at
    /// the latest when it reaches the end; when `body` throws first, the rest is inflated, and
    /// damage found there is thrown instead.
    public static func withCSV<T>(zipPath: String, maxBytes: Int, displayName: String? = nil,
                                  _ body: (_ name: String, _ stream: any ByteStream) throws -> T) throws -> T {
        let displayName = displayName ?? zipPath
        return try FileBytes.withMapped(zipPath, what: "dataset archive") { file in
            let (archive, entry) = try csvEntry(in: file, displayName: displayName, maxBytes: maxBytes)
            let stream = InflatingStream(ahead: 32, expectedBytes: Int(entry.uncompressedSize))
            let done = DispatchSemaphore(value: 0)
            let producer = Producer(archive: archive, entry: entry, stream: stream)
            DispatchQueue.global().async {
                do {
                    try producer.archive.read(producer.entry, maxBytes: maxBytes, limit: { tooLarge(producer.entry, displayName, maxBytes) },
                                              consume: { try producer.stream.push($0) })
                    producer.stream.finish(nil)
                } catch ZipArchive.Failure.entry(let reason) {
                    producer.stream.finish(MSRError.badData(file: displayName, "entry \(name(producer.entry)) \(reason)"))
                } catch {
                    producer.stream.finish(error)
                }
                done.signal()
            }
            // The mapped archive outlives the producer: it is stopped and waited for first.
            defer {
                stream.cancel()
                done.wait()
            }
            do {
                return try body(entry.path, stream)
            } catch {
                // Damage further on explains whatever it made `body` stop at (a header that
                // fails its checks): it wins, as when the entry was inflated whole first.
                try drain(stream) { _ in }
                throw error
            }
        }
    }

    /// What the inflating thread is handed: the mapped archive (valid until it is waited for).
    private struct Producer: @unchecked Sendable {
        let archive: ZipArchive
        let entry: ZipArchive.Entry
        let stream: InflatingStream
    }

    /// The archive in `file` and its CSV entry, every entry checked, the CSV's declared size too.
    private static func csvEntry(in file: UnsafeRawBufferPointer, displayName: String, maxBytes: Int) throws
        -> (archive: ZipArchive, entry: ZipArchive.Entry) {
        let archive: ZipArchive
        do {
            archive = try ZipArchive(file)
        } catch {
            throw MSRError.badData(file: displayName, "not a zip archive (expected a zip holding \(csvName))")
        }
        var csvEntries: [ZipArchive.Entry] = []
        for entry in archive.entries {
            if let reason = hostileReason(entry) {
                throw MSRError.badData(file: displayName, "entry \(name(entry)) \(reason); refusing the archive")
            }
            if !entry.isDirectory, entry.path.lowercased().hasSuffix(".csv") { csvEntries.append(entry) }
        }
        let entry: ZipArchive.Entry
        if let named = csvEntries.first(where: { $0.path == csvName || $0.path.hasSuffix("/" + csvName) }) {
            entry = named
        } else if csvEntries.count == 1 {
            entry = csvEntries[0]
        } else {
            throw MSRError.badData(file: displayName, csvEntries.isEmpty
                ? "no CSV entry (expected \(csvName))"
                : "\(csvEntries.count) CSV entries and none named \(csvName)")
        }
        guard entry.uncompressedSize <= UInt64(maxBytes) else { throw tooLarge(entry, displayName, maxBytes) }
        return (archive, entry)
    }

    /// The error for an entry that inflates (or says it does) beyond `maxBytes`.
    private static func tooLarge(_ entry: ZipArchive.Entry, _ displayName: String, _ maxBytes: Int) -> MSRError {
        MSRError.badData(file: displayName,
                         "entry \(name(entry)) inflates beyond \(maxBytes >> 20) MiB (data_ingestion.max_uncompressed_mb)")
    }

    /// An entry's name as messages show it: quoted, control characters escaped, long names cut.
    private static func name(_ entry: ZipArchive.Entry) -> String { MessageText.quoted(entry.path, limit: 200) }

    /// Why an entry could write outside the extraction folder, or `nil` when it is safe.
    static func hostileReason(_ entry: ZipArchive.Entry) -> String? {
        let path = entry.path
        if entry.isSymbolicLink { return "is a symbolic link" }
        if path.hasPrefix("/") || path.hasPrefix("\\") || (path.count > 1 && path.dropFirst().first == ":") {
            return "has an absolute path"
        }
        let components = path.split(whereSeparator: { $0 == "/" || $0 == "\\" })
        if components.contains("..") { return "leaves the extraction folder" }
        return nil
    }
}
