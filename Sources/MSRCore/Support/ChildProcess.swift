import CMemory
import FoundationEssentials
import Glibc

/// A program run as a child (posix_spawn): standard input from /dev/null, standard output and
/// error into a log file, no other descriptor, the signals a parent may ignore set back to their
/// defaults. What msr
/// needs of Foundation's Process, without linking Foundation.
public struct ChildProcess: Sendable {
    /// How a child ended.
    public enum Ending: Equatable, Sendable, CustomStringConvertible {
        case exit(Int32)
        case signal(Int32)

        public var description: String {
            switch self {
            case .exit(let code): "exit \(code)"
            case .signal(let number): "killed by signal \(number)"
            }
        }
    }

    /// The child's process id.
    public let pid: pid_t

    /// Starts `executable` (a path) with `arguments` and `environment`, its output and errors
    /// appended to `output` (created when missing); with `ownProcessGroup`, in a process group of
    /// its own (whose id is its pid), so that a signal can reach everything it starts;
    /// `defaultSignals` set back to their default handling in it (others keep this process's).
    public init(_ executable: String, arguments: [String], environment: [String: String], output: String,
                ownProcessGroup: Bool = false,
                defaultSignals: [Int32] = [SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGPIPE, SIGCHLD]) throws {
        Self.reapOwnChildren()
        let log = open(output, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard log >= 0 else { throw AtomicFile.ioError(output, "cannot open the log") }
        defer { close(log) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // The log onto 1 and 2 before /dev/null onto 0: started with no standard input, this
        // process got the log as descriptor 0.
        posix_spawn_file_actions_adddup2(&actions, log, 1)
        posix_spawn_file_actions_adddup2(&actions, log, 2)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        // Nothing else of this process's: a descriptor it inherited or opened without O_CLOEXEC
        // (a caller's socket, a lock) would otherwise live on in the child and what it starts.
        _ = msr_spawn_actions_close_from(&actions, 3)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t(), none = sigset_t()
        sigemptyset(&defaults)
        for number in defaultSignals { sigaddset(&defaults, number) }
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &none)
        var flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK
        if ownProcessGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid = pid_t()
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard status == 0 else {
            throw MSRError(.unavailable, "\(executable): cannot run it (\(String(cString: strerror(status))))")
        }
        self.pid = pid
    }

    /// Sets SIGCHLD back to its default handling in this process when it is ignored (a
    /// supervisor may start msr so): ignored, the kernel reaps every child at once and `wait`
    /// would find none (it said "exit -1" for a child that succeeded). A handler someone
    /// installed is left alone.
    static func reapOwnChildren() {
        var current = sigaction()
        guard sigaction(SIGCHLD, nil, &current) == 0,
              unsafeBitCast(current.__sigaction_handler.sa_handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) else { return }
        signal(SIGCHLD, SIG_DFL)
    }

    /// Waits for the child to end; `beforeReaping` runs once it has ended and before its process
    /// id is released (a kill of its group then cannot reach a process that took the id over).
    public func wait(beforeReaping: () -> Void = {}) -> Ending {
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) < 0, errno == EINTR {}
        beforeReaping()
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { return .exit(-1) }
        }
        // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import (C macros).
        return status & 0x7f == 0 ? .exit((status >> 8) & 0xff) : .signal(status & 0x7f)
    }
}
