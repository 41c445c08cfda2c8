import FoundationEssentials

/// The one-vs-rest fit (`train.objective: multiclassova`, LightGBM's name): each class a binary
/// booster of its own on the logistic loss, the class against the rest, fitted class after class,
/// one class per core at a time.
///
/// The softmax fit holds every row's raw score for every class while it fits (8 bytes x rows x
/// classes: 730 MB at 800,000 rows and 114 classes, 15 times those rows' CSV); this one holds one
/// class's scores per core, and neither the feature matrix once it is binned, so a fit over many
/// classes stays near its data's size. The model is written as the softmax fit's is (round `r`'s
/// trees in class order, each class's raw score then the log-odds of the class against the rest)
/// and read the same way: its probabilities are the raw scores' softmax (each class's odds over
/// their sum), its predicted class the one whose booster is surest.
extension GradientBoostingClassifier {
    static func fitOneVsRest(_ matrix: consuming FeatureMatrix, labels: [Int32], classes: [String], featureNames: [String],
                             params: BoostingParams, progress: ((Int, Int) -> Void)?) -> GradientBoostingClassifier {
        let n = matrix.rowCount, classCount = classes.count, featureCount = matrix.columnCount, rounds = params.nEstimators
        var counts = [Int](repeating: 0, count: classCount)
        for label in labels { counts[Int(label)] += 1 }
        let baseline = counts.map { LogisticLoss.baseline(count: $0, of: n) }
        let fitRows = Array(0..<n)
        let bagSize = max(1, Int((Double(n) * params.subsample).rounded()))
        let binner = FeatureBinner(matrix: matrix, rows: fitRows, maxBins: params.maxBins)
        let grower = RoundGrower(matrix: matrix, binner: binner, params: params, classes: classCount, bagSize: bagSize)
        _ = consume matrix  // from here on the fit reads the bins only

        // One class per core at a time; the progress is told between waves, on this thread.
        var fitted: [(forest: Forest, gains: [Double])] = []
        var first = 0
        while first < classCount {
            let wave = first..<min(classCount, first + grower.width)
            let handedOut = Counter()
            fitted += Parallel.blocks(wave.count, size: 1, workers: grower.width,
                                      scratch: { grower.workspaces[handedOut.increment() - 1] }) { workspace, block in
                let k = wave.lowerBound + block.lowerBound
                return fitClass(k, baseline: baseline[k], labels: labels, fitRows: fitRows, bagSize: bagSize, params: params,
                                grower: grower, workspace: workspace)
            }
            first = wave.upperBound
            progress?(first * rounds, classCount * rounds)
        }
        _ = consume grower  // its bins and buffers
        var importance = [Double](repeating: 0, count: featureCount)
        for (_, gains) in fitted { for j in 0..<featureCount { importance[j] += gains[j] } }
        let forest = Forest(interleaving: fitted.map(\.forest))
        return GradientBoostingClassifier(classes: classes, featureNames: featureNames, baseline: baseline,
                                          forest: forest, importance: importance)
    }

    /// Class `k`'s booster: its trees in round order, flattened (16 bytes a node),
    /// and their gains per feature. Each round's
    /// bag is drawn from a generator of its own seeded with `random_state`, so every class (and
    /// the softmax fit) trains round `r` on the same rows.
    private static func fitClass(_ k: Int, baseline: Double, labels: [Int32], fitRows: [Int], bagSize: Int, params: BoostingParams,
                                 grower: RoundGrower, workspace: TreeWorkspace) -> (forest: Forest, gains: [Double]) {
        let n = labels.count, features = grower.features
        var scores = [Double](repeating: baseline, count: n)
        var generator = SplitMix64(seed: params.randomState)
        var trees: [RegressionTree] = []
        trees.reserveCapacity(params.nEstimators)
        var gains = [Double](repeating: 0, count: features)
        let bins = UnsafePointer(grower.binned.rows)
        labels.withUnsafeBufferPointer { labels in
            scores.withUnsafeMutableBufferPointer { scores in
                let scores = scores.baseAddress!
                for _ in 0..<params.nEstimators {
                    let bag = bagRows(fitRows, size: bagSize, generator: &generator)
                    let rows = UnsafeMutableBufferPointer(start: workspace.indices, count: bag.count)
                    for (i, row) in bag.enumerated() { rows[i] = Int32(row) }
                    LogisticLoss.pairs(scores: scores, labels: labels.baseAddress!, label: Int32(k), rows: n, into: workspace.pairs)
                    let tree = grower.grower.grow(indices: rows, pairs: UnsafeBufferPointer(start: workspace.pairs, count: n),
                                                  workspace: workspace, importance: &gains) { value, leafRows in
                        RoundGrower.add(value, to: scores, at: leafRows)
                    }
                    if bag.count < n {
                        var inBag = [Bool](repeating: false, count: n)
                        for row in bag { inBag[row] = true }
                        for i in 0..<n where !inBag[i] { scores[i] += tree.predictBinned(bins + i * features) }
                    }
                    trees.append(tree)
                }
            }
        }
        return (Forest(trees), gains)
    }
}
