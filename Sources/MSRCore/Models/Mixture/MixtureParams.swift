/// `cluster`: the Gaussian mixtures' settings, named as scikit-learn's `GaussianMixture` names them.
///
/// Each key's range, default (params.yaml's value) and meaning are declared once, in `fields`.
/// Every count and limit has a range that keeps msr-cluster within memory and time (an EM
/// iteration's work grows with songs x components x features, or x features squared for full
/// covariances; the silhouette score's with its sample squared).
public struct MixtureParams: ParamsSection {
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

    /// `n_components`, see `fields`: one value for every genre, or one per genre in label order.
    public var nComponents: [Int] = [3]
    /// `covariance_type`, see `fields`.
    public var covarianceType = CovarianceType.spherical
    /// `random_state`, see `fields`.
    public var randomState: UInt64 = 42
    /// `n_init`, see `fields`.
    public var nInit = 1
    /// `max_iter`, see `fields`.
    public var maxIter = 100
    /// `tol`, see `fields`.
    public var tol = 1e-3
    /// `reg_covar`, see `fields`.
    public var regCovar = 1e-6
    /// `silhouette_sample_size`, see `fields`.
    public var silhouetteSampleSize = 10_000

    /// Most components a genre's mixture may have: the fit's time and memory grow with songs x
    /// components (the responsibilities hold one double per song and component).
    public static let maxComponents = 256

    public init() {}

    public static let name = "cluster"
    public static let summary = "the Gaussian mixtures, one per genre, on standardised features"

    /// The keys in reading order.
    public static let fields: [ParamField<MixtureParams>] = [
        ParamField("n_components", .intPerGenre(min: 1, max: maxComponents), required: true,
                   doc: "Components of each genre's mixture, at most the genre's songs: one value for every genre, or a list in label order.",
                   read: { section, value in section.nComponents = try readComponents(value) },
                   text: { $0.nComponents.count == 1 ? "\($0.nComponents[0])" : YAMLText.flowList($0.nComponents.map(String.init)) }),
        .choice("covariance_type", { $0.covarianceType }, { $0.covarianceType = $1 }, required: true,
                doc: "Shape of each component's covariance: one variance, one per feature, one full matrix shared, or one each."),
        .seed("random_state", { $0.randomState }, { $0.randomState = $1 }, required: true, doc: "Seed of the k-means++ starts and of the silhouette's sample."),
        .int("n_init", { $0.nInit }, { $0.nInit = $1 }, 1...100, doc: "Initialisations tried; the one with the best lower bound is kept."),
        .int("max_iter", { $0.maxIter }, { $0.maxIter = $1 }, 1...10_000, doc: "EM iterations per initialisation at most."),
        .number("tol", { $0.tol }, { $0.tol = $1 }, min: 0, exclusiveMin: true,
                doc: "Convergence threshold on the change of the lower bound (mean log-likelihood)."),
        .number("reg_covar", { $0.regCovar }, { $0.regCovar = $1 }, min: 0, doc: "Added to the covariances' diagonals, keeping them positive definite."),
        .int("silhouette_sample_size", { $0.silhouetteSampleSize }, { $0.silhouetteSampleSize = $1 }, 2...50_000,
             doc: "Songs the silhouette score is computed on at most: it is quadratic, so larger genres are scored on a seeded sample."),
    ]

    /// One whole number in [1, `maxComponents`], or a non-empty list of them.
    private static func readComponents(_ value: ConfigValue) throws -> [Int] {
        guard case .sequence = value.node.content else { return [try value.int(min: 1, max: maxComponents)] }
        let components = try value.list().map { try $0.int(min: 1, max: maxComponents) }
        guard !components.isEmpty else { throw value.error("expected at least one value") }
        return components
    }

    /// The components for genre `label` of `genreCount`.
    public func components(forLabel label: Int) -> Int {
        nComponents.count == 1 ? nComponents[0] : nComponents[label]
    }

    /// The key path of genre `label`'s components: `cluster.n_components` or `cluster.n_components[label]`.
    public func componentsKey(forLabel label: Int) -> String {
        nComponents.count == 1 ? "cluster.n_components" : "cluster.n_components[\(label)]"
    }
}
