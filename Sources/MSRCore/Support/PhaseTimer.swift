import Foundation

/// Prints how long each phase of a stage took, on stderr, when `MSR_TIMING` is set: the
/// figures behind the benchmarks. Silent otherwise.
public struct PhaseTimer {
    private let enabled = ProcessInfo.processInfo.environment["MSR_TIMING"] != nil
    private var last = DispatchTime.now().uptimeNanoseconds

    public init() {}

    /// Reports the time since the previous mark (or the start) under `name`.
    public mutating func mark(_ name: String) {
        guard enabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        let seconds = String(format: "%7.3f", Double(now - last) / 1e9)
        let padded = name.padding(toLength: 24, withPad: " ", startingAt: 0)
        FileHandle.standardError.write(Data("  \(padded)\(seconds) s\n".utf8))
        last = now
    }
}
