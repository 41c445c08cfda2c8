import FoundationEssentials
import Glibc

/// A feed's archive folder, `<archive_dir>/<UTC timestamp>`, made new for each feed: a second
/// feed in the same second gets `<timestamp>-2` (then `-3`, ...), so no feed's archive ever
/// receives another's files.
enum ArchiveFolder {
    /// Creates `archiveDir` if needed, then a folder of its own under it, and returns its path.
    static func make(in archiveDir: String, stamp: String) throws -> String {
        do {
            try FileManager.default.createDirectory(atPath: archiveDir, withIntermediateDirectories: true)
        } catch {
            throw MSRError(.io, "\(archiveDir): cannot create the folder: \(MSRError.reason(error))")
        }
        // mkdir fails on an existing folder: the first name it creates is this feed's alone.
        for attempt in 1...1000 {
            let path = "\(archiveDir)/\(stamp)" + (attempt == 1 ? "" : "-\(attempt)")
            if mkdir(path, 0o755) == 0 { return path }
            guard errno == EEXIST else { throw AtomicFile.ioError(path, "cannot create the archive folder") }
        }
        throw MSRError(.io, "\(archiveDir): 1000 archive folders for \(stamp) already exist")
    }
}
