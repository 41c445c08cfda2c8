/// `train`: the gradient-boosted trees' settings, named as scikit-learn and LightGBM name them.
///
/// Each key's range, default (params.yaml's value) and meaning are declared once, in `fields`.
/// Every count and limit has a range that keeps msr-train within memory and time (a tree's work
/// grows with rows x features x leaves, a fit's with rounds x classes trees).
public struct BoostingParams: ParamsSection {
    /// How the classes are fitted (LightGBM's `objective` names).
    public enum Objective: String, CaseIterable, Sendable {
        /// One tree per class a round on the softmax loss over all classes.
        case multiclass
        /// One binary booster per class, the class against the rest (`fitOneVsRest`).
        case multiclassova
    }

    /// `objective`, see `fields`.
    public var objective = Objective.multiclass
    /// `learning_rate`, see `fields`.
    public var learningRate = 0.008
    /// `n_estimators`, see `fields`.
    public var nEstimators = 250
    /// `max_depth`, see `fields`.
    public var maxDepth = 5
    /// `max_leaves`, see `fields`.
    public var maxLeaves = 31
    /// `min_samples_leaf`, see `fields`.
    public var minSamplesLeaf = 1
    /// `l2_regularization`, see `fields`.
    public var l2Regularization = 0.0
    /// `max_bins`, see `fields`.
    public var maxBins = 255
    /// `subsample`, see `fields`.
    public var subsample = 1.0
    /// `random_state`, see `fields`.
    public var randomState: UInt64 = 42
    /// `early_stopping`, see `fields`.
    public var earlyStopping = false
    /// `validation_fraction`, see `fields`.
    public var validationFraction = 0.1
    /// `n_iter_no_change`, see `fields`.
    public var nIterNoChange = 10
    /// `tol`, see `fields`.
    public var tol = 1e-7

    public init() {}

    public static let name = "train"
    public static let summary = "the gradient-boosted trees (the first four keys are the reference project's settings)"

    /// The keys in reading order.
    public static let fields: [ParamField<BoostingParams>] = [
        .number("learning_rate", { $0.learningRate }, { $0.learningRate = $1 }, min: 0, exclusiveMin: true, required: true,
                doc: "Shrinkage of each tree's contribution."),
        .int("n_estimators", { $0.nEstimators }, { $0.nEstimators = $1 }, 1...10_000, required: true, doc: "Boosting rounds (one tree per genre each)."),
        .int("max_depth", { $0.maxDepth }, { $0.maxDepth = $1 }, 1...64, required: true,
             doc: "Deepest a leaf may be, the root being depth 0 (64: no limit, `max_leaves` bounding a tree)."),
        .seed("random_state", { $0.randomState }, { $0.randomState = $1 }, required: true, doc: "Seed of the bagging and of the early-stopping split."),
        .int("max_leaves", { $0.maxLeaves }, { $0.maxLeaves = $1 }, 2...1024,
             doc: "Most leaves a tree may have (LightGBM's num_leaves); each leaf that may still split holds a histogram."),
        .int("min_samples_leaf", { $0.minSamplesLeaf }, { $0.minSamplesLeaf = $1 }, 1...1_000_000,
             doc: "Fewest training rows in a leaf (1: scikit-learn's GradientBoostingClassifier's default, as in the reference)."),
        .number("l2_regularization", { $0.l2Regularization }, { $0.l2Regularization = $1 }, min: 0, doc: "L2 regularisation of the leaf values."),
        .int("max_bins", { $0.maxBins }, { $0.maxBins = $1 }, 2...255, doc: "Bins per feature (a bin is one byte), at the training rows' quantiles."),
        .number("subsample", { $0.subsample }, { $0.subsample = $1 }, min: 0, max: 1, exclusiveMin: true,
                doc: "Share of the rows each round trains on (seeded row bagging)."),
        .bool("early_stopping", { $0.earlyStopping }, { $0.earlyStopping = $1 },
              doc: "Hold out `validation_fraction` of the rows (stratified, seeded) and stop when their loss stalls."),
        .number("validation_fraction", { $0.validationFraction }, { $0.validationFraction = $1 }, min: 0, max: 1, exclusiveMin: true, exclusiveMax: true,
                doc: "Share of the rows early stopping holds out."),
        .int("n_iter_no_change", { $0.nIterNoChange }, { $0.nIterNoChange = $1 }, 1...10_000,
             doc: "Rounds without improvement of the held-out loss after which early stopping stops."),
        .number("tol", { $0.tol }, { $0.tol = $1 }, min: 0, doc: "The least fall of the held-out loss that counts as an improvement."),
        .choice("objective", { $0.objective }, { $0.objective = $1 },
                doc: "multiclass: the softmax over all genres, a score per row and genre held while fitting (8 bytes x rows x genres); "
                    + "multiclassova: one booster per genre against the rest, fitted genre after genre, holding one genre's scores per core "
                    + "(for many genres; without early stopping)."),
    ]

    /// A combination of keys the fit cannot honour, told at `objective`, or nil.
    public static func conflict(_ section: BoostingParams) -> (key: String, message: String)? {
        section.objective == .multiclassova && section.earlyStopping
            ? ("objective", "multiclassova fits the genres one after another and does not stop early: set early_stopping to false "
                + "or objective to multiclass")
            : nil
    }
}
