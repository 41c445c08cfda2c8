/// The params each tracked stage logs, as the strings MLflow stores.
extension BoostingParams {
    public var mlflowParams: [String: String] {
        ["learning_rate": "\(learningRate)", "n_estimators": "\(nEstimators)", "max_depth": "\(maxDepth)",
         "max_leaves": "\(maxLeaves)", "min_samples_leaf": "\(minSamplesLeaf)", "l2_regularization": "\(l2Regularization)",
         "max_bins": "\(maxBins)", "subsample": "\(subsample)", "random_state": "\(randomState)",
         "early_stopping": "\(earlyStopping)", "validation_fraction": "\(validationFraction)",
         "n_iter_no_change": "\(nIterNoChange)", "tol": "\(tol)"]
    }
}

extension MixtureParams {
    /// The params of genre `label`'s mixture.
    public func mlflowParams(label: Int) -> [String: String] {
        ["n_components": "\(components(forLabel: label))", "covariance_type": covarianceType.rawValue,
         "random_state": "\(randomState)", "n_init": "\(nInit)", "max_iter": "\(maxIter)", "tol": "\(tol)",
         "reg_covar": "\(regCovar)", "silhouette_sample_size": "\(silhouetteSampleSize)"]
    }
}
