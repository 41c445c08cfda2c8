/// One half of an ALS iteration by exact solves, as the `implicit` library's `least_squares`
/// (`use_cg=False`) and its `recalculate_user`: each row's normal equations
///
///     (YᵀY + λI + Σ_i (C_i - 1) y_i y_iᵀ) x = Σ_i C_i p_i y_i
///
/// are formed and solved through their Cholesky factor, in Float64. Rows run in parallel, each
/// depending only on the other side's factors, with one work matrix per thread.
enum CholeskyUpdate {
    /// Updates every row of `x` from `y` through `confidences` (see `ConjugateGradientUpdate`);
    /// the first row whose equations are not positive definite (no regularization and too few
    /// pairs), or nil.
    static func update(_ x: FactorMatrix, from y: FactorMatrix, confidences: SparseRows, regularization: Float,
                       workers: Int) -> Int? {
        let gram = y.gram(regularization: regularization, workers: workers)
        let n = y.stride
        let failures = Parallel.blocks(x.rows, size: 32, workers: workers, scratch: { Equations(factors: y.factors) }) { equations, block -> Int? in
            var failed: Int?
            let (rows, others) = (x.storage, y.storage)
            for u in block {
                let range = confidences.range(u)
                let ok = equations.solve(gram: gram, stride: n, pairs: range.lazy.map { (others + Int(confidences.columns[$0]) * n, confidences.values[$0]) },
                                         into: rows + u * n)
                if !ok, failed == nil { failed = u }
            }
            return failed
        }
        return failures.lazy.compactMap { $0 }.first
    }

    /// One row's normal equations and their solve, in work buffers reused row after row.
    final class Equations {
        let factors: Int
        private var matrix: [Double]
        private var vector: [Double]
        private var row: [Double]

        init(factors: Int) {
            self.factors = factors
            matrix = [Double](repeating: 0, count: factors * factors)
            vector = [Double](repeating: 0, count: factors)
            row = [Double](repeating: 0, count: factors)
        }

        /// Solves for `pairs` (each the other side's row, padded to `stride`, and its signed
        /// confidence) and writes the factor into `out` (its padding zero); false, and zeros,
        /// when the equations are not positive definite. No pair gives zeros, as implicit.
        func solve<Pairs: Sequence>(gram: [Float], stride: Int, pairs: Pairs, into out: UnsafeMutablePointer<Float>) -> Bool
        where Pairs.Element == (UnsafeMutablePointer<Float>, Float) {
            let k = factors
            out.update(repeating: 0, count: stride)
            var any = false
            matrix.withUnsafeMutableBufferPointer { a in
                vector.withUnsafeMutableBufferPointer { b in
                    row.withUnsafeMutableBufferPointer { yd in
                        for j in 0..<k {
                            for m in 0...j { a[j * k + m] = Double(gram[j * stride + m]) }
                            b[j] = 0
                        }
                        for (y, value) in pairs {
                            any = true
                            let confidence = Double(abs(value)), preferred = value > 0 ? Double(value) : 0
                            for j in 0..<k { yd[j] = Double(y[j]) }
                            for j in 0..<k {
                                b[j] += preferred * yd[j]
                                // The row's entries side by side (vector lanes), each its own
                                // chain of additions in the pairs' order: the same sums.
                                let scale = (confidence - 1) * yd[j]
                                let entries = a.baseAddress! + j &* k, values = yd.baseAddress!
                                for m in 0..<(j &+ 1) { entries[m] += scale * values[m] }
                            }
                        }
                    }
                }
            }
            guard any else { return true }
            guard CholeskySolve.solveInPlace(&matrix, &vector, dimension: k) else { return false }
            for j in 0..<k { out[j] = Float(vector[j]) }
            return true
        }
    }
}

/// Solving a symmetric positive definite system through its Cholesky factor, in place.
enum CholeskySolve {
    /// Solves `A x = b` for the `d x d` row-major `A` of which the lower triangle is read:
    /// `A` becomes its lower Cholesky factor and `b` the solution; false when `A` is not
    /// positive definite (a pivot that is not a positive finite number).
    static func solveInPlace(_ a: inout [Double], _ b: inout [Double], dimension d: Int) -> Bool {
        a.withUnsafeMutableBufferPointer { a in
            b.withUnsafeMutableBufferPointer { b in
                for i in 0..<d {
                    let row = i * d
                    // Row i's entries four at a time: their sums over the columns before the
                    // four run side by side (four chains of additions, not one), then each takes
                    // the terms of the entries just found, in the same order as one by one.
                    var j0 = 0
                    while j0 <= i {
                        let width = Swift.min(4, i + 1 - j0)
                        // A group narrower than four repeats its last row in the spare chains.
                        let j3 = j0 + width - 1, j1 = Swift.min(j0 + 1, j3), j2 = Swift.min(j0 + 2, j3)
                        var s0 = a[row + j0], s1 = a[row + j1], s2 = a[row + j2], s3 = a[row + j3]
                        for m in 0..<j0 {
                            let left = a[row + m]
                            s0 -= left * a[j0 * d + m]
                            s1 -= left * a[j1 * d + m]
                            s2 -= left * a[j2 * d + m]
                            s3 -= left * a[j3 * d + m]
                        }
                        let sums = (s0, s1, s2, s3)
                        for k in 0..<width {
                            let j = j0 + k
                            var sum = k == 0 ? sums.0 : k == 1 ? sums.1 : k == 2 ? sums.2 : sums.3
                            for m in j0..<j { sum -= a[row + m] * a[j * d + m] }
                            if i == j {
                                guard sum > 0, sum.isFinite else { return false }
                                a[row + i] = sum.squareRoot()
                            } else {
                                a[row + j] = sum / a[j * d + j]
                            }
                        }
                        j0 += width
                    }
                }
                substitute(UnsafeBufferPointer(a), b, dimension: d)
                return true
            }
        }
    }

    /// Solves `L Lᵀ x = b` in place for the `d x d` row-major lower factor `L`: `L z = b`, then
    /// `Lᵀ x = z`.
    static func substitute(_ a: UnsafeBufferPointer<Double>, _ b: UnsafeMutableBufferPointer<Double>, dimension d: Int) {
        for i in 0..<d {
            var sum = b[i]
            for m in 0..<i { sum -= a[i * d + m] * b[m] }
            b[i] = sum / a[i * d + i]
        }
        for i in stride(from: d - 1, through: 0, by: -1) {
            var sum = b[i]
            for m in (i + 1)..<d { sum -= a[m * d + i] * b[m] }
            b[i] = sum / a[i * d + i]
        }
    }
}
