extension ImplicitALS {
    /// The training loss as the `implicit` library's `calculate_loss` defines it:
    ///
    ///     (Σ_(p,t) C_pt (p_pt - x_p · y_t)² + λ (|X|² + |Y|²)) / (Σ_pairs C + playlists x tracks - pairs)
    ///
    /// over every pair of the matrix, present or not, without forming the absent ones: a row's
    /// term is `x (YᵀY) x` plus its pairs' corrections. Row blocks are summed in Float64, in
    /// order, so the loss does not depend on the threads.
    static func loss(_ confidences: SparseRows, _ x: FactorMatrix, _ y: FactorMatrix, regularization: Float, workers: Int) -> Double {
        let gram = y.gram(workers: workers)
        let n = y.stride
        struct Part { var loss = 0.0, confidence = 0.0, norm = 0.0 }
        let parts = Parallel.blocks(x.rows, size: 256, workers: workers, scratch: { WorkVectors(count: 2, length: n) }) { work, block -> Part in
            var part = Part()
            let r = work[0]
            let (rows, others) = (x.storage, y.storage)
            gram.withUnsafeBufferPointer { gram in
                confidences.columns.withUnsafeBufferPointer { columns in
                    confidences.values.withUnsafeBufferPointer { values in
                        for u in block {
                            let xu = rows + u * n
                            FactorKernels.symmetricProduct(gram.baseAddress!, xu, r, n)
                            var pairs = 0.0
                            FactorKernels.accumulate(confidences.range(u), columns: columns, y: others, xu, into: r, n,
                                                     weights: work[1], chunk: n) { k, dot in
                                let value = values[k]
                                let confidence = abs(value), preferred = value > 0 ? value : 0
                                part.confidence += Double(confidence)
                                pairs += Double(preferred)
                                return -2 * preferred + (confidence - 1) * dot
                            }
                            part.loss += pairs + Double(FactorKernels.dot(r, xu, n))
                            part.norm += Double(FactorKernels.dot(xu, xu, n))
                        }
                    }
                }
            }
            return part
        }
        let norms = Parallel.blocks(y.rows, size: 4096, workers: workers, scratch: {}) { _, block in
            block.reduce(0.0) { $0 + Double(FactorKernels.dot(y.row($1), y.row($1), n)) }
        }
        var total = Part()
        for part in parts {
            total.loss += part.loss
            total.confidence += part.confidence
            total.norm += part.norm
        }
        let itemNorm = norms.reduce(0, +)
        let loss = total.loss + Double(regularization) * (itemNorm + total.norm)
        return loss / (total.confidence + Double(x.rows) * Double(y.rows) - Double(confidences.entryCount))
    }
}
