/// `feed`: when msr-feed asks for retraining.
public struct FeedParams: Sendable, Equatable {
    /// Growth of the song base, in percent, beyond which the models are retrained.
    public var minDelta = 5.0
    /// Population stability index of any feature beyond which the models are retrained.
    public var maxPSI = 0.2
    /// Quantile bins of the song base the index is computed on.
    public var psiBins = 10

    public init() {}

    /// Reads the section; unknown keys and out-of-range values are errors naming the key.
    init(_ value: ConfigValue) throws {
        var section = try value.mapping()
        minDelta = try section.optional("min_delta")?.double(min: 0) ?? minDelta
        maxPSI = try section.optional("max_psi")?.double(min: 0) ?? maxPSI
        psiBins = try section.optional("psi_bins")?.int(min: 2, max: 1000) ?? psiBins
        try section.finish()
    }
}
