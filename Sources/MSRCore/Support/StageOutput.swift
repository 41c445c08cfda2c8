/// What a stage prints when it succeeds: an optional report (a table for a person), then one
/// summary line.
public struct StageOutput: Sendable, Equatable {
    /// Printed as is before the summary; empty or ending with a newline.
    public var report: String
    /// Printed as `command: summary`; an empty summary prints nothing (msr-predict's stdout is
    /// its JSON alone).
    public var summary: String

    public init(report: String = "", summary: String) {
        self.report = report
        self.summary = summary
    }
}
