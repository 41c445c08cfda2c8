/// The maximisation step of expectation-maximisation, split as scikit-learn's
/// `_estimate_gaussian_parameters`: the weighted counts and means, then one function per
/// covariance type (`_estimate_gaussian_covariances_full`, `_tied`, `_diag`, `_spherical`).
///
/// Points are row-major (`n x d`), responsibilities row-major (`n x k`); every sum is taken in
/// the same order as before the split, so fits are unchanged to the bit.
extension GaussianMixture {
    /// The M-step: weights, means and covariances from responsibilities (`n x k`).
    static func maximisation(_ points: [Double], dimension d: Int, responsibilities: [Double], components k: Int,
                             params: MixtureParams) throws -> GaussianMixture {
        let n = points.count / d
        let (counts, means) = weightedMeans(points, dimension: d, responsibilities: responsibilities, components: k)
        let covariances: [Double]
        switch params.covarianceType {
        case .full:
            covariances = fullCovariances(points, dimension: d, responsibilities: responsibilities, counts: counts,
                                          means: means, regCovar: params.regCovar)
        case .tied:
            covariances = tiedCovariance(points, dimension: d, responsibilities: responsibilities, counts: counts,
                                         means: means, regCovar: params.regCovar)
        case .diag:
            covariances = diagCovariances(points, dimension: d, responsibilities: responsibilities, counts: counts,
                                          means: means, regCovar: params.regCovar)
        case .spherical:
            covariances = sphericalVariances(points, dimension: d, responsibilities: responsibilities, counts: counts,
                                             means: means, regCovar: params.regCovar)
        }
        if covariances.contains(where: { !$0.isFinite }) { throw MixtureError.notPositiveDefinite(0) }
        let weights = counts.map { $0 / Double(n) }
        return GaussianMixture(covarianceType: params.covarianceType, dimension: d, weights: weights, means: means,
                               covariances: covariances)
    }

    /// Each component's weighted count (from 10 ulp, so that an empty component divides safely)
    /// and weighted mean (`k x d`).
    static func weightedMeans(_ points: [Double], dimension d: Int, responsibilities: [Double],
                              components k: Int) -> (counts: [Double], means: [Double]) {
        let n = points.count / d
        var counts = [Double](repeating: 10 * Double.ulpOfOne, count: k)
        var means = [Double](repeating: 0, count: k * d)
        for i in 0..<n {
            for c in 0..<k {
                let r = responsibilities[i * k + c]
                guard r != 0 else { continue }
                counts[c] += r
                for j in 0..<d { means[c * d + j] += r * points[i * d + j] }
            }
        }
        for c in 0..<k { for j in 0..<d { means[c * d + j] /= counts[c] } }
        return (counts, means)
    }

    /// One `d x d` covariance per component (`k x d x d`), `regCovar` added to the diagonal.
    static func fullCovariances(_ points: [Double], dimension d: Int, responsibilities: [Double], counts: [Double],
                                means: [Double], regCovar: Double) -> [Double] {
        let k = counts.count
        var full = scatterLowerTriangles(points, dimension: d, responsibilities: responsibilities, means: means, components: k)
        for c in 0..<k {
            for a in 0..<d {
                for b in 0...a {
                    let value = full[c * d * d + a * d + b] / counts[c]
                    full[c * d * d + a * d + b] = value
                    full[c * d * d + b * d + a] = value
                }
                full[c * d * d + a * d + a] += regCovar
            }
        }
        return full
    }

    /// One `d x d` covariance shared by every component: the components' scatter summed over
    /// the total count, `regCovar` added to the diagonal.
    static func tiedCovariance(_ points: [Double], dimension d: Int, responsibilities: [Double], counts: [Double],
                               means: [Double], regCovar: Double) -> [Double] {
        let k = counts.count
        let full = scatterLowerTriangles(points, dimension: d, responsibilities: responsibilities, means: means, components: k)
        var tied = [Double](repeating: 0, count: d * d)
        let total = counts.reduce(0, +)
        for a in 0..<d {
            for b in 0...a {
                let value = (0..<k).reduce(0) { $0 + full[$1 * d * d + a * d + b] } / total
                tied[a * d + b] = value
                tied[b * d + a] = value
            }
            tied[a * d + a] += regCovar
        }
        return tied
    }

    /// One variance per component and feature (`k x d`), `regCovar` added to each.
    static func diagCovariances(_ points: [Double], dimension d: Int, responsibilities: [Double], counts: [Double],
                                means: [Double], regCovar: Double) -> [Double] {
        let n = points.count / d, k = counts.count
        var diag = [Double](repeating: 0, count: k * d)
        for i in 0..<n {
            for c in 0..<k {
                let r = responsibilities[i * k + c]
                guard r != 0 else { continue }
                for j in 0..<d {
                    let delta = points[i * d + j] - means[c * d + j]
                    diag[c * d + j] += r * delta * delta
                }
            }
        }
        for c in 0..<k { for j in 0..<d { diag[c * d + j] = diag[c * d + j] / counts[c] + regCovar } }
        return diag
    }

    /// One variance per component (`k`): the mean of its diagonal variances.
    static func sphericalVariances(_ points: [Double], dimension d: Int, responsibilities: [Double], counts: [Double],
                                   means: [Double], regCovar: Double) -> [Double] {
        let diag = diagCovariances(points, dimension: d, responsibilities: responsibilities, counts: counts,
                                   means: means, regCovar: regCovar)
        return (0..<counts.count).map { c in (0..<d).reduce(0) { $0 + diag[c * d + $1] } / Double(d) }
    }

    /// Each component's responsibility-weighted scatter `sum_i r_ic (x_i - mu_c)(x_i - mu_c)^T`,
    /// lower triangle only (`k x d x d`, the upper triangle 0).
    private static func scatterLowerTriangles(_ points: [Double], dimension d: Int, responsibilities: [Double],
                                              means: [Double], components k: Int) -> [Double] {
        let n = points.count / d
        var full = [Double](repeating: 0, count: k * d * d)
        var centred = [Double](repeating: 0, count: d)
        for i in 0..<n {
            for c in 0..<k {
                let r = responsibilities[i * k + c]
                guard r != 0 else { continue }
                for j in 0..<d { centred[j] = points[i * d + j] - means[c * d + j] }
                for a in 0..<d { for b in 0...a { full[c * d * d + a * d + b] += r * centred[a] * centred[b] } }
            }
        }
        return full
    }
}
