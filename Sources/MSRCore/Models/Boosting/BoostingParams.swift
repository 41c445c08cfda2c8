/// `train`: the gradient-boosted trees' settings, named as scikit-learn and LightGBM name them.
public struct BoostingParams: Sendable, Equatable {
    /// Shrinkage of each tree's contribution.
    public var learningRate = 0.1
    /// Boosting rounds (one tree per class per round).
    public var nEstimators = 100
    /// Deepest a leaf may be (the root is depth 0).
    public var maxDepth = 5
    /// Most leaves a tree may have (LightGBM's num_leaves).
    public var maxLeaves = 31
    /// Fewest training rows in a leaf.
    public var minSamplesLeaf = 20
    /// L2 regularisation of the leaf values.
    public var l2Regularization = 0.0
    /// Bins per feature, at most 255.
    public var maxBins = 255
    /// Share of the rows each round trains on (row bagging), in (0, 1].
    public var subsample = 1.0
    /// Seed of the bagging and of the early-stopping split.
    public var randomState: UInt64 = 42
    /// Hold out `validationFraction` of the rows and stop when their loss has not improved by
    /// `tol` for `nIterNoChange` rounds.
    public var earlyStopping = false
    public var validationFraction = 0.1
    public var nIterNoChange = 10
    public var tol = 1e-7

    public init() {}

    /// Reads the `train` section of params.yaml; unknown keys are errors.
    init(_ value: ConfigValue) throws {
        var section = try value.mapping()
        learningRate = try section.required("learning_rate").double(min: 0, exclusiveMin: true)
        nEstimators = try section.required("n_estimators").int(min: 1, max: 100_000)
        maxDepth = try section.required("max_depth").int(min: 1, max: 64)
        randomState = UInt64(try section.required("random_state").int(min: 0))
        maxLeaves = try section.optional("max_leaves")?.int(min: 2, max: 65_536) ?? maxLeaves
        minSamplesLeaf = try section.optional("min_samples_leaf")?.int(min: 1) ?? minSamplesLeaf
        l2Regularization = try section.optional("l2_regularization")?.double(min: 0) ?? l2Regularization
        maxBins = try section.optional("max_bins")?.int(min: 2, max: 255) ?? maxBins
        subsample = try section.optional("subsample")?.double(min: 0, max: 1, exclusiveMin: true) ?? subsample
        earlyStopping = try section.optional("early_stopping")?.bool() ?? earlyStopping
        validationFraction = try section.optional("validation_fraction")?
            .double(min: 0, max: 1, exclusiveMin: true, exclusiveMax: true) ?? validationFraction
        nIterNoChange = try section.optional("n_iter_no_change")?.int(min: 1) ?? nIterNoChange
        tol = try section.optional("tol")?.double(min: 0) ?? tol
        try section.finish()
    }
}
