/// `feed`: when msr-feed asks for retraining. Each key's range, default and meaning are declared
/// once, in `fields`.
public struct FeedParams: ParamsSection {
    /// `min_delta`, see `fields`.
    public var minDelta = 5.0
    /// `max_psi`, see `fields`.
    public var maxPSI = 0.2
    /// `psi_bins`, see `fields`.
    public var psiBins = 10

    public init() {}

    public static let name = "feed"
    public static let summary = "when merged new songs call for retraining (`data/raw/retrain.flag`)"

    /// The keys in reading order.
    public static let fields: [ParamField<FeedParams>] = [
        .number("min_delta", { $0.minDelta }, { $0.minDelta = $1 }, min: 0, doc: "Growth of the song base, in percent, beyond which the models are retrained."),
        .number("max_psi", { $0.maxPSI }, { $0.maxPSI = $1 }, min: 0,
                doc: "Population stability index of any feature against the base beyond which the models are retrained."),
        .int("psi_bins", { $0.psiBins }, { $0.psiBins = $1 }, 2...1000,
             doc: "Quantile bins of the song base the index is computed on (a discrete feature's repeated edges merge bins)."),
    ]
}
