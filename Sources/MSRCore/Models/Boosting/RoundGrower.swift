import CMemory

/// Grows one boosting round: one tree per class on the round's bag, the classes spread over the
/// cores (one worker per core, each with its own buffers, taking the next class not yet taken:
/// trees of uneven sizes keep every core busy to the end of the round).
///
/// The trees of a round are independent given the rows' softmax normalisers, which the same
/// workers make first, each taking blocks of rows, and wait for; a class's tree takes
/// its rows' probabilities, then gradient pairs, from them and its scores (or from the
/// exponentials `normalize` kept) into its worker's buffer, and adds its leaves to its own
/// class's region of the scores, the rows it was not grown on (bagged out, held out) by walking
/// it, so the result does not depend on the number of cores.
struct RoundGrower {
    /// Owns the binned matrix, which owns its memory: its bins stay valid while trees grow.
    let grower: TreeGrower
    let binned: BinnedMatrix
    let classes: Int
    let rows: Int
    let features: Int
    let width: Int
    let workspaces: [TreeWorkspace]
    /// `Histogram.counts` of the rows the fit draws its bags from, when every round's bag takes
    /// them all (`bagSize == fitRows.count`): then every tree's root's, counted once for the
    /// whole fit; nil when the bags are smaller.
    let wholeBagCounts: [Int32]?
    /// The rows the fit draws its bags from as `Int32`s, when every round's bag takes them all
    /// (made once, not once a round); nil when the bags are smaller.
    let wholeBagRows: [Int32]?

    /// `fitRows`: the rows the fit draws each round's `bagSize` rows from.
    init(matrix: borrowing FeatureMatrix, binner: FeatureBinner, params: BoostingParams, classes: Int, fitRows: [Int],
         bagSize: Int) {
        let binned = BinnedMatrix(matrix, binner: binner)
        let layout = Histogram.Layout(binCounts: (0..<matrix.columnCount).map(binner.binCount))
        let finder = SplitFinder(l2: params.l2Regularization, minSamplesLeaf: params.minSamplesLeaf, minHessian: 1e-3)
        self.binned = binned
        grower = TreeGrower(binned: binned, layout: layout, edges: binner.edges, finder: finder, maxLeaves: params.maxLeaves,
                            maxDepth: params.maxDepth, learningRate: params.learningRate)
        self.classes = classes
        rows = matrix.rowCount
        features = matrix.columnCount
        width = min(Parallel.width, classes)
        workspaces = (0..<width).map { _ in TreeWorkspace(capacity: bagSize, rows: matrix.rowCount) }
        wholeBagRows = bagSize == fitRows.count ? fitRows.map(Int32.init) : nil
        wholeBagCounts = wholeBagRows.map { Histogram.counts(bins: binned.rows, layout: layout, indices: $0) }
    }

    /// The round's trees and each one's gains per feature, in class order; `scores` (class-major)
    /// updated with them. `normalizers`: made again from the scores before the trees grow.
    /// `workers`: the round's threads, `width` of them (kept from round to round).
    func grow(bag: [Int], labels: [Int32], scores: inout [Double], normalizers: inout Normalizers, workers: SpinningWorkers)
        -> [(tree: RegressionTree, gains: [Double])] {
        let (n, features, classCount) = (rows, features, classes)
        let (grower, workspaces) = (self.grower, self.workspaces)
        // Rows the round's trees are not grown on (bagged out, held out): scored by walking.
        let outside: [Int]
        if bag.count < n {
            var inBag = [Bool](repeating: false, count: n)
            for row in bag { inBag[row] = true }
            outside = (0..<n).filter { !inBag[$0] }
        } else {
            outside = []
        }
        let bagRows = wholeBagRows.flatMap { $0.count == bag.count ? $0 : nil } ?? bag.map(Int32.init)
        // The roots' counts, the same for every class's tree: counted once here (or once a fit,
        // when the bag is every fitted row).
        let rootCounts = wholeBagCounts ?? Histogram.counts(bins: binned.rows, layout: grower.layout, indices: bagRows)
        let grown: [(tree: RegressionTree, gains: [Double])] = withExtendedLifetime(binned) {
            normalizers.largest.withUnsafeMutableBufferPointer { largest in
             normalizers.sums.withUnsafeMutableBufferPointer { sums in
              labels.withUnsafeBufferPointer { labels in
               normalizers.exponentials.withUnsafeMutableBufferPointer { exponentials in
                scores.withUnsafeMutableBufferPointer { s in
                    let shared = SharedInputs(bins: UnsafePointer(binned.rows), largest: largest, sums: sums, labels: labels,
                                              exponentials: exponentials.isEmpty ? nil : exponentials.baseAddress, scores: s)
                    // First the rows' normalisers from the scores, in blocks of rows, on the
                    // same threads as the trees (one hand-off a round).
                    let block = SoftmaxLoss.normalizerBlock(rows: n)
                    let normalize = { @Sendable (b: Int) in
                        SoftmaxLoss.normalize(b * block ..< min(n, (b + 1) * block), scores: shared.scores.baseAddress!, rows: n,
                                              classes: classCount, largest: shared.largest.baseAddress!,
                                              sums: shared.sums.baseAddress!, exponentials: shared.exponentials)
                    }
                    // Each worker thread has a workspace of its own.
                    return workers.items(classCount, first: ((n + block - 1) / block, normalize),
                                         scratch: { workspaces[$0] }) { workspace, k in
                        let rows = UnsafeMutableBufferPointer(start: workspace.indices, count: bagRows.count)
                        _ = rows.initialize(from: bagRows)
                        let classScores = shared.scores.baseAddress! + k * n
                        var gains = [Double](repeating: 0, count: features)
                        SoftmaxLoss.pairs(scores: classScores, largest: shared.largest.baseAddress!, sums: shared.sums.baseAddress!,
                                          labels: shared.labels.baseAddress!, label: Int32(k), rows: n, into: workspace.pairs,
                                          exponentials: shared.exponentials.map { $0 + k * n })
                        let tree = grower.grow(
                            indices: rows, pairs: UnsafeBufferPointer(start: workspace.pairs, count: n), rootCounts: rootCounts,
                            workspace: workspace, importance: &gains, scores: classScores)
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
        }
        return grown
    }

    /// Each row's softmax normalisers (`SoftmaxLoss.normalize`), made again at the start of each
    /// round from the scores: the largest score, the sum of `e^(score - largest)` and, when they
    /// fit the budget, every class's `e^(score - largest)` (class-major; for the trees'
    /// gradients, computed again by each class's tree otherwise).
    struct Normalizers {
        var largest: [Double]
        var sums: [Double]
        var exponentials: [Double]

        init(rows n: Int, classes: Int) {
            largest = [Double](repeating: 0, count: n)
            sums = [Double](repeating: 0, count: n)
            exponentials = HugePages.array(repeating: 0.0, count: n * classes * 8 <= SoftmaxLoss.exponentialsBudget ? n * classes : 0)
        }
    }

    /// What the round's workers share: read-only inputs, and the scores, of which each worker
    /// writes only its own classes' regions.
    private struct SharedInputs: @unchecked Sendable {
        /// The binned matrix's row-major bins (valid while the round holds it).
        let bins: UnsafePointer<UInt8>
        /// The rows' softmax normalisers (`SoftmaxLoss.normalize`) and labels.
        let largest: UnsafeMutableBufferPointer<Double>
        let sums: UnsafeMutableBufferPointer<Double>
        let labels: UnsafeBufferPointer<Int32>
        /// The round's kept `e^(score - largest)`, class-major (nil: none kept).
        let exponentials: UnsafeMutablePointer<Double>?
        let scores: UnsafeMutableBufferPointer<Double>
    }
}
