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
        var bytes: [UInt8] = []
        let name = try inflateCSV(zipPath: zipPath, maxBytes: maxBytes, displayName: displayName ?? zipPath,
                                  reserve: { bytes.reserveCapacity($0) }, consume: { bytes.append(contentsOf: $0) })
        return (name, bytes)
    }

    /// Checks that `readCSV` would read the archive at `zipPath` (a zip, safe entries, a CSV that
    /// inflates within `maxBytes` and matches its checksum) without keeping the CSV in memory;
    /// messages name the archive `displayName`.
    public static func verify(zipPath: String, maxBytes: Int, displayName: String) throws {
        _ = try inflateCSV(zipPath: zipPath, maxBytes: maxBytes, displayName: displayName,
                           reserve: { _ in }, consume: { _ in })
    }

    /// Finds the CSV entry, then hands its inflated bytes to `consume` chunk by chunk; returns
    /// the entry's name.
    private static func inflateCSV(zipPath: String, maxBytes: Int, displayName: String,
                                   reserve: (Int) -> Void, consume: (UnsafeRawBufferPointer) -> Void) throws -> String {
        try FileBytes.withMapped(zipPath, what: "dataset archive") { file in
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
            let tooLarge = MSRError.badData(
                file: displayName,
                "entry \(name(entry)) inflates beyond \(maxBytes >> 20) MiB (data_ingestion.max_uncompressed_mb)")
            guard entry.uncompressedSize <= UInt64(maxBytes) else { throw tooLarge }
            reserve(Int(entry.uncompressedSize))
            do {
                try archive.read(entry, maxBytes: maxBytes, limit: { tooLarge }, consume: consume)
            } catch ZipArchive.Failure.entry(let reason) {
                throw MSRError.badData(file: displayName, "entry \(name(entry)) \(reason)")
            }
            return entry.path
        }
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
