import FoundationEssentials
import Glibc

/// Keeps two runs of one stage on one project apart: an exclusive `flock` on a file
/// (`.msr/msr-<stage>.lock` in the project), held until the lock is released or the process
/// ends (the kernel drops it even after a kill, so no stale lock is ever left).
public final class StageLock: @unchecked Sendable {
    private let descriptor: Int32
    /// Where the project's `.msr/` folder is, when it could not be written and the lock was
    /// taken beside the stage's first output instead (`acquire(_:project:output:)`); nil otherwise.
    public private(set) var unwritableFolder: String?
    /// The lock file.
    public let path: String
    /// A part's hold on the whole stage's lock (shared with the stage's other parts).
    private var whole: StageLock?

    private init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    deinit { close(descriptor) }

    /// Takes the lock for `stage` (or for its `part`, `msr-cluster-genre-3.lock`) in the
    /// project's `.msr/` folder (beside its config file), or, where that folder cannot be written
    /// (a read-only project, outputs on volumes), beside the stage's first output; throws a busy
    /// error naming the process that holds it. A part also holds the whole stage's lock, shared:
    /// parts run beside each other, never beside a run of the whole stage.
    public static func acquire(_ stage: Stage, part: String? = nil, project: String, output: String) throws -> StageLock {
        let name = "\(stage.command)\(stage == .evaluateRecommender ? "-recommender" : "")"
        let folder = project == "." ? ".msr" : "\(project)/.msr"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var info = stat()
        var place = "\(folder)/"
        if !(stat(folder, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR && access(folder, W_OK) == 0) {
            // Kept as written (relative stays relative) for the message.
            let beside = parentPath(output)
            try? FileManager.default.createDirectory(atPath: beside.isEmpty ? "." : beside, withIntermediateDirectories: true)
            place = "\(beside.isEmpty ? "." : beside)/."
        }
        let whole = try acquire(stage, path: "\(place)\(name).lock", shared: part != nil)
        let lock = try part.map { part in
            let lock = try acquire(stage, path: "\(place)\(name)-\(part).lock", shared: false)
            lock.whole = whole
            return lock
        } ?? whole
        if !place.hasPrefix(folder) { lock.unwritableFolder = folder }
        return lock
    }

    private static func acquire(_ stage: Stage, path: String, shared: Bool) throws -> StageLock {
        try acquire(path: path, owner: stage.command, doing: "is running on this project", advice: "wait for it to finish, then run again",
                    shared: shared)
    }

    /// Takes the lock file at `path` for `owner`; when another process holds it, throws a busy
    /// error: "another OWNER DOING (pid N, lock PATH): ADVICE". msr-serve holds one beside its
    /// database while it serves.
    /// `shared`: held beside other shared holders (no pid written), refused while anyone holds it
    /// exclusively.
    public static func acquire(path: String, owner: String, doing: String, advice: String, shared: Bool = false) throws -> StageLock {
        // Never through a symbolic or hard link, never a FIFO or a device: the pid written below
        // would otherwise land in whatever else the file is.
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0o644)
        guard descriptor >= 0 else { throw AtomicFile.ioError(path, "cannot open the lock file") }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_nlink == 1 else {
            close(descriptor)
            let what = (info.st_mode & S_IFMT) == S_IFREG ? "a file with other names (a hard link)" : FileKind.describe(info)
            throw MSRError(.badData, "\(path): the lock file is \(what), not a lock file of its own (remove it)")
        }
        guard flock(descriptor, (shared ? LOCK_SH : LOCK_EX) | LOCK_NB) == 0 else {
            let error = errno
            var holder = [UInt8](repeating: 0, count: 32)
            let count = pread(descriptor, &holder, holder.count, 0)
            close(descriptor)
            guard error == EWOULDBLOCK else { throw AtomicFile.ioError(path, "cannot lock the file") }
            // The holder's pid, when the file holds one (digits only: its text reaches a message).
            let digits = count > 0 ? holder[..<count].prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } : []
            let pid = String(decoding: digits, as: UTF8.self)
            throw MSRError(.busy, "another \(owner) \(doing) (\(pid.isEmpty ? "" : "pid \(pid), ")lock \(path)): \(advice)")
        }
        // A shared holder names no pid (there may be several); it clears the last exclusive
        // holder's, which is gone, so that a refused run names no one wrongly.
        _ = ftruncate(descriptor, 0)
        if !shared {
            let pid = Array("\(getpid())\n".utf8)
            _ = pwrite(descriptor, pid, pid.count, 0)
        }
        return StageLock(descriptor: descriptor, path: path)
    }
}
