import Glibc

/// The logistic loss of one class against the rest (`train.objective: multiclassova`): a row's
/// probability of the class is `σ(s) = 1 / (1 + e^-s)` of its raw score `s`; its gradient
/// `σ(s) - y` and hessian `σ(s)(1 - σ(s))` (at least 1e-16, as the softmax's), computed in
/// Float64 and kept in Float32 (as LightGBM keeps its gradients): the tree grower sums them in
/// Float64.
enum LogisticLoss {
    /// Every row's `(gradient, hessian)` for the class `label` from its raw scores, four rows
    /// at a time (`Numerics.exponentials`).
    static func pairs(scores: UnsafePointer<Double>, labels: UnsafePointer<Int32>, label: Int32, rows n: Int,
                      into pairs: UnsafeMutablePointer<FloatPair>) {
        @inline(__always)
        func quad(_ s: SIMD4<Double>, _ isLabel: SIMD4<Double>) -> (SIMD4<Double>, SIMD4<Double>) {
            // e^-|s| is at most 1: σ(s) = 1 / (1 + e) for s >= 0, e / (1 + e) below.
            let e = Numerics.exponentials(s.replacing(with: -s, where: s .> 0)), whole = 1 + e
            let p = (1 / whole).replacing(with: e / whole, where: s .< 0)
            return SoftmaxLoss.gradientPairs(probabilities: p, isLabel: isLabel)
        }
        var i = 0
        while i + 4 <= n {
            let (g, h) = quad(SoftmaxLoss.load(scores + i), SoftmaxLoss.isLabel(labels + i, label))
            let (g32, h32) = (SIMD4<Float>(g), SIMD4<Float>(h))
            UnsafeMutableRawPointer(pairs + i).storeBytes(of: SIMD8(g32[0], h32[0], g32[1], h32[1], g32[2], h32[2], g32[3], h32[3]),
                                                          as: SIMD8<Float>.self)
            i += 4
        }
        if i == n { return }
        var s = SIMD4<Double>.zero, isLabel = SIMD4<Double>.zero
        for l in 0..<(n - i) {
            s[l] = scores[i + l]
            isLabel[l] = labels[i + l] == label ? 1 : 0
        }
        let (g, h) = quad(s, isLabel)
        for l in 0..<(n - i) { pairs[i + l] = FloatPair(pair: SIMD2(Float(g[l]), Float(h[l]))) }
    }

    /// The raw score a class's booster starts from: the log-odds of the class among `rows`
    /// (`count` of them hold it; an absent class, or one every row holds, counts 1e-3 rows
    /// short, as the softmax's baseline counts an absent class).
    static func baseline(count: Int, of rows: Int) -> Double {
        let inside = max(Double(count), 1e-3), outside = max(Double(rows - count), 1e-3)
        return log(inside / outside)
    }
}
