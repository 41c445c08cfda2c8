import FoundationEssentials
import Glibc

/// A fitted Gaussian mixture (scikit-learn's `GaussianMixture`): component weights, means and
/// covariances of one of four shapes, and the fit's outcome.
///
/// Points are row-major `[Double]` with `dimension` values per point. Log-densities go through
/// Cholesky factors (full, tied) or the variances directly (diag, spherical).
public struct GaussianMixture: Sendable, Equatable {
    public let covarianceType: MixtureParams.CovarianceType
    public let dimension: Int
    public var weights: [Double]
    /// `means[k * dimension + j]`.
    public var means: [Double]
    /// spherical: one variance per component; diag: `k * d`; tied: one `d x d` matrix; full:
    /// `k` matrices of `d x d`, row-major.
    public var covariances: [Double]
    public var converged = false
    public var iterations = 0
    /// The best fit's final mean log-likelihood per point.
    public var lowerBound = -Double.infinity

    public var componentCount: Int { weights.count }

    public init(covarianceType: MixtureParams.CovarianceType, dimension: Int, weights: [Double], means: [Double],
                covariances: [Double]) {
        self.covarianceType = covarianceType
        self.dimension = dimension
        self.weights = weights
        self.means = means
        self.covariances = covariances
    }

    /// The Cholesky factors log-densities need: per component (full), shared (tied), or none.
    func factors() throws -> [[Double]] {
        let d = dimension
        switch covarianceType {
        case .spherical, .diag:
            return []
        case .tied:
            guard let lower = choleskyLower(covariances, dimension: d) else { throw MixtureError.notPositiveDefinite(0) }
            return [lower]
        case .full:
            return try (0..<componentCount).map { k in
                guard let lower = choleskyLower(Array(covariances[(k * d * d)..<((k + 1) * d * d)]), dimension: d) else {
                    throw MixtureError.notPositiveDefinite(k)
                }
                return lower
            }
        }
    }

    /// `log(weight_k) + log N(x_i | k)` for every point and component, row-major `n x k`.
    public func weightedLogProbabilities(_ points: [Double]) throws -> [Double] {
        let d = dimension, k = componentCount, n = points.count / d
        let factors = try factors()
        let logTwoPi = log(2 * Double.pi)
        // Per component: log weight - d/2 log 2pi - 1/2 log det.
        var constants = [Double](repeating: 0, count: k)
        for c in 0..<k {
            let logDet: Double
            switch covarianceType {
            case .spherical: logDet = Double(d) * log(covariances[c])
            case .diag: logDet = (0..<d).reduce(0) { $0 + log(covariances[c * d + $1]) }
            case .tied: logDet = 2 * (0..<d).reduce(0) { $0 + log(factors[0][$1 * d + $1]) }
            case .full: logDet = 2 * (0..<d).reduce(0) { $0 + log(factors[c][$1 * d + $1]) }
            }
            constants[c] = log(weights[c]) - 0.5 * (Double(d) * logTwoPi + logDet)
        }
        var result = [Double](repeating: 0, count: n * k)
        var centred = [Double](repeating: 0, count: d)
        for i in 0..<n {
            for c in 0..<k {
                for j in 0..<d { centred[j] = points[i * d + j] - means[c * d + j] }
                var distance = 0.0
                switch covarianceType {
                case .spherical:
                    for j in 0..<d { distance += centred[j] * centred[j] }
                    distance /= covariances[c]
                case .diag:
                    for j in 0..<d { distance += centred[j] * centred[j] / covariances[c * d + j] }
                case .tied, .full:
                    // Solve L z = x - mu; the Mahalanobis distance is |z|^2.
                    let lower = factors[covarianceType == .tied ? 0 : c]
                    for j in 0..<d {
                        var value = centred[j]
                        for m in 0..<j { value -= lower[j * d + m] * centred[m] }
                        centred[j] = value / lower[j * d + j]
                        distance += centred[j] * centred[j]
                    }
                }
                result[i * k + c] = constants[c] - 0.5 * distance
            }
        }
        return result
    }

    /// Per point: the log-likelihood `log p(x)` (row `i` of `score_samples`), and in place the
    /// log responsibilities.
    static func normalise(_ weighted: inout [Double], components k: Int) -> [Double] {
        let n = weighted.count / k
        var logLikelihood = [Double](repeating: 0, count: n)
        weighted.withUnsafeMutableBufferPointer { weighted in
            for i in 0..<n {
                let total = Numerics.logSumExp(weighted.baseAddress! + i * k, count: k)
                logLikelihood[i] = total
                for c in 0..<k { weighted[i * k + c] -= total }
            }
        }
        return logLikelihood
    }

    /// The log-likelihood of each point.
    public func scoreSamples(_ points: [Double]) throws -> [Double] {
        var weighted = try weightedLogProbabilities(points)
        return Self.normalise(&weighted, components: componentCount)
    }

    /// Each point's probability of each component, row-major `n x k`.
    public func predictProbabilities(_ points: [Double]) throws -> [Double] {
        var weighted = try weightedLogProbabilities(points)
        _ = Self.normalise(&weighted, components: componentCount)
        return weighted.map { exp($0) }
    }

    /// Each point's most probable component.
    public func predict(_ points: [Double]) throws -> [Int32] {
        Numerics.argmax(try weightedLogProbabilities(points), width: componentCount)
    }

    /// Free parameters: means, covariances and the weights less one.
    public var parameterCount: Int {
        let d = dimension, k = componentCount
        let covariance: Int
        switch covarianceType {
        case .spherical: covariance = k
        case .diag: covariance = k * d
        case .tied: covariance = d * (d + 1) / 2
        case .full: covariance = k * d * (d + 1) / 2
        }
        return k * d + covariance + k - 1
    }

    /// Bayesian information criterion of the points (lower is better).
    public func bic(_ points: [Double]) throws -> Double {
        let n = Double(points.count / dimension)
        let total = try scoreSamples(points).reduce(0, +)
        return -2 * total + Double(parameterCount) * log(n)
    }

    /// Akaike information criterion of the points (lower is better).
    public func aic(_ points: [Double]) throws -> Double {
        -2 * (try scoreSamples(points).reduce(0, +)) + 2 * Double(parameterCount)
    }
}

/// Why a mixture could not be fitted.
public enum MixtureError: Error, Equatable {
    /// Component `k`'s covariance lost positive definiteness.
    case notPositiveDefinite(Int)
    /// Fewer points than components.
    case tooFewPoints(points: Int, components: Int)

    /// The message, with what to do next (scikit-learn's advice).
    public var message: String {
        switch self {
        case .notPositiveDefinite(let k):
            return "component \(k)'s covariance is not positive definite: decrease cluster.n_components, "
                + "increase cluster.reg_covar, or scale the input data"
        case .tooFewPoints(let points, let components):
            return "\(points) songs cannot make \(components) components: decrease cluster.n_components"
        }
    }
}
