/// What a stage reports while it runs, handed to its caller: MSRCore never prints. The
/// executables print progress on a terminal, warnings always and phase timings under
/// `MSR_TIMING` (MSRCLI's `StageEvents.standardError`); a service logs them its own way.
public struct StageEvents: Sendable {
    /// A progress update such as "round 12/250"; called often and from any thread, so the
    /// receiver throttles.
    public var progress: @Sendable (String) -> Void
    /// The work that showed progress is over.
    public var progressDone: @Sendable () -> Void
    /// Something the user should know that does not fail the stage.
    public var warning: @Sendable (String) -> Void
    /// How long a named phase of the stage took, in seconds: the figures behind the benchmarks.
    public var phase: @Sendable (String, Double) -> Void

    public init(progress: @escaping @Sendable (String) -> Void, progressDone: @escaping @Sendable () -> Void,
                warning: @escaping @Sendable (String) -> Void, phase: @escaping @Sendable (String, Double) -> Void) {
        self.progress = progress
        self.progressDone = progressDone
        self.warning = warning
        self.phase = phase
    }

    /// Reports nothing.
    public static let silent = StageEvents(progress: { _ in }, progressDone: {}, warning: { _ in }, phase: { _, _ in })
}
