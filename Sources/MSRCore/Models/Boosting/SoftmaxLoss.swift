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

    /// The probability of every class and row, class-major (`probabilities[k * n + i]`), from
    /// the class-major raw scores `scores[k * n + i]` (`rows` per class); rows in blocks on every
    /// core. A class's trees take their gradients from them (`pair`): the probabilities are half
    /// the memory of the gradient pairs (730 MB against 1.46 GB for 800,000 rows and 114 classes).
    public static func probabilities(scores: [Double], rows n: Int, classes: Int, into probabilities: inout [Double]) {
        scores.withUnsafeBufferPointer { scores in
            probabilities.withUnsafeMutableBufferPointer { probabilities in
                let shared = Buffers(scores: scores, probabilities: probabilities)
                // A block per core at least (the embedded data's 8,539 rows are
                // one block of 16,384 otherwise: a serial step between rounds).
                _ = Parallel.blocks(n, size: min(16_384, max(1024, (n + Parallel.width - 1) / Parallel.width))) { block in
                    var row = [Double](repeating: 0, count: classes)
                    row.withUnsafeMutableBufferPointer { p in
                        for i in block {
                            for k in 0..<classes { p[k] = shared.scores[k * n + i] }
                            softmax(p.baseAddress!, classes: classes)
                            for k in 0..<classes { shared.probabilities[k * n + i] = p[k] }
                        }
                    }
                    return 0
                }
            }
        }
    }

    /// The `(gradient, hessian)` of a row for a class it has `probability` of, `isLabel` when
    /// the class is the row's label: `p - [y == k]` and `p (1 - p)` (at least 1e-16).
    @inline(__always)
    public static func pair(_ probability: Double, isLabel: Bool) -> SIMD2<Double> {
        SIMD2(probability - (isLabel ? 1 : 0), max(probability * (1 - probability), 1e-16))
    }

    /// The buffers the row blocks share; each block writes only its own rows.
    private struct Buffers: @unchecked Sendable {
        let scores: UnsafeBufferPointer<Double>
        let probabilities: UnsafeMutableBufferPointer<Double>
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
