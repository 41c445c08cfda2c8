import Foundation
import MSRCore

extension StageEvents {
    /// Events printed on stderr the way every msr command shows them: progress as one line
    /// rewritten in place (only on a terminal, ten updates a second at most), warnings as
    /// `command: warning: ...`, phase timings only when `MSR_TIMING` is set (each with the
    /// resident memory at its end and the peak so far).
    public static func standardError(_ command: String) -> StageEvents {
        let line = ProgressLine(label: command)
        let timing = ProcessInfo.processInfo.environment["MSR_TIMING"] != nil
        return StageEvents(
            progress: { line.update($0) },
            progressDone: { line.finish() },
            warning: { text in
                line.finish()
                FileHandle.standardError.write(Data("\(command): warning: \(text)\n".utf8))
            },
            phase: { name, seconds in
                guard timing else { return }
                let padded = name.padding(toLength: 24, withPad: " ", startingAt: 0)
                let memory = ProcessMemory.megabytes().map { "   \($0.now) MB (peak \($0.peak))" } ?? ""
                FileHandle.standardError.write(Data("  \(padded)\(String(format: "%7.3f", seconds)) s\(memory)\n".utf8))
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
    private let lock = NSLock()

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
        FileHandle.standardError.write(Data("\r\(label): \(text)\u{1B}[K".utf8))
    }

    /// Clears the line.
    func finish() {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        guard shown else { return }
        shown = false
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
