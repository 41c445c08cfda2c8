import FoundationEssentials
import Glibc

/// The files of a folder that a stage reads whole (`feed.new_dir`'s CSVs, the playlist
/// slices of `factorization.playlists_dir`), listed from the folder's raw entries (readdir), so
/// that a name that is not UTF-8 is seen and named rather than mistaken for a missing file.
public enum FolderListing {
    /// The names ending in `suffix` in `folder`, in name order; none when the folder does not
    /// exist. A path that is not a folder, or a folder that cannot be read, is an error naming
    /// the config `key`; such a file whose name is not UTF-8 is a bad-data error naming it with
    /// its bytes escaped (a Swift path cannot hold it, so it could not be read). `unread` ends
    /// that message (what was left undone).
    public static func files(in folder: String, suffix: String, key: String, unread: String) throws -> [String] {
        guard let directory = opendir(folder) else {
            switch errno {
            case ENOENT: return []
            case ENOTDIR: throw MSRError(.badData, "\(key): \(folder) is not a folder")
            default: throw MSRError(.io, "\(key): \(folder) cannot be read: \(String(cString: strerror(errno)))")
            }
        }
        defer { closedir(directory) }
        var names: [String] = []
        while true {
            errno = 0
            guard let entry = readdir(directory) else {
                guard errno == 0 else { throw MSRError(.io, "\(key): \(folder) cannot be read: \(String(cString: strerror(errno)))") }
                break
            }
            let bytes = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
            guard bytes.count > suffix.utf8.count, bytes.suffix(suffix.utf8.count).elementsEqual(suffix.utf8) else { continue }
            guard let name = String(validating: bytes, as: UTF8.self) else {
                throw MSRError.badData(file: "\(folder)/\(escaped(bytes))", "the file name is not valid UTF-8: rename it (\(unread))")
            }
            names.append(name)
        }
        return names.sorted()
    }

    /// The name with every byte outside printable ASCII written `\xHH`.
    static func escaped(_ bytes: [UInt8]) -> String {
        bytes.map { (0x20..<0x7F).contains($0) && $0 != UInt8(ascii: "\\") ? String(UnicodeScalar($0)) : String(printf: "\\x%02X", $0) }
            .joined()
    }
}
