/// `monitor`: how msr-monitor summarises the recommendations log. Each key's range, default and
/// meaning are declared once, in `fields`.
public struct MonitorParams: ParamsSection {
    /// `rolling_window`, see `fields`.
    public var rollingWindow = 10
    /// `similarity_threshold`, see `fields`.
    public var similarityThreshold = 0.15

    public init() {}

    public static let name = "monitor"
    public static let summary = "the monitoring of the recommendations"

    /// The keys in reading order.
    public static let fields: [ParamField<MonitorParams>] = [
        .int("rolling_window", { $0.rollingWindow }, { $0.rollingWindow = $1 }, 1...1_000_000, doc: "Calls in the rolling mean of the similarity."),
        .number("similarity_threshold", { $0.similarityThreshold }, { $0.similarityThreshold = $1 }, min: -1, max: 1,
                doc: "Similarity (a cosine) under which a call counts as poor (the reference project's 0.15)."),
    ]
}
