import Dispatch
import FoundationEssentials
import Glibc

/// Measures the phases of a stage and reports each one's duration to the stage's events.
public struct PhaseTimer {
    private let events: StageEvents
    private var last = DispatchTime.now().uptimeNanoseconds

    public init(_ events: StageEvents = .silent) {
        self.events = events
    }

    /// Reports the time since the previous mark (or the start) under `name`.
    public mutating func mark(_ name: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        events.phase(name, Double(now - last) / 1e9)
        last = now
    }
}
