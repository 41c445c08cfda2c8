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

    /// Fits on `matrix` with class codes `labels` (0..<classes.count).
    ///
    /// `progress(round, rounds)` is called after each round.
    public static func fit(_ matrix: FeatureMatrix, labels: [Int32], classes: [String], featureNames: [String],
                           params: BoostingParams, progress: ((Int, Int) -> Void)? = nil) throws -> GradientBoostingClassifier {
        let n = matrix.rowCount, classCount = classes.count, features = matrix.columnCount
        guard n >= 2, classCount >= 2 else {
            throw MSRError(.badData, "training needs at least 2 rows and 2 classes, got \(n) rows and \(classCount) classes")
        }
        // Rows fitted on, and rows held out for early stopping.
        var fitRows = Array(0..<n), heldOut: [Int] = []
        if params.earlyStopping {
            let split = try TrainTestSplit(count: n, testSize: params.validationFraction, seed: params.randomState, strata: labels)
            fitRows = split.train.sorted()
            heldOut = split.test.sorted()
        }
        let binner = FeatureBinner(matrix: matrix, rows: fitRows, maxBins: params.maxBins)
        let binned = BinnedMatrix(matrix, binner: binner)
        let layout = Histogram.Layout(binCounts: (0..<features).map(binner.binCount))

        var classCounts = [Double](repeating: 0, count: classCount)
        for row in fitRows { classCounts[Int(labels[row])] += 1 }
        let baseline = classCounts.map { log(max($0, 1e-3) / Double(fitRows.count)) }
        // Raw scores, class-major (`scores[k * n + i]`): each class's trees update a region of
        // their own, so the classes of a round grow concurrently without sharing a cache line.
        var scores = [Double](repeating: 0, count: n * classCount)
        for k in 0..<classCount { for i in 0..<n { scores[k * n + i] = baseline[k] } }

        var gradient = [Double](repeating: 0, count: n * classCount)
        var hessian = [Double](repeating: 0, count: n * classCount)
        var trees: [RegressionTree] = []
        var importance = [Double](repeating: 0, count: features)
        var validationLoss: [Double] = []
        var bestLoss = Double.infinity, roundsWithoutGain = 0
        var generator = SplitMix64(seed: params.randomState)
        let finder = SplitFinder(l2: params.l2Regularization, minSamplesLeaf: params.minSamplesLeaf, minHessian: 1e-3)
        let bagSize = max(1, Int((Double(fitRows.count) * params.subsample).rounded()))
        // The grower holds the binned matrix, which owns its memory: its bins stay valid while it grows.
        let grower = TreeGrower(binned: binned, layout: layout, edges: binner.edges, finder: finder, maxLeaves: params.maxLeaves,
                                maxDepth: params.maxDepth, learningRate: params.learningRate)
        // One worker per core, each with its own buffers, taking every width-th class.
        let width = min(Parallel.width, classCount)
        let workspaces = (0..<width).map { _ in TreeWorkspace(capacity: bagSize) }

        for round in 0..<params.nEstimators {
            SoftmaxLoss.gradients(scores: scores, labels: labels, classes: classCount, gradient: &gradient, hessian: &hessian)
            var bag = fitRows
            if bagSize < fitRows.count {
                // A seeded sample without replacement, in row order for memory locality.
                bag = generator.sample(bagSize, from: fitRows).sorted()
            }
            // Rows the round's trees are not grown on (bagged out, held out): scored by walking.
            let outside: [Int]
            if bag.count < n {
                var inBag = [Bool](repeating: false, count: n)
                for row in bag { inBag[row] = true }
                outside = (0..<n).filter { !inBag[$0] }
            } else {
                outside = []
            }
            let bagRows = bag.map(Int32.init)
            let grown: [[(tree: RegressionTree, gains: [Double])]] = withExtendedLifetime(binned) {
                gradient.withUnsafeBufferPointer { g in
                    hessian.withUnsafeBufferPointer { h in
                        scores.withUnsafeMutableBufferPointer { s in
                            let shared = SharedInputs(bins: UnsafePointer(binned.rows), gradient: g, hessian: h, scores: s)
                            return Parallel.map(width) { worker in
                                let workspace = workspaces[worker]
                                return stride(from: worker, to: classCount, by: width).map { k in
                                    let rows = UnsafeMutableBufferPointer(start: workspace.indices, count: bagRows.count)
                                    _ = rows.initialize(from: bagRows)
                                    let classScores = shared.scores.baseAddress! + k * n
                                    var gains = [Double](repeating: 0, count: features)
                                    let tree = grower.grow(
                                        indices: rows,
                                        gradient: UnsafeBufferPointer(rebasing: shared.gradient[(k * n)..<((k + 1) * n)]),
                                        hessian: UnsafeBufferPointer(rebasing: shared.hessian[(k * n)..<((k + 1) * n)]),
                                        workspace: workspace, importance: &gains) { value, leafRows in
                                        for row in leafRows { classScores[Int(row)] += value }
                                    }
                                    for i in outside {
                                        classScores[i] += tree.predictBinned(shared.bins + i * features)
                                    }
                                    return (tree, gains)
                                }
                            }
                        }
                    }
                }
            }
            // Trees in class order, whatever worker grew them.
            for k in 0..<classCount {
                let (tree, gains) = grown[k % width][k / width]
                trees.append(tree)
                for j in 0..<features { importance[j] += gains[j] }
            }
            progress?(round + 1, params.nEstimators)

            if !heldOut.isEmpty {
                let loss = heldOutLoss(scores: scores, rows: heldOut, labels: labels, classes: classCount)
                validationLoss.append(loss)
                if loss < bestLoss - params.tol {
                    bestLoss = loss
                    roundsWithoutGain = 0
                } else {
                    roundsWithoutGain += 1
                    if roundsWithoutGain >= params.nIterNoChange { break }
                }
            }
        }
        var model = GradientBoostingClassifier(classes: classes, featureNames: featureNames, baseline: baseline,
                                               forest: Forest(trees), importance: importance)
        model.validationLoss = validationLoss
        return model
    }

    /// What the round's workers share: read-only inputs, and the scores, of which each worker
    /// writes only its own classes' regions.
    private struct SharedInputs: @unchecked Sendable {
        /// The binned matrix's row-major bins (valid while the fit holds it).
        let bins: UnsafePointer<UInt8>
        let gradient: UnsafeBufferPointer<Double>
        let hessian: UnsafeBufferPointer<Double>
        let scores: UnsafeMutableBufferPointer<Double>
    }

    /// Log loss of the held-out rows under class-major scores.
    private static func heldOutLoss(scores: [Double], rows: [Int], labels: [Int32], classes: Int) -> Double {
        let n = labels.count
        var probabilities: [Double] = []
        probabilities.reserveCapacity(rows.count * classes)
        for row in rows { for k in 0..<classes { probabilities.append(scores[k * n + row]) } }
        probabilities.withUnsafeMutableBufferPointer { p in
            for r in 0..<rows.count { SoftmaxLoss.softmax(p.baseAddress! + r * classes, classes: classes) }
        }
        return SoftmaxLoss.logLoss(probabilities: probabilities, labels: rows.map { labels[$0] }, classes: classes)
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

    /// The index of the largest of each row's `classes` values (the first on ties):
    /// `Numerics.argmax`, under the name the recommender's callers use.
    public static func argmax(_ values: [Double], classes: Int) -> [Int32] {
        Numerics.argmax(values, width: classes)
    }
}
