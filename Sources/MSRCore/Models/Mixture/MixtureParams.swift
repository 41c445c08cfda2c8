/// `cluster`: the Gaussian mixtures' settings, named as scikit-learn's `GaussianMixture` names them.
public struct MixtureParams: Sendable, Equatable {
    /// The shape of each component's covariance.
    public enum CovarianceType: String, Sendable, Equatable, CaseIterable {
        /// One variance per component.
        case spherical
        /// One variance per component and feature.
        case diag
        /// One full covariance matrix shared by all components.
        case tied
        /// One full covariance matrix per component.
        case full
    }

    /// Components per genre: one value for every genre, or one per genre in label order.
    public var nComponents: [Int] = [3]
    public var covarianceType = CovarianceType.spherical
    public var randomState: UInt64 = 42
    /// Initialisations tried; the one with the best lower bound is kept.
    public var nInit = 1
    public var maxIter = 100
    /// Convergence threshold on the change of the lower bound (mean log-likelihood).
    public var tol = 1e-3
    /// Added to the covariances' diagonals, keeping them positive definite.
    public var regCovar = 1e-6
    /// Rows the silhouette score is computed on at most (a seeded sample beyond: it is quadratic).
    public var silhouetteSampleSize = 10_000

    /// Most components a genre's mixture may have: the fit's time and memory grow with songs x
    /// components (and the responsibilities hold one double per song and component).
    public static let maxComponents = 256

    public init() {}

    /// The components for genre `label` of `genreCount`.
    public func components(forLabel label: Int) -> Int {
        nComponents.count == 1 ? nComponents[0] : nComponents[label]
    }

    /// Reads the `cluster` section of params.yaml; unknown keys are errors.
    init(_ value: ConfigValue) throws {
        var section = try value.mapping()
        let components = try section.required("n_components")
        if case .sequence = components.node.content {
            nComponents = try components.list().map { try $0.int(min: 1, max: 1000) }
            guard !nComponents.isEmpty else { throw components.error("expected at least one value") }
        } else {
            nComponents = [try components.int(min: 1, max: 1000)]
        }
        let type = try section.required("covariance_type")
        guard let covariance = CovarianceType(rawValue: try type.string()) else {
            throw type.expected("one of spherical, diag, tied, full")
        }
        covarianceType = covariance
        randomState = UInt64(try section.required("random_state").int(min: 0))
        nInit = try section.optional("n_init")?.int(min: 1, max: 1000) ?? nInit
        maxIter = try section.optional("max_iter")?.int(min: 1) ?? maxIter
        tol = try section.optional("tol")?.double(min: 0) ?? tol
        regCovar = try section.optional("reg_covar")?.double(min: 0) ?? regCovar
        silhouetteSampleSize = try section.optional("silhouette_sample_size")?.int(min: 2) ?? silhouetteSampleSize
        try section.finish()
    }
}
