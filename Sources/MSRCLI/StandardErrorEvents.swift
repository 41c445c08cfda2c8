import Dispatch
import FoundationEssentials
import Glibc
import MSRCore

extension StageEvents {
    /// Events printed on stderr the way every msr command shows them: progress as one line
    /// rewritten in place (only on a terminal, ten updates a second at most), warnings as
    /// `command: warning: ...`, phase timings only when `MSR_TIMING` is set (each with the
    /// resident memory at its end and the peak so far).
    public static func standardError(_ command: String) -> StageEvents {
        let line = ProgressLine(label: command)
        // getenv, not ProcessInfo's environment: that dictionary of every variable cost a cold
        // msr-predict 0.44M instructions.
        let timing = getenv("MSR_TIMING") != nil
        return StageEvents(
            progress: { line.update($0) },
            progressDone: { line.finish() },
            warning: { text in
                line.finish()
                StandardError.write("\(command): warning: \(text)\n")
            },
            phase: { name, seconds in
                guard timing else { return }
                let padded = name.padded(to: 24)
                let memory = ProcessMemory.megabytes().map { "   \($0.now) MB (peak \($0.peak))" } ?? ""
                StandardError.write("  \(padded)\(String(printf: "%7.3f", seconds)) s\(memory)\n")
            })
    }
}

/// A progress line on stderr, rewritten in place, shown only when stderr is a terminal (so logs
/// and CI stay clean). Updates are throttled to ten a second.
final class ProgressLine: @unchecked Sendable {
    private let label: String
    private let enabled = isatty(STDERR_FILENO) != 0
    private var last: UInt64 = 0
    private var shown = false
    private let lock = Lock()

    init(label: String) {
        self.label = label
    }

    func update(_ text: String) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = DispatchTime.now().uptimeNanoseconds
        guard now - last > 100_000_000 else { return }
        last = now
        shown = true
        StandardError.write("\r\(label): \(text)\u{1B}[K")
    }

    /// Clears the line.
    func finish() {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        guard shown else { return }
        shown = false
        StandardError.write("\r\u{1B}[K")
    }
}
