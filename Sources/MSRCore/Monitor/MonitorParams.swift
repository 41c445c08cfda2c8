/// `monitor`: how msr-monitor summarises the recommendations log.
public struct MonitorParams: Sendable, Equatable {
    /// Calls in the rolling mean of the similarity, 1 to 1,000,000.
    public var rollingWindow = 10
    /// The largest `rollingWindow`.
    public static let maxRollingWindow = 1_000_000
    /// Similarity under which a call counts as poor (the reference project's 0.15), in [-1, 1]
    /// (a cosine).
    public var similarityThreshold = 0.15

    public init() {}

    /// Reads the `monitor` section of params.yaml; unknown keys and values out of range are errors
    /// naming the key.
    init(_ value: ConfigValue) throws {
        var section = try value.mapping()
        rollingWindow = try section.optional("rolling_window")?.int(min: 1, max: Self.maxRollingWindow) ?? rollingWindow
        similarityThreshold = try section.optional("similarity_threshold")?.double(min: -1, max: 1) ?? similarityThreshold
        try section.finish()
    }
}
