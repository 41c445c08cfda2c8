/// Implicit-feedback alternating least squares (Hu, Koren and Volinsky 2008) on a playlist x
/// track matrix, as the `implicit` library's `AlternatingLeastSquares` fits it.
///
/// A pair of value r > 0 (1, or its BM25 weight) has preference 1 and confidence
/// `C = 1 + alpha * r`; every other pair preference 0 and confidence 1. The factors X
/// (playlists) and Y (tracks) minimise
///
///     Σ_(p,t) C_pt (p_pt - x_p · y_t)² + λ (|X|² + |Y|²)
///
/// over all pairs: each iteration solves every playlist's factor from the tracks' (a half
/// iteration), then every track's from the playlists'. Both start uniform in [0, 0.01) from
/// `random_state`, X's values first. Each row's update depends on the other side's factors
/// only and every sum runs in a fixed order, so a seed gives the same bytes on any number of
/// threads.
public struct ImplicitALS: Sendable {
    /// The `factorize` section fitted with.
    public let params: FactorizeParams

    /// A fitter with these params.
    public init(params: FactorizeParams) {
        self.params = params
    }

    /// A fitted factorisation: both sides' factors, row-major and packed (`factors` values a
    /// row), and the training loss after each iteration.
    public struct Result: Sendable, Equatable {
        /// Values per row.
        public var factors: Int
        /// `playlists x factors`, row-major.
        public var playlistFactors: [Float]
        /// `tracks x factors`, row-major.
        public var trackFactors: [Float]
        /// The training loss after each iteration (`loss`).
        public var losses: [Double]
    }

    /// Fits the factors of `matrix` on `workers` threads; `iterationDone(i, loss)` after each
    /// iteration (1-based). Throws when the exact solver meets equations that are not positive
    /// definite, or when the factors are no longer finite numbers.
    public func fit(_ matrix: InteractionMatrix, workers: Int = Parallel.width,
                    iterationDone: (Int, Double) -> Void = { _, _ in }) throws(FactorizationError) -> Result {
        let k = params.factors
        let x = FactorMatrix(rows: matrix.playlistCount, factors: k), y = FactorMatrix(rows: matrix.trackCount, factors: k)
        x.fillUniform(seed: params.randomState, offset: 0, scale: 0.01, workers: workers)
        y.fillUniform(seed: params.randomState, offset: UInt64(x.rows * k), scale: 0.01, workers: workers)
        let alpha = Float(params.alpha), regularization = Float(params.regularization)
        let byPlaylist = Self.confidences(matrix.byPlaylist, alpha: alpha)
        let byTrack = Self.confidences(matrix.byTrack, alpha: alpha)
        var losses: [Double] = []
        for iteration in 1...params.iterations {
            try halfIteration(x, from: y, confidences: byPlaylist, regularization: regularization, workers: workers, side: "playlist")
            try halfIteration(y, from: x, confidences: byTrack, regularization: regularization, workers: workers, side: "track")
            // An overflowing confidence turns a row's residual into NaN, which stops its update
            // (as implicit's): the loss shows it when the factors do not.
            let loss = Self.loss(byPlaylist, x, y, regularization: regularization, workers: workers)
            guard loss.isFinite, x.isFinite, y.isFinite else { throw .notFinite(iteration: iteration) }
            losses.append(loss)
            iterationDone(iteration, loss)
        }
        return Result(factors: k, playlistFactors: x.packed(), trackFactors: y.packed(), losses: losses)
    }

    /// One half iteration: every row of `x` solved from `y` by the params' solver.
    func halfIteration(_ x: FactorMatrix, from y: FactorMatrix, confidences: SparseRows, regularization: Float, workers: Int,
                       side: String) throws(FactorizationError) {
        switch params.solver {
        case .cg:
            ConjugateGradientUpdate.update(x, from: y, confidences: confidences, regularization: regularization,
                                           steps: params.cgSteps, workers: workers)
        case .cholesky:
            if let row = CholeskyUpdate.update(x, from: y, confidences: confidences, regularization: regularization, workers: workers) {
                throw .notPositiveDefinite(side: side, row: row)
            }
        }
    }

    /// The matrix's values as signed confidences: `1 + alpha * r` for a pair of value r > 0
    /// (preference 1), -1 for any other (preference 0, confidence 1: as if absent). implicit
    /// keeps the same sign convention.
    static func confidences(_ matrix: SparseRows, alpha: Float) -> SparseRows {
        var confident = matrix
        confident.values = matrix.values.map { $0 > 0 ? 1 + alpha * $0 : -1 }
        return confident
    }
}

/// Why a factorisation failed.
public enum FactorizationError: Error, Equatable, Sendable {
    /// A row's normal equations have no Cholesky factor (exact solver, too little regularization).
    case notPositiveDefinite(side: String, row: Int)
    /// The factors or the loss overflowed (a confidence too large for 32-bit floats).
    case notFinite(iteration: Int)

    /// What went wrong and what to change.
    public var message: String {
        switch self {
        case let .notPositiveDefinite(side, row):
            return "factorize: the normal equations of \(side) \(row) are not positive definite: raise factorize.regularization "
                + "or use factorize.solver cg"
        case .notFinite(let iteration):
            return "factorize: the factors or the loss are no longer finite numbers after iteration \(iteration): lower "
                + "factorize.alpha or factorize.regularization (32-bit floats overflow)"
        }
    }
}
