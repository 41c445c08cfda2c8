import FoundationEssentials
import Glibc

/// Multi-class log loss on raw scores (one per class), through the softmax: the loss every
/// multi-class booster here minimises.
///
/// Gradients and hessians are scikit-learn's HistGradientBoosting ones: for class `k` with
/// probability `p`, `p - [y == k]` and `p (1 - p)`.
public enum SoftmaxLoss {
    /// Probabilities from raw scores, in place (`scores` has `classes` values per row).
    @inline(__always)
    public static func softmax(_ scores: UnsafeMutablePointer<Double>, classes: Int) {
        var largest = -Double.infinity
        for k in 0..<classes { largest = max(largest, scores[k]) }
        var sum = 0.0
        for k in 0..<classes {
            scores[k] = exp(scores[k] - largest)
            sum += scores[k]
        }
        for k in 0..<classes { scores[k] /= sum }
    }

    /// The `(gradient, hessian)` pair of every class and row, class-major (`pairs[k * n + i]`:
    /// a tree reads a row's two at once), from the class-major raw scores `scores[k * n + i]`
    /// and the labels; rows in blocks on every core.
    public static func gradients(scores: [Double], labels: [Int32], classes: Int, into pairs: inout [SIMD2<Double>]) {
        let n = labels.count
        scores.withUnsafeBufferPointer { scores in
            labels.withUnsafeBufferPointer { labels in
                pairs.withUnsafeMutableBufferPointer { pairs in
                    let shared = Buffers(scores: scores, labels: labels, pairs: pairs)
                    // A block per core at least (the embedded data's 8,539 rows are
                    // one block of 16,384 otherwise: a serial step between rounds).
                    _ = Parallel.blocks(n, size: min(16_384, max(1024, (n + Parallel.width - 1) / Parallel.width))) { block in
                        var probabilities = [Double](repeating: 0, count: classes)
                        probabilities.withUnsafeMutableBufferPointer { p in
                            for i in block {
                                for k in 0..<classes { p[k] = shared.scores[k * n + i] }
                                softmax(p.baseAddress!, classes: classes)
                                let label = Int(shared.labels[i])
                                for k in 0..<classes {
                                    let probability = p[k]
                                    shared.pairs[k * n + i] = SIMD2(probability - (k == label ? 1 : 0),
                                                                    max(probability * (1 - probability), 1e-16))
                                }
                            }
                        }
                        return 0
                    }
                }
            }
        }
    }

    /// The buffers the row blocks share; each block writes only its own rows.
    private struct Buffers: @unchecked Sendable {
        let scores: UnsafeBufferPointer<Double>
        let labels: UnsafeBufferPointer<Int32>
        let pairs: UnsafeMutableBufferPointer<SIMD2<Double>>
    }

    /// Mean negative log-likelihood of the labels under row-major probabilities, each clipped
    /// to [1e-15, 1 - 1e-15] as scikit-learn's `log_loss` does.
    public static func logLoss(probabilities: [Double], labels: [Int32], classes: Int) -> Double {
        var total = 0.0
        for (i, label) in labels.enumerated() { total -= clippedLog(probabilities[i * classes + Int(label)]) }
        return total / Double(labels.count)
    }

    /// The log of a probability clipped to [1e-15, 1 - 1e-15]: one row's term of `logLoss`.
    @inline(__always)
    static func clippedLog(_ probability: Double) -> Double {
        log(min(max(probability, 1e-15), 1 - 1e-15))
    }
}
