import FoundationEssentials
import Glibc

extension GaussianMixture {
    /// Fits by expectation-maximisation: `params.nInit` starts from k-means++ seeds, each up
    /// to `params.maxIter` iterations until the lower bound moves less than `params.tol`; the
    /// start with the best lower bound is kept. `converged` tells whether it met the tolerance.
    public static func fit(_ points: [Double], dimension d: Int, components k: Int,
                           params: MixtureParams) throws -> GaussianMixture {
        let n = points.count / d
        guard n >= k, n >= 2 else { throw MixtureError.tooFewPoints(points: n, components: k) }
        var generator = SplitMix64(seed: params.randomState)
        var best: GaussianMixture?
        for _ in 0..<params.nInit {
            var responsibilities = kMeansPlusPlusResponsibilities(points, dimension: d, components: k, generator: &generator)
            var model = try maximisation(points, dimension: d, responsibilities: responsibilities, components: k, params: params)
            var lowerBound = -Double.infinity
            for iteration in 1...params.maxIter {
                let previous = lowerBound
                var weighted = try model.weightedLogProbabilities(points)
                let logLikelihood = normalise(&weighted, components: k)
                lowerBound = logLikelihood.reduce(0, +) / Double(n)
                for index in weighted.indices { responsibilities[index] = exp(weighted[index]) }
                model = try maximisation(points, dimension: d, responsibilities: responsibilities, components: k, params: params)
                model.iterations = iteration
                if abs(lowerBound - previous) < params.tol {
                    model.converged = true
                    break
                }
            }
            model.lowerBound = lowerBound
            if best == nil || lowerBound > best!.lowerBound { best = model }
        }
        return best!
    }

    /// k-means++ seeding (D^2 sampling), then each point assigned to its nearest seed.
    static func kMeansPlusPlusResponsibilities(_ points: [Double], dimension d: Int, components k: Int,
                                               generator: inout SplitMix64) -> [Double] {
        let n = points.count / d
        func distance(_ i: Int, _ center: Int) -> Double {
            points.withUnsafeBufferPointer { Numerics.squaredDistance($0, i * d, $0, center * d, dimension: d) }
        }
        var centers = [generator.below(n)]
        var nearest = (0..<n).map { distance($0, centers[0]) }
        while centers.count < k {
            let total = nearest.reduce(0, +)
            var pick = n - 1
            if total > 0 {
                var target = generator.unit() * total
                for i in 0..<n {
                    target -= nearest[i]
                    if target < 0 { pick = i; break }
                }
            } else {
                pick = generator.below(n)
            }
            centers.append(pick)
            for i in 0..<n { nearest[i] = min(nearest[i], distance(i, pick)) }
        }
        var responsibilities = [Double](repeating: 0, count: n * k)
        for i in 0..<n {
            var bestCenter = 0, bestDistance = Double.infinity
            for (c, center) in centers.enumerated() {
                let value = distance(i, center)
                if value < bestDistance { bestDistance = value; bestCenter = c }
            }
            responsibilities[i * k + bestCenter] = 1
        }
        return responsibilities
    }
}
