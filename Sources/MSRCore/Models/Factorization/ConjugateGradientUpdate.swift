/// One half of an ALS iteration by conjugate gradient (Takács, Pilászy and Tikk 2011), as the
/// `implicit` library's `least_squares_cg`: each row's factor x starts from its previous value
/// and takes `steps` conjugate-gradient steps on its normal equations
///
///     (YᵀY + λI + Σ_i (C_i - 1) y_i y_iᵀ) x = Σ_i C_i p_i y_i
///
/// never forming the matrix: `YᵀY + λI` is computed once for every row, and the row's own
/// terms come from its pairs. Rows run in parallel, each depending only on the other side's
/// factors, with one set of work vectors per thread (the fourth holds a chunk of `stride`
/// pairs' weights, `FactorKernels.accumulate`).
enum ConjugateGradientUpdate {
    /// Updates every row of `x` from `y` through `confidences` (rows of `x` by columns of `y`;
    /// a value is +C for a preferred pair, -C for a pair of preference 0, `ConfidenceMatrix`).
    static func update(_ x: FactorMatrix, from y: FactorMatrix, confidences: SparseRows, regularization: Float,
                       steps: Int, workers: Int) {
        let gram = y.gram(regularization: regularization, workers: workers)
        let n = x.stride
        _ = Parallel.blocks(x.rows, size: 32, workers: workers, scratch: { WorkVectors(count: 4, length: n) }) { work, block in
            // Plain pointers in the loops: no reference counting of the shared matrices per pair.
            let (rows, others) = (x.storage, UnsafePointer(y.storage))
            gram.withUnsafeBufferPointer { gram in
                confidences.columns.withUnsafeBufferPointer { columns in
                    confidences.values.withUnsafeBufferPointer { values in
                        for u in block {
                            solveRow(rows + u * n, range: confidences.range(u), columns: columns, values: values, y: others,
                                     stride: n, gram: gram.baseAddress!, steps: steps, work: work)
                        }
                    }
                }
            }
        }
    }

    /// `steps` conjugate-gradient steps of one row from its current value, in place; `y` holds
    /// the other side's rows of `stride` values.
    @inline(__always)
    static func solveRow(_ x: UnsafeMutablePointer<Float>, range: Range<Int>, columns: UnsafeBufferPointer<Int32>,
                         values: UnsafeBufferPointer<Float>, y: UnsafePointer<Float>, stride n: Int, gram: UnsafePointer<Float>,
                         steps: Int, work: WorkVectors) {
        guard !range.isEmpty else {
            x.update(repeating: 0, count: n)
            return
        }
        let r = work[0], p = work[1], ap = work[2], weights = work[3]
        // r = b - A x
        FactorKernels.symmetricProduct(gram, x, r, n, sign: -1)
        FactorKernels.accumulate(range, columns: columns, y: y, x, into: r, n, weights: weights, chunk: n) { k, dot in
            let value = values[k]
            return (value > 0 ? value : 0) - (abs(value) - 1) * dot
        }
        p.update(from: r, count: n)
        var rsOld = FactorKernels.dot(r, r, n)
        guard rsOld >= 1e-20 else { return }
        for _ in 0..<steps {
            // Ap = A p
            FactorKernels.symmetricProduct(gram, p, ap, n)
            FactorKernels.accumulate(range, columns: columns, y: y, p, into: ap, n, weights: weights, chunk: n) { k, dot in
                (abs(values[k]) - 1) * dot
            }
            let step = rsOld / FactorKernels.dot(p, ap, n)
            FactorKernels.axpy(step, p, x, n)
            FactorKernels.axpy(-step, ap, r, n)
            let rsNew = FactorKernels.dot(r, r, n)
            if rsNew < 1e-20 { break }
            FactorKernels.scaleAdd(r, rsNew / rsOld, p, n)
            rsOld = rsNew
        }
    }
}

/// Work vectors of one thread, allocated once and reused for every row it solves.
final class WorkVectors {
    private let storage: UnsafeMutablePointer<Float>
    private let length: Int

    init(count: Int, length: Int) {
        self.length = length
        storage = .allocate(capacity: Swift.max(1, count * length))
        storage.initialize(repeating: 0, count: Swift.max(1, count * length))
    }

    deinit { storage.deallocate() }

    subscript(i: Int) -> UnsafeMutablePointer<Float> { storage + i * length }
}
