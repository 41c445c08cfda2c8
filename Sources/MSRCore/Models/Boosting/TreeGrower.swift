import CMemory

/// Grows one regression tree on gradients and hessians, best leaf first (LightGBM's leaf-wise
/// growth): the leaf whose split gains most is split next, until `maxLeaves` leaves, `maxDepth`,
/// or no split gains.
///
/// Rows are index ranges of one array, partitioned in place as nodes split. Each split builds
/// the histogram of its smaller child and gets the larger one by subtraction from the parent.
/// Bins come twice (`BinnedMatrix`): row-major, so building a histogram reads one cache line
/// per row, and column-major, so a partition reads one feature's bytes, a column small enough to
/// stay in cache. The grower holds the matrix, so its bins live as long as it does.
struct TreeGrower: @unchecked Sendable {  // its bins are read-only while trees grow
    let binned: BinnedMatrix
    var bins: UnsafePointer<UInt8> { UnsafePointer(binned.rows) }
    var columns: UnsafePointer<UInt8> { UnsafePointer(binned.columns) }
    var rowCount: Int { binned.rowCount }
    var features: Int { binned.features }
    let layout: Histogram.Layout
    let edges: [[Double]]
    let finder: SplitFinder
    let maxLeaves: Int
    let maxDepth: Int
    let learningRate: Double

    /// A leaf that may still be split.
    private struct Candidate {
        var node: Int
        var start: Int, end: Int
        var depth: Int
        var histogram: Histogram
        var gradient: Double, hessian: Double
        var split: SplitInfo
    }

    /// Grows a tree on the rows in `indices` (distinct, ascending; reordered in place) with each row's
    /// `(gradient, hessian)` pair (`pairs[row]`), and adds each row's leaf value to its score
    /// (`scores[row]`), without walking the tree. `importance[j]` accumulates the
    /// gain of the splits on feature `j`. The workspace holds the partition's scratch, reused
    /// across trees. `rootCounts`: `Histogram.counts` of `indices` when known (the same for every
    /// tree of a round), so the root's rows are summed without counting them.
    func grow<Pair: GradientPair>(indices: UnsafeMutableBufferPointer<Int32>, pairs: UnsafeBufferPointer<Pair>,
              rootCounts: [Int32]? = nil, workspace: TreeWorkspace, importance: inout [Double],
              scores: UnsafeMutablePointer<Double>) -> RegressionTree {
        var tree = RegressionTree()
        precondition(workspace.capacity >= indices.count && workspace.rows >= rowCount)
        let pair = pairs.baseAddress!
        var open: [Candidate] = []
        var finished: [(node: Int, start: Int, end: Int)] = []
        // Splits whose children are leaves for good: their rows are not partitioned, but scored
        // by the split's feature at the end.
        var lastSplits: [(start: Int, end: Int, feature: Int, bin: Int, left: Int, right: Int)] = []
        // Histograms are taken from the workspace's spares and given back when done with: a
        // tree's dozens of 46 KB histograms are not allocated and freed again at every tree.
        // `counts`: the rows' counts, known already (a root's), or nil to count them.
        func fresh(counts: [Int32]?) -> Histogram {
            guard var spare = workspace.spareHistograms.popLast() else {
                return counts.map { Histogram(layout: layout, counts: $0) } ?? Histogram(layout: layout)
            }
            if let counts { spare.clear(counts: counts) } else { spare.clear() }
            return spare
        }
        func recycle(_ histogram: Histogram) {
            if !histogram.sums.isEmpty { workspace.spareHistograms.append(histogram) }
        }
        func histogram(_ start: Int, _ end: Int) -> Histogram {
            histogramAndTotal(start, end, counts: nil).histogram
        }
        func histogramAndTotal(_ start: Int, _ end: Int, counts: [Int32]?) -> (histogram: Histogram, total: SIMD2<Double>) {
            var result = fresh(counts: counts)
            // `indices` holds distinct rows in ascending order: as many as the matrix's rows, they
            // are every row in order.
            let total = result.build(bins: bins, layout: layout, indices: UnsafeBufferPointer(rebasing: indices[start..<end]),
                                     pairs: pair, counted: counts == nil, everyRow: end - start == rowCount)
            return (result, total)
        }
        var leaves = 1
        /// Whether a leaf at `depth` may still be split: the split search and the histogram it
        /// needs are spent only on such leaves.
        func splittable(depth: Int) -> Bool { depth < maxDepth && leaves < maxLeaves }
        // The root's totals, in row order: from its histogram's pass over the rows, or alone.
        var rootHistogram = Histogram.empty, total = SIMD2<Double>.zero
        if splittable(depth: 0) {
            (rootHistogram, total) = histogramAndTotal(0, indices.count, counts: rootCounts)
        } else {
            for index in indices { total += pair[Int(index)].wide }
        }
        let (totalG, totalH) = (total.x, total.y)
        func consider(_ candidate: Candidate) {
            var candidate = candidate
            if splittable(depth: candidate.depth) {
                candidate.split = finder.best(candidate.histogram, layout: layout, gradient: candidate.gradient,
                                              hessian: candidate.hessian, count: candidate.end - candidate.start)
            }
            if candidate.split.gain > 0 { open.append(candidate) } else {
                finished.append((candidate.node, candidate.start, candidate.end))
                recycle(candidate.histogram)
            }
        }
        let root = tree.addLeaf(leafValue(totalG, totalH))
        consider(Candidate(node: root, start: 0, end: indices.count, depth: 0, histogram: consume rootHistogram,
                           gradient: totalG, hessian: totalH, split: .none))
        while leaves < maxLeaves, !open.isEmpty {
            // The open leaf with the largest gain (the first on ties: deterministic).
            var bestIndex = 0
            for k in 1..<open.count where open[k].split.gain > open[bestIndex].split.gain { bestIndex = k }
            var parent = open.remove(at: bestIndex)
            let split = parent.split
            let leftNode = tree.addLeaf(leafValue(split.leftGradient, split.leftHessian))
            let rightNode = tree.addLeaf(leafValue(split.rightGradient, split.rightHessian))
            tree.split(parent.node, feature: split.feature, threshold: edges[split.feature][split.bin],
                       bin: split.bin, left: leftNode, right: rightNode)
            importance[split.feature] += split.gain
            leaves += 1
            if !splittable(depth: parent.depth + 1) {
                // Leaves for good: no split search, so no histograms, and no partition.
                lastSplits.append((parent.start, parent.end, split.feature, split.bin, leftNode, rightNode))
                recycle(parent.histogram)
                continue
            }
            let middle = partition(indices, workspace, parent.start, parent.end, feature: split.feature, bin: split.bin)

            let leftIsSmaller = middle - parent.start <= parent.end - middle
            let small: Histogram, large: Histogram
            if (parent.end - parent.start) * features < layout.totalBins {
                // Subtracting costs a pass over every bin; for a small node, summing the
                // larger child's rows is cheaper.
                small = leftIsSmaller ? histogram(parent.start, middle) : histogram(middle, parent.end)
                large = leftIsSmaller ? histogram(middle, parent.end) : histogram(parent.start, middle)
                recycle(parent.histogram)
            } else {
                small = leftIsSmaller ? histogram(parent.start, middle) : histogram(middle, parent.end)
                // The parent's histogram, taken from it (its arrays then held once: subtracted
                // in place, not copied), becomes the larger child's.
                var taken = parent.histogram
                parent.histogram = .empty
                taken.subtract(small)
                large = taken
            }
            consider(Candidate(node: leftNode, start: parent.start, end: middle, depth: parent.depth + 1,
                               histogram: leftIsSmaller ? small : large,
                               gradient: split.leftGradient, hessian: split.leftHessian, split: .none))
            consider(Candidate(node: rightNode, start: middle, end: parent.end, depth: parent.depth + 1,
                               histogram: leftIsSmaller ? large : small,
                               gradient: split.rightGradient, hessian: split.rightHessian, split: .none))
        }
        for candidate in open {
            finished.append((candidate.node, candidate.start, candidate.end))
            recycle(candidate.histogram)
        }
        // Each row's leaf, then each row's score in row order: stores of the leaves' numbers,
        // scattered over 2 bytes a row, cost less than adding to the scores scattered over 8
        // (loaded, added, stored back), and the scores are then read and written in order.
        let rows = UnsafePointer(indices.baseAddress!), leafOf = workspace.leaves
        if indices.count < rowCount { leafOf.update(repeating: TreeWorkspace.noLeaf, count: rowCount) }
        for (node, start, end) in finished {
            Self.mark(UInt16(node), at: rows + start, count: end - start, in: leafOf)
        }
        for last in lastSplits {
            // The split's two leaves, in one pass over its rows, without partitioning them.
            msr_mark_split(rows + last.start, last.end - last.start, columns + last.feature &* rowCount, UInt8(last.bin),
                           UInt16(last.left), UInt16(last.right), leafOf)
        }
        tree.value.withUnsafeBufferPointer { Self.add($0.baseAddress!, of: UnsafePointer(leafOf), to: scores, rows: rowCount) }
        return tree
    }

    /// Numbers rows `rows[0..<count]` as leaf `node`'s.
    private static func mark(_ node: UInt16, at rows: UnsafePointer<Int32>, count: Int, in leafOf: UnsafeMutablePointer<UInt16>) {
        for k in 0..<count {
            leafOf[Int(rows[k])] = node
        }
    }

    /// Adds each row's leaf value (`values[leafOf[i]]`) to its score, the rows of no leaf
    /// (`TreeWorkspace.noLeaf`: not grown on) left as they are.
    private static func add(_ values: UnsafePointer<Double>, of leafOf: UnsafePointer<UInt16>,
                            to scores: UnsafeMutablePointer<Double>, rows: Int) {
        for i in 0..<rows {
            let leaf = leafOf[i]
            if leaf != TreeWorkspace.noLeaf { scores[i] += values[Int(leaf)] }
        }
    }

    /// The largest Newton step a leaf may take, in raw-score units, before shrinkage.
    ///
    /// A row the model is confidently wrong about has gradient near -1 and hessian near 0, so
    /// a leaf made mostly of such rows would step without bound (XGBoost's `max_delta_step`
    /// exists for the same reason). Ten is far beyond any step on well-behaved data.
    static let maxStep = 10.0

    /// Newton step for a leaf, bounded, shrunk by the learning rate.
    @inline(__always)
    private func leafValue(_ gradient: Double, _ hessian: Double) -> Double {
        let step = -gradient / (hessian + finder.l2)
        return learningRate * min(max(step, -Self.maxStep), Self.maxStep)
    }

    /// Moves the rows of `start..<end` whose bin is at or below `bin` to the front, keeping the
    /// order within each side (a stable partition: `msr_partition_rows_kind`); returns where the right
    /// side starts.
    private func partition(_ indices: UnsafeMutableBufferPointer<Int32>, _ workspace: TreeWorkspace,
                           _ start: Int, _ end: Int, feature j: Int, bin: Int) -> Int {
        var left = 0
        _ = msr_partition_rows_kind(-1, indices.baseAddress! + start, end - start, columns + j &* rowCount, UInt8(bin),
                                    workspace.rightRows, &left)
        return start + left
    }
}

/// A tree grower's reusable buffers, sized for the most rows a tree sees (and the gradient pairs
/// and leaves of all `rows`, the matrix's): one per worker, so growing thousands of trees allocates
/// nothing per tree.
final class TreeWorkspace: @unchecked Sendable {
    let capacity: Int
    let indices: UnsafeMutablePointer<Int32>
    let rightRows: UnsafeMutablePointer<Int32>
    /// Each row's leaf in the tree growing (its node's number), `noLeaf` for a row it is not
    /// grown on: `rows` of them.
    let leaves: UnsafeMutablePointer<UInt16>
    /// `leaves`' mark of a row outside the tree (a tree has at most 2,047 nodes).
    static let noLeaf = UInt16.max
    /// Histograms a tree is done with, for the next ones (`TreeGrower.grow`).
    var spareHistograms: [Histogram] = []
    /// The `(gradient, hessian)` of every row for the class whose tree is growing, 16 bytes a
    /// row: Float64 pairs (`pairs`) or Float32 ones (`floatPairs`, which touch half the pages).
    private let storage: UnsafeMutableRawPointer
    let rows: Int
    var pairs: UnsafeMutablePointer<SIMD2<Double>> { storage.bindMemory(to: SIMD2<Double>.self, capacity: rows) }
    var floatPairs: UnsafeMutablePointer<FloatPair> { storage.bindMemory(to: FloatPair.self, capacity: rows) }

    init(capacity: Int, rows: Int) {
        self.capacity = capacity
        indices = .allocate(capacity: capacity)
        rightRows = .allocate(capacity: capacity + 16)  // msr_partition_rows_kind's scratch
        leaves = .allocate(capacity: rows)
        self.rows = rows
        storage = .allocate(byteCount: rows * MemoryLayout<SIMD2<Double>>.stride, alignment: MemoryLayout<SIMD2<Double>>.alignment)
        HugePages.advise(storage, byteCount: rows * MemoryLayout<SIMD2<Double>>.stride)
    }

    deinit {
        indices.deallocate()
        rightRows.deallocate()
        leaves.deallocate()
        storage.deallocate()
    }
}
