/// `cluster`: the Gaussian mixtures' settings, named as scikit-learn's `GaussianMixture` names them.
///
/// Every count and limit has a range that keeps msr-cluster within memory and time (an EM
/// iteration's work grows with songs x components x features, or x features squared for full
/// covariances; the silhouette score's with its sample squared); a value outside it is refused
/// with its key path and the range.
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

    /// Components per genre: one value for every genre, or one per genre in label order; each in
    /// [1, `maxComponents`] and at most the genre's songs (checked when the genre is read).
    public var nComponents: [Int] = [3]
    public var covarianceType = CovarianceType.spherical
    /// At least 0.
    public var randomState: UInt64 = 42
    /// Initialisations tried, in [1, 100]; the one with the best lower bound is kept.
    public var nInit = 1
    /// EM iterations per initialisation at most, in [1, 10000].
    public var maxIter = 100
    /// Convergence threshold on the change of the lower bound (mean log-likelihood); above 0.
    public var tol = 1e-3
    /// Added to the covariances' diagonals, keeping them positive definite; at least 0.
    public var regCovar = 1e-6
    /// Rows the silhouette score is computed on at most, in [2, 50000] (a seeded sample beyond:
    /// it is quadratic).
    public var silhouetteSampleSize = 10_000

    /// Most components a genre's mixture may have: the fit's time and memory grow with songs x
    /// components (the responsibilities hold one double per song and component).
    public static let maxComponents = 256
    /// The ranges, one place for the reader and the documentation.
    public static let nInitRange = 1...100, maxIterRange = 1...10_000, silhouetteSampleSizeRange = 2...50_000

    public init() {}

    /// The components for genre `label` of `genreCount`.
    public func components(forLabel label: Int) -> Int {
        nComponents.count == 1 ? nComponents[0] : nComponents[label]
    }

    /// The key path of genre `label`'s components: `cluster.n_components` or `cluster.n_components[label]`.
    public func componentsKey(forLabel label: Int) -> String {
        nComponents.count == 1 ? "cluster.n_components" : "cluster.n_components[\(label)]"
    }

    /// Reads the `cluster` section of params.yaml; unknown keys and values out of range are errors.
    init(_ value: ConfigValue) throws {
        var section = try value.mapping()
        func int(_ value: ConfigValue, _ range: ClosedRange<Int>) throws -> Int {
            try value.int(min: range.lowerBound, max: range.upperBound)
        }
        let components = try section.required("n_components")
        if case .sequence = components.node.content {
            nComponents = try components.list().map { try int($0, 1...Self.maxComponents) }
            guard !nComponents.isEmpty else { throw components.error("expected at least one value") }
        } else {
            nComponents = [try int(components, 1...Self.maxComponents)]
        }
        let type = try section.required("covariance_type")
        guard let covariance = CovarianceType(rawValue: try type.string()) else {
            throw type.expected("one of spherical, diag, tied, full")
        }
        covarianceType = covariance
        randomState = UInt64(try section.required("random_state").int(min: 0))
        nInit = try section.optional("n_init").map { try int($0, Self.nInitRange) } ?? nInit
        maxIter = try section.optional("max_iter").map { try int($0, Self.maxIterRange) } ?? maxIter
        tol = try section.optional("tol")?.double(min: 0, exclusiveMin: true) ?? tol
        regCovar = try section.optional("reg_covar")?.double(min: 0) ?? regCovar
        silhouetteSampleSize = try section.optional("silhouette_sample_size").map { try int($0, Self.silhouetteSampleSizeRange) }
            ?? silhouetteSampleSize
        try section.finish()
    }
}
