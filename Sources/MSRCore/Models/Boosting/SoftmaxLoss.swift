import Foundation

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

    /// Gradients and hessians of every class, class-major (`gradient[k * n + i]`), from the
    /// row-major raw scores `scores[i * classes + k]` and the labels.
    public static func gradients(scores: [Double], labels: [Int32], classes: Int,
                                 gradient: inout [Double], hessian: inout [Double]) {
        let n = labels.count
        var probabilities = [Double](repeating: 0, count: classes)
        probabilities.withUnsafeMutableBufferPointer { p in
            for i in 0..<n {
                for k in 0..<classes { p[k] = scores[i * classes + k] }
                softmax(p.baseAddress!, classes: classes)
                let label = Int(labels[i])
                for k in 0..<classes {
                    let probability = p[k]
                    gradient[k * n + i] = probability - (k == label ? 1 : 0)
                    hessian[k * n + i] = max(probability * (1 - probability), 1e-16)
                }
            }
        }
    }

    /// Mean negative log-likelihood of the labels under row-major probabilities, each clipped
    /// to [1e-15, 1 - 1e-15] as scikit-learn's `log_loss` does.
    public static func logLoss(probabilities: [Double], labels: [Int32], classes: Int) -> Double {
        var total = 0.0
        for (i, label) in labels.enumerated() {
            let p = min(max(probabilities[i * classes + Int(label)], 1e-15), 1 - 1e-15)
            total -= log(p)
        }
        return total / Double(labels.count)
    }
}
