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

    /// The CSV entry's name and bytes.
    public static func readCSV(zipPath: String, maxBytes: Int) throws -> (name: String, bytes: [UInt8]) {
        guard FileManager.default.fileExists(atPath: zipPath) else {
            throw MSRError.missing(zipPath, "dataset archive")
        }
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: zipPath), accessMode: .read)
        } catch {
            throw MSRError.badData(file: zipPath, "not a zip archive (expected a zip holding \(csvName))")
        }
        var csvEntries: [Entry] = []
        for entry in archive {
            if let reason = hostileReason(entry) {
                throw MSRError.badData(file: zipPath, "entry '\(entry.path)' \(reason); refusing the archive")
            }
            if entry.type == .file, entry.path.lowercased().hasSuffix(".csv") { csvEntries.append(entry) }
        }
        let entry: Entry
        if let named = csvEntries.first(where: { $0.path == csvName || $0.path.hasSuffix("/" + csvName) }) {
            entry = named
        } else if csvEntries.count == 1 {
            entry = csvEntries[0]
        } else {
            throw MSRError.badData(file: zipPath, csvEntries.isEmpty
                ? "no CSV entry (expected \(csvName))"
                : "\(csvEntries.count) CSV entries and none named \(csvName)")
        }
        guard entry.uncompressedSize <= UInt64(maxBytes) else {
            throw tooLarge(zipPath, entry, maxBytes)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(entry.uncompressedSize))
        do {
            _ = try archive.extract(entry, bufferSize: 1 << 20) { chunk in
                guard bytes.count + chunk.count <= maxBytes else { throw tooLarge(zipPath, entry, maxBytes) }
                bytes.append(contentsOf: chunk)
            }
        } catch let error as MSRError {
            throw error
        } catch {
            throw MSRError.badData(file: zipPath, "entry '\(entry.path)' is corrupt: \(error)")
        }
        return (entry.path, bytes)
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

    private static func tooLarge(_ zipPath: String, _ entry: Entry, _ maxBytes: Int) -> MSRError {
        MSRError.badData(file: zipPath,
                         "entry '\(entry.path)' inflates beyond \(maxBytes >> 20) MiB (data_ingestion.max_uncompressed_mb)")
    }
}
