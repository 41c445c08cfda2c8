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
        /// After a solve, the Cholesky factor (lower triangle) and the solution in Float64.
        private(set) var matrix: [Double]
        private(set) var vector: [Double]
        /// A batch of pairs: each one's row in Float64 and its terms' scales, `factors` values each.
        private var rows: [Double]
        private var scales: [Double]
        /// Pairs a batch: each lower-triangle entry takes a batch's terms while in a register.
        static let batch = 16

        init(factors: Int) {
            self.factors = factors
            matrix = [Double](repeating: 0, count: factors * factors)
            vector = [Double](repeating: 0, count: factors)
            rows = [Double](repeating: 0, count: Self.batch * factors)
            scales = [Double](repeating: 0, count: Self.batch * factors)
        }

        /// Solves for `pairs` (each the other side's row, padded to `stride`, and its signed
        /// confidence) and writes the factor into `out` (its padding zero); false, and zeros,
        /// when the equations are not positive definite. No pair gives zeros, as implicit.
        ///
        /// Each entry of the lower triangle (`CholeskySolve` reads no other) sums its terms
        /// `((C - 1) y_j) y_m` in the pairs' order, as one pair after another would; four
        /// entries side by side take a batch of pairs' terms before they are stored again.
        func solve<Pairs: Sequence>(gram: [Float], stride: Int, pairs: Pairs, into out: UnsafeMutablePointer<Float>) -> Bool
        where Pairs.Element == (UnsafeMutablePointer<Float>, Float) {
            let k = factors
            out.update(repeating: 0, count: stride)
            var any = false
            matrix.withUnsafeMutableBufferPointer { a in
                vector.withUnsafeMutableBufferPointer { b in
                    rows.withUnsafeMutableBufferPointer { rows in
                        scales.withUnsafeMutableBufferPointer { scales in
                            let a = a.baseAddress!, b = b.baseAddress!, rows = rows.baseAddress!, scales = scales.baseAddress!
                            for j in 0..<k {
                                for m in 0...j { a[j &* k &+ m] = Double(gram[j &* stride &+ m]) }
                                b[j] = 0
                            }
                            var filled = 0
                            for (y, value) in pairs {
                                any = true
                                let confidence = Double(abs(value)), preferred = value > 0 ? Double(value) : 0
                                let row = rows + filled &* k, scale = scales + filled &* k
                                for j in 0..<k {
                                    let yj = Double(y[j])
                                    row[j] = yj
                                    scale[j] = (confidence - 1) * yj
                                    b[j] += preferred * yj
                                }
                                filled &+= 1
                                if filled == Self.batch {
                                    Self.add(filled, rows: rows, scales: scales, to: a, k)
                                    filled = 0
                                }
                            }
                            if filled > 0 { Self.add(filled, rows: rows, scales: scales, to: a, k) }
                        }
                    }
                }
            }
            guard any else { return true }
            guard CholeskySolve.solveInPlace(&matrix, &vector, dimension: k) else { return false }
            for j in 0..<k { out[j] = Float(vector[j]) }
            return true
        }

        /// Adds `count` pairs' terms `scales[p][j] * rows[p][m]` to each entry `a[j][m]`, m <= j,
        /// in pair order: four entries side by side where the row has room for them (a chunk
        /// reaching past the diagonal adds to upper entries, which nothing reads), one by one
        /// at the end of a row otherwise.
        private static func add(_ count: Int, rows: UnsafePointer<Double>, scales: UnsafePointer<Double>,
                                to a: UnsafeMutablePointer<Double>, _ k: Int) {
            for j in 0..<k {
                let entries = a + j &* k
                var m = 0
                while m <= j {
                    if m &+ 4 <= k {
                        var sum = UnsafeRawPointer(entries + m).loadUnaligned(as: SIMD4<Double>.self)
                        for p in 0..<count {
                            let scale = SIMD4<Double>(repeating: scales[p &* k &+ j])
                            let values = rows + (p &* k &+ m)
                            let terms: SIMD4<Double> = scale * UnsafeRawPointer(values).loadUnaligned(as: SIMD4<Double>.self)
                            sum += terms
                        }
                        UnsafeMutableRawPointer(entries + m).storeBytes(of: sum, as: SIMD4<Double>.self)
                        m &+= 4
                    } else {
                        var sum = entries[m]
                        for p in 0..<count { sum += scales[p &* k &+ j] * rows[p &* k &+ m] }
                        entries[m] = sum
                        m &+= 1
                    }
                }
            }
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
                withUnsafeTemporaryAllocation(of: Double.self, capacity: d) { column in
                    let a = a.baseAddress!, column = column.baseAddress!
                    // Column by column: column m's pivot and entries become final, then every entry
                    // right of it and below takes its term `L[i][m] L[j][m]`. Each entry thus gets
                    // its terms in the order of the row-by-row factorisation (m ascending) and the
                    // same bits, but the terms of one column go to independent entries, side by
                    // side in vector lanes, instead of each entry's sum waiting on its previous term.
                    for m in 0..<d {
                        let pivot = a[m &* d &+ m]
                        guard pivot > 0, pivot.isFinite else { return false }
                        let root = pivot.squareRoot()
                        a[m &* d &+ m] = root
                        for i in (m &+ 1)..<d {
                            a[i &* d &+ m] /= root
                            column[i] = a[i &* d &+ m]
                        }
                        for i in (m &+ 1)..<d {
                            let left = column[i], row = a + i &* d
                            for j in (m &+ 1)...i { row[j] -= left * column[j] }
                        }
                    }
                    substitute(UnsafeBufferPointer(start: a, count: d * d), b, dimension: d)
                    return true
                }
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
