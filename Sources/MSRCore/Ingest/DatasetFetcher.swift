import FoundationEssentials
import Glibc

/// Brings the dataset archive to its local path from an http(s):// URL, a file:// URL or a path.
///
/// The copy lands in a temporary file beside the target, at most `maxBytes` long (a download or
/// copy passing it is stopped there), and is renamed into place only once `DatasetArchive`
/// has verified it: an interrupted download, an HTML page answered with 200, a device or a
/// folder never replaces the archive already there. Only a regular file is copied.
public enum DatasetFetcher {
    /// Copies `source` to `destination`, or downloads it through `http`, refusing anything past
    /// `maxBytes` or that is not a zip archive holding the dataset CSV.
    public static func fetch(_ source: String, to destination: String, maxBytes: Int, http: any HTTPClient) throws {
        let target = URL(fileURLWithPath: destination)
        let folder = target.deletingLastPathComponent().path
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let temporary = "\(folder)/.\(target.lastPathComponent).download-\(getpid())"
        unlink(temporary)
        // Removed on every failure; after the rename into place there is nothing left to remove.
        defer { unlink(temporary) }
        let hadArchive = FileManager.default.fileExists(atPath: destination)
        do {
            let name: String
            if source.hasPrefix("http://") || source.hasPrefix("https://") {
                guard let url = URL(string: source) else {
                    throw MSRError(.badData, "data_ingestion.source_url: '\(source)' is not a valid URL")
                }
                try http.download(url, to: temporary, maxBytes: maxBytes)
                name = source
            } else {
                name = source.hasPrefix("file://") ? (URL(string: source)?.path ?? "") : source
                try copyRegularFile(name, to: temporary, maxBytes: maxBytes)
            }
            try DatasetArchive.verify(zipPath: temporary, maxBytes: maxBytes, displayName: name)
        } catch let error as MSRError where hadArchive {
            throw MSRError(error.kind, error.message + "; the previous \(destination) is kept")
        }
        try AtomicFile.move(temporary, to: destination)
    }

    /// Copies the regular file at `path` to `temporary`, stopping past `maxBytes`: a folder (or
    /// the project's own, which a recursive copy would copy into itself), a device or a FIFO
    /// (endless, or blocking forever) is refused before anything is read.
    static func copyRegularFile(_ path: String, to temporary: String, maxBytes: Int) throws {
        var status = stat()
        guard stat(path, &status) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { throw MSRError.missing(path, "dataset (data_ingestion.source_url)") }
            throw MSRError(.io, "\(path): cannot read the dataset: \(String(cString: strerror(errno)))")
        }
        try requireRegular(status, path)
        // O_NONBLOCK: should the path become a FIFO after the check, opening it does not hang.
        let input = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard input >= 0 else { throw MSRError(.io, "\(path): cannot read the dataset: \(String(cString: strerror(errno)))") }
        defer { close(input) }
        guard fstat(input, &status) == 0 else { throw MSRError(.io, "\(path): cannot read the dataset: \(String(cString: strerror(errno)))") }
        try requireRegular(status, path)
        let output = AtomicFile.createNew(temporary)
        guard output >= 0 else { throw AtomicFile.ioError(temporary, "cannot create the copy") }
        defer { close(output) }
        let chunk = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        var copied = 0
        while true {
            let count = read(input, buffer, chunk)
            if count < 0 {
                if errno == EINTR { continue }
                throw MSRError(.io, "\(path): cannot read the dataset: \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            copied += count
            // Checked while copying, not from the size stat gave: a file still growing stops here too.
            guard copied <= maxBytes else {
                throw MSRError(.badData, "\(path): larger than \(maxBytes >> 20) MiB (data_ingestion.max_uncompressed_mb)")
            }
            guard writeWhole(UnsafeRawBufferPointer(start: buffer, count: count), to: output) else {
                throw AtomicFile.ioError(temporary, "cannot write the copy")
            }
        }
    }

    /// Throws unless `status` is a regular file's, naming what it is instead.
    private static func requireRegular(_ status: stat, _ path: String) throws {
        let kind: String
        switch status.st_mode & S_IFMT {
        case S_IFREG: return
        case S_IFDIR: kind = "a folder"
        case S_IFCHR: kind = "a character device"
        case S_IFBLK: kind = "a block device"
        case S_IFIFO: kind = "a FIFO"
        case S_IFSOCK: kind = "a socket"
        default: kind = "a special file"
        }
        throw MSRError(.badData, "\(path): \(kind), not a zip archive (data_ingestion.source_url)")
    }
}
