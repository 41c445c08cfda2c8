/// params.yaml: one section per stage, so that dvc.yaml can list exactly the keys a stage reads.
public struct Params: Sendable, Equatable {
    /// The file the params came from, for messages about their values.
    public var file: String
    public var ingest: IngestParams
    public var transform: TransformParams
    public var train: BoostingParams
    public var cluster: MixtureParams
    /// Optional in the file: its defaults are the reference project's.
    public var monitor: MonitorParams
    /// Optional in the file.
    public var evaluateRecommender: RecommenderEvaluationParams
    /// Optional in the file.
    public var feed: FeedParams
    /// Optional in the file.
    public var factorize: FactorizeParams
    /// Optional in the file.
    public var hybrid: HybridParams

    /// Every section, in reading order.
    public static let sectionTypes: [any ParamsSection.Type] = [
        IngestParams.self, TransformParams.self, BoostingParams.self, MixtureParams.self, MonitorParams.self,
        RecommenderEvaluationParams.self, FeedParams.self, FactorizeParams.self, HybridParams.self,
    ]

    /// Every section's values, in reading order.
    public var sections: [any ParamsSection] {
        [ingest, transform, train, cluster, monitor, evaluateRecommender, feed, factorize, hybrid]
    }

    /// Loads and checks params.yaml; unknown and missing keys are errors.
    public static func load(path: String) throws -> Params {
        try read(ConfigValue.load(path: path))
    }

    /// Checks params.yaml's text as `load` checks the file, errors naming `file`: what an edit
    /// is checked with before it is written.
    public static func parse(_ bytes: [UInt8], file: String) throws -> Params {
        try read(ConfigValue.parse(bytes, file: file))
    }

    private static func read(_ document: ConfigValue) throws -> Params {
        var root = try document.mapping()
        let params = Params(file: document.file, ingest: try IngestParams(try root.required(IngestParams.name)),
                            transform: try TransformParams(try root.required(TransformParams.name)),
                            train: try BoostingParams(try root.required(BoostingParams.name)),
                            cluster: try MixtureParams(try root.required(MixtureParams.name)),
                            monitor: try root.optional(MonitorParams.name).map(MonitorParams.init) ?? MonitorParams(),
                            evaluateRecommender: try root.optional(RecommenderEvaluationParams.name)
                                .map(RecommenderEvaluationParams.init) ?? RecommenderEvaluationParams(),
                            feed: try root.optional(FeedParams.name).map(FeedParams.init) ?? FeedParams(),
                            factorize: try root.optional(FactorizeParams.name).map(FactorizeParams.init) ?? FactorizeParams(),
                            hybrid: try root.optional(HybridParams.name).map(HybridParams.init) ?? HybridParams())
        try root.finish()
        return params
    }
}
