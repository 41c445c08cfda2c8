import CMemory
import FoundationEssentials

/// The one-vs-rest fit (`train.objective: multiclassova`, LightGBM's name): each class a binary
/// booster of its own on the logistic loss, the class against the rest, fitted class after class,
/// one class per core at a time.
///
/// The softmax fit holds every row's raw score for every class while it fits (8 bytes x rows x
/// classes: 730 MB at 800,000 rows and 114 classes, 15 times those rows' CSV); this one holds one
/// class's scores per core, its gradient pairs in Float32 (`FloatPair`), each finished class's
/// trees flattened, and not the feature matrix once it is binned, so a fit over many classes
/// stays near its data's size. The model is written as the softmax fit's is (round `r`'s
/// trees in class order, each class's raw score then the log-odds of the class against the rest)
/// and read the same way: its probabilities are the raw scores' softmax (each class's odds over
/// their sum), its predicted class the one whose booster is surest.
extension GradientBoostingClassifier {
    /// `fit` by one booster per class (`train.objective: multiclassova`), taking the matrix.
    static func fitOneVsRest(_ matrix: consuming FeatureMatrix, labels: [Int32], classes: [String], featureNames: [String],
                             params: BoostingParams, progress: ((Int, Int) -> Void)?) -> GradientBoostingClassifier {
        let n = matrix.rowCount, classCount = classes.count, featureCount = matrix.columnCount, rounds = params.nEstimators
        var counts = [Int](repeating: 0, count: classCount)
        for label in labels { counts[Int(label)] += 1 }
        let baseline = counts.map { LogisticLoss.baseline(count: $0, of: n) }
        let bagSize = max(1, Int((Double(n) * params.subsample).rounded()))
        let fitRows = Array(0..<n)
        let binner = FeatureBinner(matrix: matrix, rows: fitRows, maxBins: params.maxBins)
        let bags = Bags(rows: n, size: bagSize, rounds: rounds, seed: params.randomState)
        let grower = RoundGrower(matrix: matrix, binner: binner, params: params, classes: classCount, fitRows: fitRows,
                                 bagSize: bagSize)
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
                return fitClass(k, baseline: baseline[k], labels: labels, bags: bags, params: params, grower: grower,
                                workspace: workspace)
            }
            first = wave.upperBound
            progress?(first * rounds, classCount * rounds)
        }
        _ = consume grower  // its bins and buffers, whose pages go back to the system before the
        msr_trim_heap()     // model is put together (malloc keeps freed heap pages otherwise)
        var importance = [Double](repeating: 0, count: featureCount)
        for (_, gains) in fitted { for j in 0..<featureCount { importance[j] += gains[j] } }
        let forest = Forest(interleaving: fitted.map(\.forest))
        return GradientBoostingClassifier(classes: classes, featureNames: featureNames, baseline: baseline,
                                          forest: forest, importance: importance)
    }

    /// Class `k`'s booster: its trees in round order, flattened (16 bytes a node), and their
    /// gains per feature.
    private static func fitClass(_ k: Int, baseline: Double, labels: [Int32], bags: Bags, params: BoostingParams,
                                 grower: RoundGrower, workspace: TreeWorkspace) -> (forest: Forest, gains: [Double]) {
        let n = labels.count, features = grower.features
        var scores = HugePages.array(repeating: baseline, count: n)
        var trees: [RegressionTree] = []
        trees.reserveCapacity(params.nEstimators)
        var gains = [Double](repeating: 0, count: features)
        let bins = UnsafePointer(grower.binned.rows)
        labels.withUnsafeBufferPointer { labels in
            scores.withUnsafeMutableBufferPointer { scores in
                let scores = scores.baseAddress!
                for round in 0..<params.nEstimators {
                    let rows = UnsafeMutableBufferPointer(start: workspace.indices, count: bags.size)
                    bags.rows(round, into: rows)
                    LogisticLoss.pairs(scores: scores, labels: labels.baseAddress!, label: Int32(k), rows: n, into: workspace.floatPairs)
                    let tree = grower.grower.grow(indices: rows, pairs: UnsafeBufferPointer(start: workspace.floatPairs, count: n),
                                                  rootCounts: grower.wholeBagCounts, workspace: workspace,
                                                  importance: &gains, scores: scores)
                    bags.forEachOutside(round) { i in scores[i] += tree.predictBinned(bins + i * features) }
                    trees.append(tree)
                }
            }
        }
        return (Forest(trees), gains)
    }

    /// Every round's bag, drawn once for all the classes as the softmax fit draws its own (one
    /// seeded sample of `size` rows a round, `random_state` seeding the generator), kept as a
    /// bit a row (n / 8 bytes a round; nothing when every round takes every row).
    struct Bags: Sendable {
        let rows: Int
        let size: Int
        private let words: Int
        private let bits: [UInt64]

        init(rows n: Int, size: Int, rounds: Int, seed: UInt64) {
            rows = n
            self.size = size
            words = (n + 63) / 64
            guard size < n else {
                bits = []
                return
            }
            var bits = [UInt64](repeating: 0, count: rounds * words)
            var generator = SplitMix64(seed: seed)
            let all = Array(0..<n)
            for round in 0..<rounds {
                for row in bagRows(all, size: size, generator: &generator) { bits[round * words + row >> 6] |= 1 << UInt64(row & 63) }
            }
            self.bits = bits
        }

        /// Round `round`'s rows, ascending, into `rows` (`size` of them).
        func rows(_ round: Int, into rows: UnsafeMutableBufferPointer<Int32>) {
            if bits.isEmpty {
                for i in 0..<self.rows { rows[i] = Int32(i) }
                return
            }
            var c = 0
            for w in 0..<words {
                var word = bits[round * words + w]
                while word != 0 {
                    rows[c] = Int32(w * 64 + word.trailingZeroBitCount)
                    c += 1
                    word &= word - 1
                }
            }
        }

        /// Calls `body` with each row outside round `round`'s bag, ascending.
        func forEachOutside(_ round: Int, _ body: (Int) -> Void) {
            if bits.isEmpty { return }
            for w in 0..<words {
                var word = ~bits[round * words + w]
                if w == words - 1, rows % 64 != 0 { word &= (1 << UInt64(rows % 64)) - 1 }
                while word != 0 {
                    body(w * 64 + word.trailingZeroBitCount)
                    word &= word - 1
                }
            }
        }
    }
}
