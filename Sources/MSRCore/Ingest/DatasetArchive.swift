import Foundation
import ZIPFoundation

/// Reads the dataset CSV out of a zip archive into memory, refusing hostile archives.
///
/// Every entry is checked before anything is read: an absolute path, a `..` component or a
/// symbolic link refuses the whole archive (a zip-slip attempt), and the CSV may not inflate
/// beyond `maxBytes` whatever its header claims (a zip bomb).
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
                                   reserve: (Int) -> Void, consume: (Data) -> Void) throws -> String {
        guard FileManager.default.fileExists(atPath: zipPath) else {
            throw MSRError.missing(displayName, "dataset archive")
        }
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: zipPath), accessMode: .read)
        } catch {
            throw MSRError.badData(file: displayName, "not a zip archive (expected a zip holding \(csvName))")
        }
        var csvEntries: [Entry] = []
        for entry in archive {
            if let reason = hostileReason(entry) {
                throw MSRError.badData(file: displayName, "entry '\(entry.path)' \(reason); refusing the archive")
            }
            if entry.type == .file, entry.path.lowercased().hasSuffix(".csv") { csvEntries.append(entry) }
        }
        let entry: Entry
        if let named = csvEntries.first(where: { $0.path == csvName || $0.path.hasSuffix("/" + csvName) }) {
            entry = named
        } else if csvEntries.count == 1 {
            entry = csvEntries[0]
        } else {
            throw MSRError.badData(file: displayName, csvEntries.isEmpty
                ? "no CSV entry (expected \(csvName))"
                : "\(csvEntries.count) CSV entries and none named \(csvName)")
        }
        guard entry.uncompressedSize <= UInt64(maxBytes) else {
            throw tooLarge(displayName, entry, maxBytes)
        }
        reserve(Int(entry.uncompressedSize))
        var inflated = 0
        do {
            _ = try archive.extract(entry, bufferSize: 1 << 20) { chunk in
                inflated += chunk.count
                guard inflated <= maxBytes else { throw tooLarge(displayName, entry, maxBytes) }
                consume(chunk)
            }
        } catch let error as MSRError {
            throw error
        } catch {
            throw MSRError.badData(file: displayName, "entry '\(entry.path)' is corrupt: \(error)")
        }
        return entry.path
    }

    /// Why an entry could write outside the extraction folder, or `nil` when it is safe.
    static func hostileReason(_ entry: Entry) -> String? {
        let path = entry.path
        if entry.type == .symlink { return "is a symbolic link" }
        if path.hasPrefix("/") || path.hasPrefix("\\") || (path.count > 1 && path.dropFirst().first == ":") {
            return "has an absolute path"
        }
        let components = path.split(whereSeparator: { $0 == "/" || $0 == "\\" })
        if components.contains("..") { return "leaves the extraction folder" }
        return nil
    }

    private static func tooLarge(_ displayName: String, _ entry: Entry, _ maxBytes: Int) -> MSRError {
        MSRError.badData(file: displayName,
                         "entry '\(entry.path)' inflates beyond \(maxBytes >> 20) MiB (data_ingestion.max_uncompressed_mb)")
    }
}
