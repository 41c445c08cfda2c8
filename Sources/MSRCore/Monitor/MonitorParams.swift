/// `monitor`: how msr-monitor summarises the recommendations log.
public struct MonitorParams: Sendable, Equatable {
    /// Calls in the rolling mean of the similarity.
    public var rollingWindow = 10
    /// Similarity under which a call counts as poor (the reference project's 0.15).
    public var similarityThreshold = 0.15

    public init() {}

    /// Reads the `monitor` section of params.yaml; unknown keys are errors.
    init(_ value: ConfigValue) throws {
        var section = try value.mapping()
        rollingWindow = try section.optional("rolling_window")?.int(min: 1) ?? rollingWindow
        similarityThreshold = try section.optional("similarity_threshold")?.double(min: -1, max: 1) ?? similarityThreshold
        try section.finish()
    }
}
