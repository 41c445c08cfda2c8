/// `factorize`: the implicit-feedback ALS of msr-factorize (Hu, Koren and Volinsky 2008), named
/// as the `implicit` library names its settings. Each key's range, default and meaning are
/// declared once, in `fields`.
///
/// Confidence follows the paper: a playlist holding a track weighs `C = 1 + alpha * r` (r = 1,
/// or the pair's BM25 weight), an absent pair 1, and the preference is 1 where r > 0. implicit
/// 0.7.3 takes the matrix's value times alpha as the whole confidence (`C = alpha * r`) and
/// defaults to alpha 1.0; msr's default is the paper's 40, which implicit's alpha 41 matches on
/// an unweighted matrix.
public struct FactorizeParams: ParamsSection {
    /// How each row's factor is solved.
    public enum Solver: String, Sendable, Equatable, CaseIterable {
        /// `cg_steps` conjugate-gradient steps from the previous factor (Takács et al. 2011).
        case cg
        /// The exact solve of the row's normal equations through their Cholesky factor.
        case cholesky
    }

    /// `factors`, see `fields`.
    public var factors = 64
    /// `regularization`, see `fields`.
    public var regularization = 0.01
    /// `alpha`, see `fields`.
    public var alpha = 40.0
    /// `iterations`, see `fields`.
    public var iterations = 15
    /// `cg_steps`, see `fields`.
    public var cgSteps = 3
    /// `solver`, see `fields`.
    public var solver = Solver.cg
    /// `bm25`, see `fields`.
    public var bm25 = false
    /// `random_state`, see `fields`.
    public var randomState: UInt64 = 42

    /// The most factors: each row's exact solve holds a factors x factors matrix per core, and
    /// the factors file factors x tracks numbers.
    public static let maxFactors = 1024

    public init() {}

    public static let name = "factorize"
    public static let summary = "the implicit-feedback ALS on the playlist x track matrix"

    /// The keys in reading order.
    public static let fields: [ParamField<FactorizeParams>] = [
        .int("factors", { $0.factors }, { $0.factors = $1 }, 1...maxFactors, doc: "Latent factors of each playlist and track (the factorisation's rank)."),
        .number("regularization", { $0.regularization }, { $0.regularization = $1 }, min: 0,
                doc: "Added to the diagonal of every row's normal equations (as implicit: not scaled by the row's tracks)."),
        .number("alpha", { $0.alpha }, { $0.alpha = $1 }, min: 0, exclusiveMin: true,
                doc: "Confidence scale: a pair in the matrix weighs 1 + alpha * r, an absent one 1 (Hu et al.'s 40; implicit 0.7.3's default is 1.0, on alpha * r)."),
        .int("iterations", { $0.iterations }, { $0.iterations = $1 }, 1...10_000, doc: "ALS iterations: each solves every playlist's factor, then every track's."),
        .int("cg_steps", { $0.cgSteps }, { $0.cgSteps = $1 }, 1...1000,
             doc: "Conjugate-gradient steps per row and half-iteration, from the row's previous factor (solver cg)."),
        .choice("solver", { $0.solver }, { $0.solver = $1 },
                doc: "cg: Takacs et al.'s conjugate-gradient update, as implicit; cholesky: the exact solve of each row's normal equations."),
        .bool("bm25", { $0.bm25 }, { $0.bm25 = $1 },
              doc: "Weigh each pair by BM25 (K1 100, B 0.8, implicit's bm25_weight on the track x playlist matrix) instead of 1."),
        .seed("random_state", { $0.randomState }, { $0.randomState = $1 }, doc: "Seed of the factors' initial values (uniform in [0, 0.01), as implicit)."),
    ]
}
