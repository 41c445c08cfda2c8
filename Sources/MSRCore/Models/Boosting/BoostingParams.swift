/// `train`: the gradient-boosted trees' settings, named as scikit-learn and LightGBM name them.
///
/// The defaults are params.yaml's values. Every count and limit has a range that keeps msr-train
/// within memory and time (a tree's work grows with rows x features x leaves, a fit's with
/// rounds x classes trees); a value outside it is refused with its key path and the range.
public struct BoostingParams: Sendable, Equatable {
    /// Shrinkage of each tree's contribution; above 0.
    public var learningRate = 0.008
    /// Boosting rounds (one tree per class per round), in [1, 10000].
    public var nEstimators = 250
    /// Deepest a leaf may be (the root is depth 0), in [1, 64] (64 reads as "no limit", as in
    /// scripts/presets/tuned-params.yaml: `maxLeaves` bounds a tree's work, a tree of 1024
    /// leaves being at most 1023 deep).
    public var maxDepth = 5
    /// Most leaves a tree may have (LightGBM's num_leaves), in [2, 1024]: each leaf that may
    /// still split holds a histogram of every feature's bins.
    public var maxLeaves = 31
    /// Fewest training rows in a leaf, in [1, 1000000] (1: scikit-learn's
    /// GradientBoostingClassifier's default, as in the reference).
    public var minSamplesLeaf = 1
    /// L2 regularisation of the leaf values; at least 0.
    public var l2Regularization = 0.0
    /// Bins per feature, in [2, 255] (a bin is one byte).
    public var maxBins = 255
    /// Share of the rows each round trains on (row bagging), in (0, 1].
    public var subsample = 1.0
    /// Seed of the bagging and of the early-stopping split; at least 0.
    public var randomState: UInt64 = 42
    /// Hold out `validationFraction` of the rows and stop when their loss has not improved by
    /// `tol` for `nIterNoChange` rounds.
    public var earlyStopping = false
    /// In (0, 1).
    public var validationFraction = 0.1
    /// In [1, 10000].
    public var nIterNoChange = 10
    /// The least fall of the held-out loss that counts as an improvement; at least 0.
    public var tol = 1e-7

    /// The ranges, one place for the reader and the documentation.
    public static let nEstimatorsRange = 1...10_000, maxDepthRange = 1...64, maxLeavesRange = 2...1024,
                      minSamplesLeafRange = 1...1_000_000, maxBinsRange = 2...255, nIterNoChangeRange = 1...10_000

    public init() {}

    /// Reads the `train` section of params.yaml; unknown keys and values out of range are errors.
    init(_ value: ConfigValue) throws {
        var section = try value.mapping()
        func int(_ value: ConfigValue, _ range: ClosedRange<Int>) throws -> Int {
            try value.int(min: range.lowerBound, max: range.upperBound)
        }
        learningRate = try section.required("learning_rate").double(min: 0, exclusiveMin: true)
        nEstimators = try int(section.required("n_estimators"), Self.nEstimatorsRange)
        maxDepth = try int(section.required("max_depth"), Self.maxDepthRange)
        randomState = UInt64(try section.required("random_state").int(min: 0))
        maxLeaves = try section.optional("max_leaves").map { try int($0, Self.maxLeavesRange) } ?? maxLeaves
        minSamplesLeaf = try section.optional("min_samples_leaf").map { try int($0, Self.minSamplesLeafRange) } ?? minSamplesLeaf
        l2Regularization = try section.optional("l2_regularization")?.double(min: 0) ?? l2Regularization
        maxBins = try section.optional("max_bins").map { try int($0, Self.maxBinsRange) } ?? maxBins
        subsample = try section.optional("subsample")?.double(min: 0, max: 1, exclusiveMin: true) ?? subsample
        earlyStopping = try section.optional("early_stopping")?.bool() ?? earlyStopping
        validationFraction = try section.optional("validation_fraction")?
            .double(min: 0, max: 1, exclusiveMin: true, exclusiveMax: true) ?? validationFraction
        nIterNoChange = try section.optional("n_iter_no_change").map { try int($0, Self.nIterNoChangeRange) } ?? nIterNoChange
        tol = try section.optional("tol")?.double(min: 0) ?? tol
        try section.finish()
    }
}
