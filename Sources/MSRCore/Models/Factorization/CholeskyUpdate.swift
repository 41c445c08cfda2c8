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
        /// The rows' stride of `matrix` and of a batch's rows and scales (`CholeskySolve.stride`):
        /// zero padding past `factors`, which four-wide chunks from any diagonal entry reach.
        let width: Int
        /// After a solve, the Cholesky factor (`CholeskySolve`'s layout: the upper triangle,
        /// `factors` rows of `width`) and the solution in Float64.
        private(set) var matrix: [Double]
        private(set) var vector: [Double]
        /// A batch of pairs: each one's row in Float64 and its terms' scales, `width` values each.
        private var rows: [Double]
        private var scales: [Double]
        /// Pairs a batch: each upper-triangle entry takes a batch's terms while in a register.
        static let batch = 16

        /// The buffers left uninitialized where a solve writes before it reads (the matrix's
        /// rows and the vector, each solve; a batch's first `factors` values): a fold-in makes one
        /// per playlist, and zeroing 50 KB was 5% of a hybrid recommendation's instructions.
        init(factors: Int) {
            self.factors = factors
            let w = CholeskySolve.stride(factors)
            width = w
            matrix = [Double](unsafeUninitializedCapacity: factors * w) { $1 = factors * w }
            vector = [Double](unsafeUninitializedCapacity: factors) { $1 = factors }
            let padded = { (buffer: inout UnsafeMutableBufferPointer<Double>, count: inout Int) in
                for p in 0..<Self.batch { (buffer.baseAddress! + p * w + factors).initialize(repeating: 0, count: w - factors) }
                count = Self.batch * w
            }
            rows = [Double](unsafeUninitializedCapacity: Self.batch * w, initializingWith: padded)
            scales = [Double](unsafeUninitializedCapacity: Self.batch * w, initializingWith: padded)
        }

        /// Solves for `pairs` (each the other side's row, padded to `stride`, and its signed
        /// confidence) and writes the factor into `out` (its padding zero); false, and zeros,
        /// when the equations are not positive definite. No pair gives zeros, as implicit.
        ///
        /// Each entry `(m, j)`, `m <= j`, of the upper triangle (`CholeskySolve` reads no other)
        /// sums its terms `((C - 1) y_j) y_m` in the pairs' order, as one pair after another
        /// would; four entries side by side take a batch of pairs' terms before they are stored
        /// again.
        func solve<Pairs: Sequence>(gram: [Float], stride: Int, pairs: Pairs, into out: UnsafeMutablePointer<Float>) -> Bool
        where Pairs.Element == (UnsafeMutablePointer<Float>, Float) {
            let k = factors, w = width
            out.update(repeating: 0, count: stride)
            var any = false
            matrix.withUnsafeMutableBufferPointer { a in
                vector.withUnsafeMutableBufferPointer { b in
                    rows.withUnsafeMutableBufferPointer { rows in
                        scales.withUnsafeMutableBufferPointer { scales in
                            let a = a.baseAddress!, b = b.baseAddress!, rows = rows.baseAddress!, scales = scales.baseAddress!
                            for m in 0..<k {
                                let row = a + m &* w
                                for j in m..<k { row[j] = Double(gram[j &* stride &+ m]) }
                                for j in k..<w { row[j] = 0 }
                                b[m] = 0
                            }
                            var filled = 0
                            for (y, value) in pairs {
                                any = true
                                let confidence = Double(abs(value)), preferred = value > 0 ? Double(value) : 0
                                let row = rows + filled &* w, scale = scales + filled &* w
                                for j in 0..<k {
                                    let yj = Double(y[j])
                                    row[j] = yj
                                    scale[j] = (confidence - 1) * yj
                                    b[j] += preferred * yj
                                }
                                filled &+= 1
                                if filled == Self.batch {
                                    Self.add(filled, rows: rows, scales: scales, to: a, k, w)
                                    filled = 0
                                }
                            }
                            if filled > 0 { Self.add(filled, rows: rows, scales: scales, to: a, k, w) }
                        }
                    }
                }
            }
            guard any else { return true }
            guard CholeskySolve.solveInPlace(&matrix, &vector, dimension: k) else { return false }
            for j in 0..<k { out[j] = Float(vector[j]) }
            return true
        }

        /// Adds `count` pairs' terms `scales[p][j] * rows[p][m]` to each entry `a[m][j]`, j >= m,
        /// in pair order, eight (then four) entries side by side from the diagonal on (the last
        /// chunk of a row adds zeros to its padding, which is at least three wide).
        private static func add(_ count: Int, rows: UnsafePointer<Double>, scales: UnsafePointer<Double>,
                                to a: UnsafeMutablePointer<Double>, _ k: Int, _ w: Int) {
            for m in 0..<k {
                let entries = a + m &* w
                var j = m
                while j &+ 4 < k {
                    addChunk(SIMD8<Double>.self, count, rows: rows, scales: scales, to: entries, row: m, at: j, w)
                    j &+= 8
                }
                while j < k {
                    addChunk(SIMD4<Double>.self, count, rows: rows, scales: scales, to: entries, row: m, at: j, w)
                    j &+= 4
                }
            }
        }

        /// Adds `count` pairs' terms `scales[p][j] * rows[p][m]` to the entries `j ..< j +
        /// V.scalarCount` of row `m` (at `entries`), in pair order, their sums in registers.
        @inline(__always)
        private static func addChunk<V: SIMD>(_: V.Type, _ count: Int, rows: UnsafePointer<Double>, scales: UnsafePointer<Double>,
                                             to entries: UnsafeMutablePointer<Double>, row m: Int, at j: Int, _ w: Int)
        where V.Scalar == Double {
            var sum = UnsafeRawPointer(entries + j).loadUnaligned(as: V.self)
            for p in 0..<count {
                let terms: V = UnsafeRawPointer(scales + (p &* w &+ j)).loadUnaligned(as: V.self) * V(repeating: rows[p &* w &+ m])
                sum += terms
            }
            UnsafeMutableRawPointer(entries + j).storeBytes(of: sum, as: V.self)
        }
    }
}

/// Solving a symmetric positive definite system through its Cholesky factor, in place.
enum CholeskySolve {
    /// The row stride of the matrices `solveInPlace` takes for `d` unknowns: at least `d + 3`,
    /// a multiple of four, so that a four-wide chunk from any diagonal entry stays in its row.
    static func stride(_ d: Int) -> Int { (d + 6) & ~3 }

    /// Solves `A x = b` for the `d x d` symmetric `A` held in `d` rows of `stride(d)` values, of
    /// which the upper triangle is read and the padding past column `d` must be zero: `A`
    /// becomes its upper Cholesky factor `U = Lᵀ` (`A = Uᵀ U`) and `b` the solution; false when
    /// `A` is not positive definite (a pivot that is not a positive finite number).
    ///
    /// Row by row of `U`, each entry `U[r][c] = (A[r][c] - Σ_{m<r} U[m][r] U[m][c]) / U[r][r]`
    /// (the pivot's square root on the diagonal) sums its terms in ascending `m`: the plain
    /// row-by-row factorisation of `L`, bit for bit, but sixteen (or four) entries of a row side
    /// by side in vector lanes, their sums held in registers. The padding stays zero.
    static func solveInPlace(_ a: inout [Double], _ b: inout [Double], dimension d: Int) -> Bool {
        let w = stride(d)
        precondition(a.count >= d * w && b.count >= d)
        return a.withUnsafeMutableBufferPointer { a in
            b.withUnsafeMutableBufferPointer { b in
                let a = a.baseAddress!
                for r in 0..<d {
                    var root = 0.0, c = r
                    while c < d {
                        if d &- c > 12 {
                            guard chunk(SIMD16<Double>.self, a, row: r, at: c, stride: w, root: &root) else { return false }
                            c &+= 16
                        } else {
                            guard chunk(SIMD4<Double>.self, a, row: r, at: c, stride: w, root: &root) else { return false }
                            c &+= 4
                        }
                    }
                }
                substitute(UnsafeBufferPointer(start: a, count: d * w), b, dimension: d)
                return true
            }
        }
    }

    /// Entries `c ..< c + V.scalarCount` of row `r` of `U`: their sums over the rows above, in
    /// ascending order, divided by the row's `root`, which the chunk holding the diagonal
    /// (`c == r`) sets to its pivot's square root; false for a pivot that is not a positive
    /// finite number.
    @inline(__always)
    private static func chunk<V: SIMD>(_: V.Type, _ a: UnsafeMutablePointer<Double>, row r: Int, at c: Int, stride w: Int,
                                       root: inout Double) -> Bool where V.Scalar == Double {
        let row = a + r &* w
        var sum = UnsafeRawPointer(row + c).loadUnaligned(as: V.self)
        for m in 0..<r {
            let top = a + m &* w
            let terms: V = V(repeating: top[r]) * UnsafeRawPointer(top + c).loadUnaligned(as: V.self)
            sum -= terms
        }
        if c == r {
            guard sum[0] > 0, sum[0].isFinite else { return false }
            root = sum[0].squareRoot()
        }
        var values = sum / V(repeating: root)
        if c == r { values[0] = root }
        UnsafeMutableRawPointer(row + c).storeBytes(of: values, as: V.self)
        return true
    }

    /// Solves `Uᵀ U x = b` in place for the upper factor `U` in `solveInPlace`'s layout:
    /// `Uᵀ z = b`, then `U x = z`. Each value takes its terms in the order of the plain
    /// substitution through the lower factor `L = Uᵀ` (ascending), the first pass row by row of
    /// `U`, so that its terms go to independent values side by side (four in a vector: the
    /// same multiplication and subtraction for each).
    static func substitute(_ a: UnsafeBufferPointer<Double>, _ b: UnsafeMutableBufferPointer<Double>, dimension d: Int) {
        let w = stride(d)
        precondition(a.count >= d * w && b.count >= d)
        guard d > 0 else { return }  // an empty buffer may have no base address
        let x = b.baseAddress!
        for m in 0..<d {
            let top = a.baseAddress! + m &* w, z = x[m] / top[m]
            x[m] = z
            let zs = SIMD4<Double>(repeating: z)
            var i = m &+ 1
            while i &+ 4 <= d {
                let terms = UnsafeRawPointer(top + i).loadUnaligned(as: SIMD4<Double>.self) * zs
                UnsafeMutableRawPointer(x + i).storeBytes(of: UnsafeRawPointer(x + i).loadUnaligned(as: SIMD4<Double>.self) - terms,
                                                          as: SIMD4<Double>.self)
                i &+= 4
            }
            while i < d {
                x[i] -= top[i] * z
                i &+= 1
            }
        }
        for i in Swift.stride(from: d - 1, through: 0, by: -1) {
            var sum = b[i]
            for m in (i + 1)..<d { sum -= a[i * w + m] * b[m] }
            b[i] = sum / a[i * w + i]
        }
    }
}
