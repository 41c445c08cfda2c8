import Glibc
import MSRCore
import Synchronization

/// The recommendations log held open while serving: a request's lines go out in one write to a
/// descriptor opened once, not through an open and a close of the path each (two system calls
/// of a request's dozen). Whether the path still names the file written to is checked at most
/// once every `recheck` (a `stat`): a log moved away, deleted or replaced (`dvc checkout`) is
/// opened anew at its path, as a program appending once would find it. A failed write closes
/// the descriptor, so the next request opens the path again.
final class RecommendationLogAppender: Sendable {
    private struct Open {
        var descriptor: Int32 = -1
        var device: UInt64 = 0
        var inode: UInt64 = 0
        /// When the path was last found to be the open file (CLOCK_MONOTONIC, nanoseconds).
        var checked: UInt64 = 0
    }

    let log: RecommendationLog
    private let recheck: UInt64
    private let open = Mutex(Open())

    /// `recheck`: the most nanoseconds between checks of the path (tests check at every append).
    init(_ log: RecommendationLog, recheck: UInt64 = 1_000_000_000) {
        self.log = log
        self.recheck = recheck
    }

    deinit {
        open.withLock { if $0.descriptor >= 0 { close($0.descriptor) } }
    }

    /// Appends the lines of `results`, asked for by `user` (`RecommendationLog.append`).
    func append(_ results: [Recommender.Result], user: String) throws {
        let bytes = try log.lines(results, user: user)
        try open.withLock { (open: inout Open) throws -> Void in
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            let time = UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
            if open.descriptor >= 0, time &- open.checked >= recheck {
                var status = stat()
                if stat(log.path, &status) != 0 || UInt64(status.st_dev) != open.device || UInt64(status.st_ino) != open.inode {
                    close(open.descriptor)
                    open.descriptor = -1
                } else {
                    open.checked = time
                }
            }
            if open.descriptor < 0 {
                let (descriptor, status) = try log.openForAppending()
                open = Open(descriptor: descriptor, device: UInt64(status.st_dev), inode: UInt64(status.st_ino), checked: time)
            }
            do {
                try log.write(bytes, to: open.descriptor)
            } catch {
                close(open.descriptor)
                open.descriptor = -1
                throw error
            }
        }
    }
}
