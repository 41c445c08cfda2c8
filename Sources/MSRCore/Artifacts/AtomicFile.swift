import FoundationEssentials
import Glibc

/// Writes artifacts all at once or not at all: to a temporary file in the same folder, then
/// renamed over the target, so a reader (or DVC) never sees half a file.
///
/// Open one, `write` as many pieces as needed, then `commit()`; one dropped without a commit
/// removes its temporary file.
public final class AtomicFile {
    public let path: String
    private let temporary: String
    private var descriptor: Int32

    /// Creates the parent folders and the temporary file beside `path`.
    public init(path: String) throws {
        self.path = path
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw MSRError(.io, "\(path): cannot create the folder \(folder): \(MSRError.reason(error))")
        }
        // A rename over a device, a FIFO or a folder would replace the node itself.
        var info = stat()
        if stat(path, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFREG else {
                throw MSRError(.badData, "\(path): is \(FileKind.describe(info)), not a regular file: refusing to replace it")
            }
            Self.releaseCache(of: path)
        }
        Self.removeStale(prefix: ".\(url.lastPathComponent).tmp-", in: folder)
        temporary = "\(folder)/.\(url.lastPathComponent).tmp-\(getpid())"
        descriptor = Self.createNew(temporary)
        guard descriptor >= 0 else { throw Self.ioError(path, "cannot create a temporary file") }
    }

    /// Opens a new file at `path` for writing, never through what is already there: whatever
    /// holds the name (a file a crashed run left, or a link planted to make this process write
    /// elsewhere) is removed and the file made anew (`O_EXCL`, which no link passes), a few times
    /// should something keep taking the name. Returns the descriptor, or -1 with `errno` set.
    public static func createNew(_ path: String) -> Int32 {
        for _ in 0..<4 {
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
            guard descriptor < 0, errno == EEXIST else { return descriptor }
            guard unlink(path) == 0 || errno == ENOENT else { return -1 }
        }
        errno = EEXIST
        return -1
    }

    deinit {
        if descriptor >= 0 {
            close(descriptor)
            unlink(temporary)
        }
    }

    /// Appends bytes to the temporary file.
    public func write(_ buffer: UnsafeRawBufferPointer) throws {
        guard writeWhole(buffer, to: descriptor) else { throw Self.ioError(path, "cannot write") }
    }

    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Closes the temporary file and renames it over `path`.
    public func commit() throws {
        try closeTemporary()
        guard rename(temporary, path) == 0 else {
            let error = Self.ioError(path, "cannot rename the temporary file into place")
            unlink(temporary)
            throw error
        }
    }

    /// Closes the temporary file and hands it to `set`, which renames it with the stage's other
    /// outputs (or removes it, if the set is discarded).
    public func stage(in set: OutputSet) throws {
        try closeTemporary()
        try set.adopt(temporary: temporary, for: path)
    }

    /// Closes the temporary file; a failed close (the last write's error) removes it.
    private func closeTemporary() throws {
        let result = close(descriptor)
        descriptor = -1
        guard result == 0 else {
            let error = Self.ioError(path, "cannot write")
            unlink(temporary)
            throw error
        }
    }

    /// Writes `bytes` to `path` atomically.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        let file = try AtomicFile(path: path)
        try file.write(bytes)
        try file.commit()
    }

    /// Writes a string's UTF-8 to `path` atomically.
    public static func write(_ text: String, to path: String) throws {
        try write(Array(text.utf8), to: path)
    }

    /// Moves a finished file (a download) over `path` in one rename; both in the same folder.
    public static func move(_ source: String, to path: String) throws {
        guard rename(source, path) == 0 else {
            let error = ioError(path, "cannot move \(source) into place")
            unlink(source)
            throw error
        }
    }

    /// Removes the temporaries (`<prefix><pid>`) that processes killed mid-write left in
    /// `folder`: those whose process is gone.
    static func removeStale(prefix: String, in folder: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names where name.hasPrefix(prefix) {
            guard let pid = Int32(name.dropFirst(prefix.count)), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
            unlink("\(folder)/\(name)")
        }
    }

    /// Hands the page cache of the file about to be replaced back to the kernel (its clean
    /// pages; the file's content is untouched), so that the new file is written into memory
    /// freed just now. On this project's virtual machine the host takes back memory the guest
    /// has left free for a few seconds, and each such page costs about 9 µs to touch again:
    /// msr-transform wrote its 247 MB of outputs into such pages while the previous outputs'
    /// cache stayed until the renames (writing them took 0.46 -> 0.30 s, medians of six
    /// alternated runs at a million songs). Truncating a file before writing it, as most tools
    /// do, frees its cache the same way; a rename cannot, until it is done.
    private static func releaseCache(of path: String) {
        // Opened without following a link, waiting on a FIFO or taking a terminal, and advised
        // only when still a regular file (the path may have changed since it was checked).
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        var info = stat()
        if fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG {
            _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_DONTNEED)
        }
        close(descriptor)
    }

    static func ioError(_ path: String, _ what: String) -> MSRError {
        MSRError(.io, "\(path): \(what): \(String(cString: strerror(errno)))")
    }
}
