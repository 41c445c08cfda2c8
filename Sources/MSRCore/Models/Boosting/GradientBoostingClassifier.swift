import Foundation

/// A multi-class gradient-boosted trees classifier on histograms (LightGBM's and scikit-learn's
/// HistGradientBoosting design): features binned to UInt8, one regression tree per class per
/// round fitted to the softmax loss's gradients, leaves grown best first.
///
/// The trees of a round are independent given the round's gradients, so they grow concurrently,
/// one class per core; scores are updated once the round is complete, so the result does not
/// depend on the number of cores.
public struct GradientBoostingClassifier: Sendable, Equatable {
    public var classes: [String]
    public var featureNames: [String]
    /// The raw score every row starts from: the log of each class's share of the training rows.
    public var baseline: [Double]
    /// Tree `round * classes.count + k` adds to class `k`'s raw score.
    public var forest: Forest
    /// Total gain of the splits on each feature.
    public var importance: [Double]
    /// Validation loss after each round, when early stopping held rows out.
    public var validationLoss: [Double] = []

    public var rounds: Int { forest.treeCount / max(classes.count, 1) }

    public init(classes: [String], featureNames: [String], baseline: [Double], forest: Forest,
                importance: [Double]) {
        self.classes = classes
        self.featureNames = featureNames
        self.baseline = baseline
        self.forest = forest
        self.importance = importance
    }

    /// Class probabilities, row-major (`result[i * classes.count + k]`); rows in blocks of 64
    /// (each walks the forest tree by tree), the blocks on every core.
    public func predictProbabilities(_ matrix: FeatureMatrix) -> [Double] {
        let n = matrix.rowCount, classCount = classes.count, features = matrix.columnCount
        let blocks = Parallel.blocks(n, size: 1024) { block -> [Double] in
            var result = [Double](repeating: 0, count: block.count * classCount)
            var rows = [Double](repeating: 0, count: 64 * features)
            matrix.values.withUnsafeBufferPointer { values in
                result.withUnsafeMutableBufferPointer { out in
                    rows.withUnsafeMutableBufferPointer { rows in
                        for start in stride(from: 0, to: block.count, by: 64) {
                            let count = min(64, block.count - start)
                            for r in 0..<count {
                                for j in 0..<features { rows[r * features + j] = values[j * n + block.lowerBound + start + r] }
                            }
                            let scores = out.baseAddress! + start * classCount
                            for r in 0..<count { for k in 0..<classCount { scores[r * classCount + k] = baseline[k] } }
                            forest.accumulate(rows: rows.baseAddress!, count: count, features: features, into: scores, classes: classCount)
                            for r in 0..<count { SoftmaxLoss.softmax(scores + r * classCount, classes: classCount) }
                        }
                    }
                }
            }
            return result
        }
        return Array(blocks.joined())
    }

    /// The most probable class code of each row (the first on ties, as numpy's argmax).
    public func predict(_ matrix: FeatureMatrix) -> [Int32] {
        Numerics.argmax(predictProbabilities(matrix), width: classes.count)
    }
}
