import FoundationEssentials
import Glibc

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
    /// (each walks the forest tree by tree), the blocks on every core: at least two a core, so
    /// that a genre of a thousand songs (msr-cluster's song index) keeps both cores busy.
    public func predictProbabilities(_ matrix: FeatureMatrix) -> [Double] {
        let perCore = (matrix.rowCount + 2 * Parallel.width - 1) / (2 * Parallel.width)
        let size = Swift.min(Self.block, Swift.max(64, perCore))
        return Array(Parallel.blocks(matrix.rowCount, size: size) { blockProbabilities(matrix, $0) }.joined())
    }

    /// Each row's most probable class code (as `predict`) and the mean log loss of `labels` (as
    /// `SoftmaxLoss.logLoss`, summed in the same order: the same bits), block by block: the
    /// rows' probabilities are never held at once (a 200,000-row test split of 114 classes has
    /// 182 MB of them).
    public func predictWithLogLoss(_ matrix: FeatureMatrix, labels: [Int32]) -> (predicted: [Int32], logLoss: Double) {
        precondition(labels.count == matrix.rowCount)
        let classCount = classes.count
        let blocks = Parallel.blocks(matrix.rowCount, size: Self.block) { block -> (predicted: [Int32], logs: [Double]) in
            let probabilities = blockProbabilities(matrix, block)
            let logs = (0..<block.count).map { r in
                SoftmaxLoss.clippedLog(probabilities[r * classCount + Int(labels[block.lowerBound + r])])
            }
            return (Numerics.argmax(probabilities, width: classCount), logs)
        }
        var total = 0.0
        for block in blocks { for value in block.logs { total -= value } }
        return (blocks.flatMap(\.predicted), total / Double(labels.count))
    }

    /// Rows a block of `predictProbabilities` holds.
    static let block = 1024

    /// The probabilities of the rows in `block`, row-major.
    private func blockProbabilities(_ matrix: FeatureMatrix, _ block: Range<Int>) -> [Double] {
        let n = matrix.rowCount, classCount = classes.count, features = matrix.columnCount
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

    /// The most probable class code of each row (the first on ties, as numpy's argmax).
    public func predict(_ matrix: FeatureMatrix) -> [Int32] {
        Numerics.argmax(predictProbabilities(matrix), width: classes.count)
    }
}
