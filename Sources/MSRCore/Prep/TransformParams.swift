/// `transform`: how the song base is split. Each key's range, default and meaning are declared
/// once, in `fields`.
public struct TransformParams: ParamsSection {
    /// `test_size`, see `fields`.
    public var testSize: Double
    /// `random_state`, see `fields`.
    public var randomState: UInt64
    /// `stratify`, see `fields`.
    public var stratify: Bool

    public init(testSize: Double = 0.2, randomState: UInt64 = 42, stratify: Bool = false) {
        self.testSize = testSize
        self.randomState = randomState
        self.stratify = stratify
    }

    public init() {
        self.init(testSize: 0.2)
    }

    public static let name = "transform"
    public static let summary = "how the song base is split into training and test rows"

    /// The keys in reading order.
    public static let fields: [ParamField<TransformParams>] = [
        .number("test_size", { $0.testSize }, { $0.testSize = $1 }, min: 0, max: 1, exclusiveMin: true, exclusiveMax: true, required: true,
                doc: "Share of the rows held out for testing; the test set has ceil(n * test_size) rows."),
        .seed("random_state", { $0.randomState }, { $0.randomState = $1 }, required: true, doc: "Seed of the shuffle."),
        .bool("stratify", { $0.stratify }, { $0.stratify = $1 }, doc: "Keep each genre's share equal in both sets."),
    ]
}
