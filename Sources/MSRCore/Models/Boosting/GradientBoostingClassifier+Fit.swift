import FoundationEssentials
import Glibc

/// The fit, along its seams: the early-stopping split, binning, the baseline, then each round's
/// bagging and trees, and the early-stopping check after it.
extension GradientBoostingClassifier {
    /// Fits on `matrix` with class codes `labels` (0..<classes.count), by `params.objective`.
    /// The matrix is the fit's to free once binned (pass it with `consume` to let it).
    ///
    /// `progress(trees, total)` is called as trees are done (after each round, or each class).
    public static func fit(_ features: consuming FeatureMatrix, labels: [Int32], classes: [String], featureNames: [String],
                           params: BoostingParams, progress: ((Int, Int) -> Void)? = nil) throws -> GradientBoostingClassifier {
        let n = features.rowCount, classCount = classes.count
        guard n >= 2, classCount >= 2 else {
            throw MSRError(.badData, "training needs at least 2 rows and 2 classes, got \(n) rows and \(classCount) classes")
        }
        if params.objective == .multiclassova {
            if let conflict = BoostingParams.conflict(params) {
                throw MSRError(.badData, "\(BoostingParams.name).\(conflict.key): \(conflict.message)")
            }
            return fitOneVsRest(consume features, labels: labels, classes: classes, featureNames: featureNames, params: params,
                                progress: progress)
        }
        let matrix = consume features
        let (fitRows, heldOut) = try earlyStoppingSplit(rows: n, labels: labels, params: params)
        let binner = FeatureBinner(matrix: matrix, rows: fitRows, maxBins: params.maxBins)
        let baseline = baselineScores(rows: fitRows, labels: labels, classes: classCount)
        // Raw scores, class-major (`scores[k * n + i]`): each class's trees update a region of
        // their own, so the classes of a round grow concurrently without sharing a cache line.
        var scores = HugePages.array(repeating: 0.0, count: n * classCount)
        for k in 0..<classCount { for i in 0..<n { scores[k * n + i] = baseline[k] } }

        let bagSize = max(1, Int((Double(fitRows.count) * params.subsample).rounded()))
        let rounds = RoundGrower(matrix: matrix, binner: binner, params: params, classes: classCount, fitRows: fitRows,
                                 bagSize: bagSize)
        var normalizers = RoundGrower.Normalizers(rows: n, classes: classCount)
        let workers = SpinningWorkers(width: rounds.width)
        var trees: [RegressionTree] = []
        var importance = [Double](repeating: 0, count: matrix.columnCount)
        var stopping = EarlyStopping(tol: params.tol, patience: params.nIterNoChange)
        var generator = SplitMix64(seed: params.randomState)

        for round in 0..<params.nEstimators {
            let bag = bagRows(fitRows, size: bagSize, generator: &generator)
            for (tree, gains) in rounds.grow(bag: bag, labels: labels, scores: &scores, normalizers: &normalizers,
                                             workers: workers) {
                trees.append(tree)
                for j in importance.indices { importance[j] += gains[j] }
            }
            progress?((round + 1) * classCount, params.nEstimators * classCount)
            if !heldOut.isEmpty,
               stopping.stops(after: heldOutLoss(scores: scores, rows: heldOut, labels: labels, classes: classCount)) {
                break
            }
        }
        var model = GradientBoostingClassifier(classes: classes, featureNames: featureNames, baseline: baseline,
                                               forest: Forest(trees), importance: importance)
        model.validationLoss = stopping.losses
        return model
    }

    /// The rows fitted on and the rows held out for early stopping (none without it), each in
    /// row order: a stratified split of `params.validationFraction`.
    static func earlyStoppingSplit(rows n: Int, labels: [Int32], params: BoostingParams) throws
        -> (fit: [Int], heldOut: [Int]) {
        guard params.earlyStopping else { return (Array(0..<n), []) }
        let split = try TrainTestSplit(count: n, testSize: params.validationFraction, seed: params.randomState, strata: labels,
                                       parameter: "train.validation_fraction")
        return (split.train.sorted(), split.test.sorted())
    }

    /// The raw score every row starts from: the log of each class's share of the fitted rows
    /// (an absent class counts 1e-3 rows).
    static func baselineScores(rows: [Int], labels: [Int32], classes: Int) -> [Double] {
        var classCounts = [Double](repeating: 0, count: classes)
        for row in rows { classCounts[Int(labels[row])] += 1 }
        return classCounts.map { log(max($0, 1e-3) / Double(rows.count)) }
    }

    /// The round's bag: every fitted row, or a seeded sample of `size` of them without
    /// replacement, in row order for memory locality.
    static func bagRows(_ rows: [Int], size: Int, generator: inout SplitMix64) -> [Int] {
        size < rows.count ? generator.sample(size, from: rows).sorted() : rows
    }

    /// Log loss of the held-out rows under class-major scores.
    static func heldOutLoss(scores: [Double], rows: [Int], labels: [Int32], classes: Int) -> Double {
        let n = labels.count
        var probabilities: [Double] = []
        probabilities.reserveCapacity(rows.count * classes)
        for row in rows { for k in 0..<classes { probabilities.append(scores[k * n + row]) } }
        probabilities.withUnsafeMutableBufferPointer { p in
            for r in 0..<rows.count { SoftmaxLoss.softmax(p.baseAddress! + r * classes, classes: classes) }
        }
        return SoftmaxLoss.logLoss(probabilities: probabilities, labels: rows.map { labels[$0] }, classes: classes)
    }
}
