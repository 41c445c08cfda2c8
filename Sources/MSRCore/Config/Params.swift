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

    /// Loads and checks params.yaml; unknown and missing keys are errors.
    public static func load(path: String) throws -> Params {
        var root = try ConfigValue.load(path: path).mapping()
        let params = Params(file: path, ingest: try IngestParams(try root.required("ingest")),
                            transform: try TransformParams(try root.required("transform")),
                            train: try BoostingParams(try root.required("train")),
                            cluster: try MixtureParams(try root.required("cluster")),
                            monitor: try root.optional("monitor").map(MonitorParams.init) ?? MonitorParams(),
                            evaluateRecommender: try root.optional("evaluate_recommender").map(RecommenderEvaluationParams.init)
                                ?? RecommenderEvaluationParams(),
                            feed: try root.optional("feed").map(FeedParams.init) ?? FeedParams())
        try root.finish()
        return params
    }
}

/// `ingest`: which genres the song base keeps.
public struct IngestParams: Sendable, Equatable {
    /// The genres kept, as named in the dataset's genre column. Unique, at least two.
    public var genres: [String]

    public init(genres: [String]) {
        self.genres = genres
    }

    init(_ value: ConfigValue) throws {
        var section = try value.mapping()
        let genresValue = try section.required("genres")
        var genres: [String] = []
        for item in try genresValue.list() {
            let genre = try item.string()
            guard !genres.contains(genre) else { throw item.error("genre '\(genre)' is listed twice") }
            genres.append(genre)
        }
        guard genres.count >= 2 else {
            throw genresValue.error("expected at least two genres, got \(genres.count)")
        }
        self.genres = genres
        try section.finish()
    }
}

/// `transform`: how the song base is split.
public struct TransformParams: Sendable, Equatable {
    /// Share of the rows held out for testing, in (0, 1); the test set has ceil(n * test_size) rows.
    public var testSize: Double
    /// Seed of the shuffle.
    public var randomState: UInt64
    /// Keep each genre's share equal in both sets.
    public var stratify: Bool

    public init(testSize: Double = 0.2, randomState: UInt64 = 42, stratify: Bool = false) {
        self.testSize = testSize
        self.randomState = randomState
        self.stratify = stratify
    }

    init(_ value: ConfigValue) throws {
        var section = try value.mapping()
        testSize = try section.required("test_size").double(min: 0, max: 1, exclusiveMin: true, exclusiveMax: true)
        randomState = UInt64(try section.required("random_state").int(min: 0))
        stratify = try section.optional("stratify")?.bool() ?? false
        try section.finish()
    }
}
