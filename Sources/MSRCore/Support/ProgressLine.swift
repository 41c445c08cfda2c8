import Foundation

/// A progress line on stderr, rewritten in place, shown only when stderr is a terminal (so logs
/// and CI stay clean). Updates are throttled to ten a second.
public final class ProgressLine: @unchecked Sendable {
    private let label: String
    private let enabled = isatty(STDERR_FILENO) != 0
    private var last: UInt64 = 0
    private var shown = false
    private let lock = NSLock()

    public init(label: String) {
        self.label = label
    }

    public func update(_ text: @autoclosure () -> String) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = DispatchTime.now().uptimeNanoseconds
        guard now - last > 100_000_000 else { return }
        last = now
        shown = true
        FileHandle.standardError.write(Data("\r\(label): \(text())\u{1B}[K".utf8))
    }

    /// Clears the line.
    public func finish() {
        guard enabled, shown else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
