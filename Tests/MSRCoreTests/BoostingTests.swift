import MSRTestSupport
import XCTest
@testable import MSRCore

final class BoostingTests: XCTestCase {
    /// A small random problem: `n` rows, 3 features, labels from a rule on the first two.
    func problem(_ n: Int, seed: UInt64) -> (FeatureMatrix, [Int32]) {
        var generator = SplitMix64(seed: seed)
        var columns = [[Double]](repeating: [], count: 3)
        var labels: [Int32] = []
        for _ in 0..<n {
            let a = generator.unit(), b = generator.unit(), c = Double(generator.below(5))
            columns[0].append(a)
            columns[1].append(b)
            columns[2].append(c)
            labels.append(a < 0.5 ? 0 : (b < 0.3 ? 1 : 2))
        }
        return (FeatureMatrix(consuming: &columns), labels)
    }

    func testBinnerKeepsDistinctValuesAndCutsQuantiles() {
        var columns: [[Double]] = [[1, 2, 2, 3, 3, 3], [0, 1, 2, 3, 4, 5]]
        let matrix = FeatureMatrix(consuming: &columns)
        let few = FeatureBinner(matrix: matrix, rows: Array(0..<6), maxBins: 255)
        XCTAssertEqual(few.edges[0], [1.5, 2.5, .infinity])
        XCTAssertEqual(few.bin(2, feature: 0), 1)
        XCTAssertEqual(few.bin(2.5, feature: 0), 1, "a value on an edge goes to the lower bin")
        XCTAssertEqual(few.bin(99, feature: 0), 2)
        let coarse = FeatureBinner(matrix: matrix, rows: Array(0..<6), maxBins: 3)
        XCTAssertEqual(coarse.edges[1], [1.5, 3.5, .infinity], "three bins of two values")
    }

    func testHistogramBySubtractionEqualsBruteForce() {
        let (matrix, _) = problem(500, seed: 3)
        let binner = FeatureBinner(matrix: matrix, rows: Array(0..<500), maxBins: 16)
        let bins = binner.transform(matrix)
        let layout = Histogram.Layout(binCounts: (0..<3).map(binner.binCount))
        var generator = SplitMix64(seed: 4)
        let gradient = (0..<500).map { _ in generator.unit() - 0.5 }
        let hessian = (0..<500).map { _ in generator.unit() }
        let pairs = zip(gradient, hessian).map { SIMD2($0, $1) }
        func build(_ rows: [Int32]) -> Histogram {
            var histogram = Histogram(layout: layout)
            bins.withUnsafeBufferPointer { b in
                rows.withUnsafeBufferPointer { r in
                    histogram.build(bins: b.baseAddress!, layout: layout, indices: r, pairs: pairs)
                }
            }
            return histogram
        }
        let all = (0..<500).map(Int32.init)
        let left = all.filter { $0 % 3 == 0 }, right = all.filter { $0 % 3 != 0 }
        var bySubtraction = build(all)
        bySubtraction.subtract(build(left))
        let direct = build(right)
        for (a, b) in zip(bySubtraction.sums, direct.sums) {
            XCTAssertEqual(a.x, b.x, accuracy: 1e-9)
            XCTAssertEqual(a.y, b.y, accuracy: 1e-9)
        }
        XCTAssertEqual(bySubtraction.counts, direct.counts)
        // Counted once, then summed without counting (a tree's root): the same histogram.
        let counts = bins.withUnsafeBufferPointer { Histogram.counts(bins: $0.baseAddress!, layout: layout, indices: right) }
        XCTAssertEqual(counts, direct.counts)
        var uncounted = Histogram(layout: layout, counts: counts)
        bins.withUnsafeBufferPointer { b in
            right.withUnsafeBufferPointer { r in
                uncounted.build(bins: b.baseAddress!, layout: layout, indices: r, pairs: pairs, counted: false)
            }
        }
        XCTAssertEqual(uncounted, direct)
        // Every row in order (a root grown on every row), read without the list: the same bits,
        // counted or not, and the same total, as through the list.
        let allCounts = bins.withUnsafeBufferPointer { Histogram.counts(bins: $0.baseAddress!, layout: layout, indices: all) }
        for counted in [true, false] {
            var listed = counted ? Histogram(layout: layout) : Histogram(layout: layout, counts: allCounts)
            var inOrder = listed
            let (listedTotal, inOrderTotal) = bins.withUnsafeBufferPointer { b in
                all.withUnsafeBufferPointer { r in
                    (listed.build(bins: b.baseAddress!, layout: layout, indices: r, pairs: pairs, counted: counted),
                     inOrder.build(bins: b.baseAddress!, layout: layout, indices: r, pairs: pairs, counted: counted,
                                   everyRow: true))
                }
            }
            XCTAssertEqual(inOrder, listed)
            XCTAssertEqual(inOrder.sums.map(\.x.bitPattern), listed.sums.map(\.x.bitPattern))
            XCTAssertEqual(inOrderTotal, listedTotal)
            XCTAssertEqual(inOrder.counts, allCounts)
            XCTAssertEqual(inOrderTotal.x, gradient.reduce(0, +), accuracy: 1e-9)
        }
        // Brute force: each slot holds the rows with that bin, their gradient and hessian sums.
        for j in 0..<3 {
            for b in 0..<layout.binCounts[j] {
                let members = right.filter { Int(bins[Int($0) * 3 + j]) == b }.map(Int.init)
                let slot = layout.offsets[j] + b
                XCTAssertEqual(direct.counts[slot], Int32(members.count))
                XCTAssertEqual(direct.sums[slot].x, members.reduce(0) { $0 + gradient[$1] }, accuracy: 1e-9)
                XCTAssertEqual(direct.sums[slot].y, members.reduce(0) { $0 + hessian[$1] }, accuracy: 1e-9)
            }
        }
    }

    func testEachRowOfATreeGetsItsLeafsValueAndOtherRowsNothing() {
        // Trees of leaves at several depths (some split last, some not split) on every row, then
        // on every third row with the same workspace: a row the tree was grown on moves by its
        // leaf's value, a row outside it (marked by the tree before) keeps its score's bits.
        let rows = 600
        var generator = SplitMix64(seed: 21)
        var columns: [[Double]] = (0..<3).map { _ in (0..<rows).map { _ in generator.unit() } }
        let matrix = FeatureMatrix(consuming: &columns)
        let binner = FeatureBinner(matrix: matrix, rows: Array(0..<rows), maxBins: 32)
        let binned = BinnedMatrix(matrix, binner: binner)
        let grower = TreeGrower(binned: binned, layout: Histogram.Layout(binCounts: (0..<3).map(binner.binCount)),
                                edges: binner.edges, finder: SplitFinder(l2: 0.1, minSamplesLeaf: 5, minHessian: 1e-3),
                                maxLeaves: 9, maxDepth: 4, learningRate: 0.5)
        let workspace = TreeWorkspace(capacity: rows, rows: rows)
        var scores = (0..<rows).map { $0 % 7 == 0 ? -0.0 : Double($0) / 100 }
        for members in [Array(0..<rows), Array(stride(from: 0, to: rows, by: 3))] {
            let pairs = (0..<rows).map { _ in SIMD2(generator.unit() - 0.5, 0.1 + generator.unit()) }
            var indices = members.map(Int32.init)
            var importance = [0.0, 0.0, 0.0]
            let before = scores
            let tree = indices.withUnsafeMutableBufferPointer { indices in
                pairs.withUnsafeBufferPointer { pairs in
                    scores.withUnsafeMutableBufferPointer { scores in
                        grower.grow(indices: indices, pairs: pairs, workspace: workspace, importance: &importance,
                                    scores: scores.baseAddress!)
                    }
                }
            }
            let leaves = (0..<tree.nodeCount).filter { tree.feature[$0] < 0 }
            XCTAssertGreaterThanOrEqual(leaves.count, 6, "a tree of many leaves")
            let grown = Set(members)
            for row in 0..<rows {
                let expected = grown.contains(row) ? before[row] + tree.predictBinned(binned.rows + row * 3) : before[row]
                XCTAssertEqual(scores[row].bitPattern, expected.bitPattern, "row \(row) of \(members.count)")
            }
        }
    }

    func testTreeSplitsWhereTheDataChanges() {
        // Feature 0 is noise; feature 1 jumps at 10: the root must split feature 1 between 9 and 10.
        var columns: [[Double]] = [(0..<40).map { Double(($0 * 7) % 13) }, (0..<40).map { Double($0 / 2) }]
        let matrix = FeatureMatrix(consuming: &columns)
        let gradient: [Double] = (0..<40).map { $0 / 2 < 10 ? -1 : 1 }
        let hessian = [Double](repeating: 1, count: 40)
        let binner = FeatureBinner(matrix: matrix, rows: Array(0..<40), maxBins: 255)
        let binned = BinnedMatrix(matrix, binner: binner)
        // The owned bins are what the binner's arrays hold.
        XCTAssertEqual(Array(UnsafeBufferPointer(start: binned.rows, count: 80)), binner.transform(matrix))
        XCTAssertEqual(Array(UnsafeBufferPointer(start: binned.columns, count: 80)), binner.transformColumns(matrix))
        let grower = TreeGrower(binned: binned, layout: Histogram.Layout(binCounts: [binner.binCount(0), binner.binCount(1)]),
                                edges: binner.edges, finder: SplitFinder(l2: 0, minSamplesLeaf: 5, minHessian: 1e-3),
                                maxLeaves: 2, maxDepth: 3, learningRate: 1)
        var indices = (0..<40).map(Int32.init)
        var importance = [0.0, 0.0]
        var rowScores = [Double](repeating: 0.5, count: 40)
        let pairs = zip(gradient, hessian).map { SIMD2($0, $1) }
        let tree = indices.withUnsafeMutableBufferPointer { rows in
            pairs.withUnsafeBufferPointer { pairs in
                rowScores.withUnsafeMutableBufferPointer { scores in
                    grower.grow(indices: rows, pairs: pairs, workspace: TreeWorkspace(capacity: 40, rows: 40),
                                importance: &importance, scores: scores.baseAddress!)
                }
            }
        }
        XCTAssertEqual(tree.nodeCount, 3)
        XCTAssertEqual(tree.feature[0], 1)
        XCTAssertEqual(tree.threshold[0], 9.5)
        XCTAssertEqual(tree.value[Int(tree.left[0])], 1, "the Newton step -G/H of the left rows")
        XCTAssertEqual(tree.value[Int(tree.right[0])], -1)
        // Each row's score moved by its leaf's value (the root's children are leaves for good:
        // scored by the split's feature, not partitioned).
        for row in 0..<40 {
            XCTAssertEqual(rowScores[row], row / 2 < 10 ? 1.5 : -0.5, "row \(row)")
            XCTAssertEqual(rowScores[row], 0.5 + tree.predictBinned(binned.rows + row * 2), "row \(row)")
        }
        XCTAssertEqual(importance[0], 0)
        XCTAssertEqual(importance[1], 40, "gain: 20^2/20 + 20^2/20 - 0^2/40")

        // Flattened, with a one-leaf tree after it: rows go left at or below 9.5.
        var stump = RegressionTree()
        _ = stump.addLeaf(0.25)
        let forest = Forest([tree, stump])
        XCTAssertEqual(forest.roots, [0, 3])
        var scores = [Double](repeating: 0, count: 6)
        [3.0, 9.5, 3.0, 9.0, 3.0, 10.0].withUnsafeBufferPointer {
            forest.accumulate(rows: $0.baseAddress!, count: 3, features: 2, into: &scores, classes: 2)
        }
        XCTAssertEqual(scores, [1, 0.25, 1, 0.25, -1, 0.25], "x = 9.5, 9, 10")

        // Parts (one class's trees each) taken round-major are the forest of the trees in that order.
        var deep = RegressionTree()
        let top = deep.addLeaf(0), (l, r) = (deep.addLeaf(0), deep.addLeaf(3))
        deep.split(top, feature: 0, threshold: 4, bin: 2, left: l, right: r)
        let (a, b) = (deep.addLeaf(-2), deep.addLeaf(5))
        deep.split(l, feature: 1, threshold: 7, bin: 1, left: a, right: b)
        let parts = [Forest([tree, stump, deep]), Forest([deep, tree, stump])]
        XCTAssertEqual(Forest(interleaving: parts), Forest([tree, deep, stump, tree, deep, stump]))
        XCTAssertEqual(Forest(interleaving: [parts[0]]), parts[0])
        XCTAssertEqual(Forest(interleaving: []), Forest([]))
    }

    /// The split a scan bin by bin finds: the rules as stated (`SplitFinder.best` packs and
    /// vectorises them and must choose the same split, with the same bits).
    func referenceSplit(_ finder: SplitFinder, _ histogram: Histogram, _ layout: Histogram.Layout,
                        gradient: Double, hessian: Double, count: Int) -> SplitInfo {
        var best = SplitInfo.none
        let parent = gradient * gradient / (hessian + finder.l2)
        for j in 0..<layout.binCounts.count {
            var leftG = 0.0, leftH = 0.0, leftC = 0
            for b in 0..<(layout.binCounts[j] - 1) {
                let slot = layout.offsets[j] + b
                if histogram.counts[slot] == 0 { continue }
                leftG += histogram.sums[slot].x
                leftH += histogram.sums[slot].y
                leftC += Int(histogram.counts[slot])
                if leftC < finder.minSamplesLeaf || leftH < finder.minHessian { continue }
                let rightC = count - leftC, rightG = gradient - leftG, rightH = hessian - leftH
                if rightC < finder.minSamplesLeaf || rightH < finder.minHessian { break }
                let gain = leftG * leftG / (leftH + finder.l2) + rightG * rightG / (rightH + finder.l2) - parent
                if gain > best.gain {
                    best = SplitInfo(gain: gain, feature: j, bin: b, leftGradient: leftG, leftHessian: leftH,
                                     leftCount: leftC, rightGradient: rightG, rightHessian: rightH, rightCount: rightC)
                }
            }
        }
        return best
    }

    func testSplitFinderChoosesTheSplitOfABinByBinScan() {
        var generator = SplitMix64(seed: 11)
        // Features of 254, 6, 1, 64, 0 and 128 places for a split: the occupied bins are found 64 at a
        // time, so whole words and a part of one.
        let layout = Histogram.Layout(binCounts: [255, 7, 2, 65, 1, 129])
        var differentSplits = Set<Int>()
        for trial in 0..<300 {
            // Sparse histograms (most bins empty in some trials), hessians down to the minimum,
            // and a child made by subtraction, whose empty bins keep rounding residue.
            let rows = 1 + Int(generator.below(trial % 3 == 0 ? 40 : 4000))
            let bins = (0..<rows).map { _ in layout.binCounts.map { Int(generator.below($0)) } }
            let pairs = (0..<rows).map { _ in SIMD2(generator.unit() - 0.6, trial % 5 == 0 ? 1e-4 : generator.unit()) }
            func histogram(_ members: [Int]) -> Histogram {
                var result = Histogram(layout: layout)
                for i in members {
                    for j in 0..<layout.binCounts.count {
                        result.sums[layout.offsets[j] + bins[i][j]] += pairs[i]
                        result.counts[layout.offsets[j] + bins[i][j]] += 1
                    }
                }
                return result
            }
            var node = histogram(Array(0..<rows))
            var members = Array(0..<rows)
            if trial % 2 == 1 {
                let small = members.filter { $0 % 3 == 0 }
                members = members.filter { $0 % 3 != 0 }
                node.subtract(histogram(small))
            }
            let g = members.reduce(0) { $0 + pairs[$1].x }, h = members.reduce(0) { $0 + pairs[$1].y }
            let finder = SplitFinder(l2: trial % 4 == 0 ? 0 : 0.5, minSamplesLeaf: [1, 2, 20][trial % 3],
                                     minHessian: trial % 7 == 0 ? 0 : 1e-3)
            let found = finder.best(node, layout: layout, gradient: g, hessian: h, count: members.count)
            let expected = referenceSplit(finder, node, layout, gradient: g, hessian: h, count: members.count)
            XCTAssertEqual(found, expected, "trial \(trial)")
            XCTAssertEqual(found.gain.bitPattern, expected.gain.bitPattern, "trial \(trial)")
            differentSplits.insert(found.feature * 1000 + found.bin)
        }
        XCTAssertGreaterThan(differentSplits.count, 50, "the trials reach many different splits")
        XCTAssertTrue(differentSplits.contains(-1 * 1000 - 1), "and nodes with no allowed split")
    }

    func testASplitLeavesRowsOnBothSidesWhateverTheTotalsRoundingLeaves() {
        // The node's hessian total exceeds its bins' sum by more than `minHessian` (what summing
        // 10^8 rows in another order can leave) and its last bin is empty: a split after bin 1
        // would leave no row on the right, though the hessian rule alone would allow it.
        let layout = Histogram.Layout(binCounts: [3])
        var node = Histogram(layout: layout)
        node.sums[0] = SIMD2(-2, 10)
        node.counts[0] = 40
        node.sums[1] = SIMD2(-2.4, 12)
        node.counts[1] = 60
        let finder = SplitFinder(l2: 0, minSamplesLeaf: 1, minHessian: 1e-3)
        let found = finder.best(node, layout: layout, gradient: -4.39, hessian: 22.002, count: 100)
        XCTAssertEqual(found, referenceSplit(finder, node, layout, gradient: -4.39, hessian: 22.002, count: 100))
        XCTAssertEqual(found.bin, 0)
        XCTAssertEqual(found.rightCount, 60)
    }

    /// Every row's softmax normalisers, in the blocks of rows the fit's workers take.
    private func normalize(_ scores: [Double], rows n: Int, classes: Int, largest: inout [Double], sums: inout [Double],
                           exponentials: UnsafeMutablePointer<Double>? = nil) {
        let block = SoftmaxLoss.normalizerBlock(rows: n)
        scores.withUnsafeBufferPointer { scores in
            largest.withUnsafeMutableBufferPointer { largest in
                sums.withUnsafeMutableBufferPointer { sums in
                    for start in stride(from: 0, to: n, by: block) {
                        SoftmaxLoss.normalize(start ..< min(n, start + block), scores: scores.baseAddress!, rows: n,
                                              classes: classes, largest: largest.baseAddress!, sums: sums.baseAddress!,
                                              exponentials: exponentials)
                    }
                }
            }
        }
    }

    func testSoftmaxGradientsMatchNumericalDerivatives() {
        // Two rows, three classes, class-major: scores[k * 2 + row].
        let scores: [Double] = [0.3, 0.1, -1.2, 0.0, 2.0, -0.5]
        let labels: [Int32] = [2, 0]
        var largest = [0.0, 0.0], sums = [0.0, 0.0]
        normalize(scores, rows: 2, classes: 3, largest: &largest, sums: &sums)
        var pairs = [SIMD2<Double>](repeating: .zero, count: 6)
        for k in 0..<3 {
            scores.withUnsafeBufferPointer { s in
                pairs.withUnsafeMutableBufferPointer { p in
                    SoftmaxLoss.pairs(scores: s.baseAddress! + k * 2, largest: largest, sums: sums, labels: labels, label: Int32(k),
                                      rows: 2, into: p.baseAddress! + k * 2)
                }
            }
        }
        // Gradients p - [y == k]: over the classes of a row they sum to 1 - 1 = 0.
        XCTAssertEqual(pairs[0].x + pairs[2].x + pairs[4].x, 0, accuracy: 1e-15)
        func loss(_ s: [Double], row: Int) -> Double {
            var p = (0..<3).map { s[$0 * 2 + row] }
            p.withUnsafeMutableBufferPointer { SoftmaxLoss.softmax($0.baseAddress!, classes: 3) }
            return -log(p[Int(labels[row])])
        }
        let step = 1e-5
        for row in 0..<2 {
            for k in 0..<3 {
                var up = scores, down = scores
                up[k * 2 + row] += step
                down[k * 2 + row] -= step
                let numeric = (loss(up, row: row) - loss(down, row: row)) / (2 * step)
                XCTAssertEqual(pairs[k * 2 + row].x, numeric, accuracy: 1e-6)
                let second = (loss(up, row: row) - 2 * loss(scores, row: row) + loss(down, row: row)) / (step * step)
                XCTAssertEqual(pairs[k * 2 + row].y, second, accuracy: 1e-4)
            }
        }
    }

    func testEachRowsPairIsItsOwnWhereverItIs() {
        // 5,003 rows (two blocks of rows as the fit's workers take them, quads of rows, three rows
        // left over) give every row the normaliser and pairs it gets alone.
        let n = 5003, classes = 3
        var generator = SplitMix64(seed: 8)
        let scores = (0..<(n * classes)).map { _ in generator.unit() * 8 - 4 }
        let labels = (0..<n).map { _ in Int32(generator.below(classes)) }
        func run(_ scores: [Double], _ labels: [Int32], rows: Int, keeping: Bool = false)
            -> (largest: [Double], sums: [Double], pairs: [SIMD2<Double>]) {
            var largest = [Double](repeating: 0, count: rows), sums = largest
            var kept = [Double](repeating: .nan, count: keeping ? rows * classes : 0)
            kept.withUnsafeMutableBufferPointer { kept in
                normalize(scores, rows: rows, classes: classes, largest: &largest, sums: &sums,
                          exponentials: keeping ? kept.baseAddress : nil)
            }
            var pairs = [SIMD2<Double>](repeating: .zero, count: rows * classes)
            for k in 0..<classes {
                scores.withUnsafeBufferPointer { s in
                    pairs.withUnsafeMutableBufferPointer { p in
                        kept.withUnsafeBufferPointer { kept in
                            SoftmaxLoss.pairs(scores: s.baseAddress! + k * rows, largest: largest, sums: sums, labels: labels,
                                              label: Int32(k), rows: rows, into: p.baseAddress! + k * rows,
                                              exponentials: keeping ? kept.baseAddress! + k * rows : nil)
                        }
                    }
                }
            }
            return (largest, sums, pairs)
        }
        let all = run(scores, labels, rows: n)
        // The exponentials `normalize` keeps (every row written, the last ones' too) give the
        // pairs `pairs` computes, bit for bit.
        let kept = run(scores, labels, rows: n, keeping: true)
        XCTAssertEqual(kept.largest.map(\.bitPattern), all.largest.map(\.bitPattern))
        XCTAssertEqual(kept.sums.map(\.bitPattern), all.sums.map(\.bitPattern))
        XCTAssertEqual(kept.pairs.map { [$0.x.bitPattern, $0.y.bitPattern] }, all.pairs.map { [$0.x.bitPattern, $0.y.bitPattern] })
        for i in [0, 1, 2, 3, 4, 2501, 2503, 2504, 4999, 5000, 5001, 5002] {
            let alone = run((0..<classes).map { scores[$0 * n + i] }, [labels[i]], rows: 1)
            XCTAssertEqual(all.largest[i].bitPattern, alone.largest[0].bitPattern, "row \(i)")
            XCTAssertEqual(all.sums[i].bitPattern, alone.sums[0].bitPattern, "row \(i)")
            for k in 0..<classes {
                XCTAssertEqual(all.pairs[k * n + i], alone.pairs[k], "row \(i), class \(k)")
            }
            // The class probabilities (gradient + [label]) sum to 1.
            let total = (0..<classes).reduce(0.0) { $0 + all.pairs[$1 * n + i].x + (labels[i] == Int32($1) ? 1 : 0) }
            XCTAssertEqual(total, 1, accuracy: 1e-14)
        }
    }

    func testLearnsARuleAndIsDeterministic() throws {
        let (matrix, labels) = problem(2000, seed: 1)
        var params = BoostingParams()
        params.nEstimators = 30
        params.learningRate = 0.3
        let model = try GradientBoostingClassifier.fit(matrix, labels: labels, classes: ["a", "b", "c"],
                                                       featureNames: ["x", "y", "z"], params: params)
        let (test, truth) = problem(1000, seed: 2)
        let accuracy = Double(zip(model.predict(test), truth).filter { $0 == $1 }.count) / 1000
        XCTAssertGreaterThan(accuracy, 0.97)
        XCTAssertLessThan(model.importance[2], model.importance[0] / 100, "the noise feature barely splits")
        let again = try GradientBoostingClassifier.fit(matrix, labels: labels, classes: ["a", "b", "c"],
                                                       featureNames: ["x", "y", "z"], params: params)
        XCTAssertEqual(again.encoded(), model.encoded())

        // msr-evaluate's blocked path gives what the whole probability matrix gives, to the bit
        // (3,000 rows: three blocks).
        let (large, largeTruth) = problem(3000, seed: 3)
        let probabilities = model.predictProbabilities(large)
        let (predicted, logLoss) = model.predictWithLogLoss(large, labels: largeTruth)
        XCTAssertEqual(predicted, Numerics.argmax(probabilities, width: 3))
        XCTAssertEqual(logLoss.bitPattern, SoftmaxLoss.logLoss(probabilities: probabilities, labels: largeTruth, classes: 3).bitPattern)
    }

    /// The confusion file is written as its JSON tree would serialise, escapes included, in
    /// pieces of about a mebibyte.
    func testConfusionTextIsTheJSONTreesText() {
        let classes = ["pop", #"r"n\b"#, "é\t"]
        func written(_ actual: [Int32], _ predicted: [Int32]) -> (text: String, pieces: Int) {
            var bytes: [UInt8] = [], pieces = 0
            EvaluateStage.writeConfusion(actual: actual, predicted: predicted, classes: classes) {
                bytes += $0
                pieces += 1
            }
            return (String(decoding: bytes, as: UTF8.self), pieces)
        }
        func tree(_ actual: [Int32], _ predicted: [Int32]) -> String {
            JSONValue.array(zip(actual, predicted).map { truth, guess in
                JSONValue.object(["actual": .string(classes[Int(truth)]), "predicted": .string(classes[Int(guess)])])
            }).serialized()
        }
        XCTAssertEqual(written([0, 1, 2, 1], [1, 1, 0, 2]).text, tree([0, 1, 2, 1], [1, 1, 0, 2]))
        XCTAssertEqual(written([], []).text, JSONValue.array([]).serialized())
        let actual = (0..<40_000).map { Int32($0 % 3) }, predicted = (0..<40_000).map { Int32($0 % 7 % 3) }
        let large = written(actual, predicted)
        XCTAssertEqual(large.text, tree(actual, predicted))
        XCTAssertEqual(large.pieces, 3, "2.5 MB in pieces of about 1 MiB")
    }

    func testSubsampleAndEarlyStopping() throws {
        let (matrix, labels) = problem(2000, seed: 5)
        var params = BoostingParams()
        params.nEstimators = 500
        params.learningRate = 0.5
        params.subsample = 0.5
        params.earlyStopping = true
        params.nIterNoChange = 5
        let model = try GradientBoostingClassifier.fit(matrix, labels: labels, classes: ["a", "b", "c"],
                                                       featureNames: ["x", "y", "z"], params: params)
        XCTAssertLessThan(model.rounds, 500, "stops once the held-out loss stalls")
        XCTAssertEqual(model.validationLoss.count, model.rounds)
        let (test, truth) = problem(1000, seed: 6)
        XCTAssertGreaterThan(Double(zip(model.predict(test), truth).filter { $0 == $1 }.count) / 1000, 0.95)
    }

    func testAnEmptyValidationSplitNamesItsOwnKey() {
        let (matrix, labels) = problem(100, seed: 3)
        var params = BoostingParams()
        params.earlyStopping = true
        params.validationFraction = 0.99999
        XCTAssertEqual(errorMessage {
            _ = try GradientBoostingClassifier.fit(matrix, labels: labels, classes: ["a", "b", "c"],
                                                   featureNames: ["x", "y", "z"], params: params)
        }, "train.validation_fraction 0.99999 leaves 0 training and 100 held-out rows out of 100: both sets need at least one row")
    }

    func testModelFileRoundTripsAndRefusesDamage() throws {
        let (matrix, labels) = problem(300, seed: 7)
        var params = BoostingParams()
        params.nEstimators = 5
        let model = try GradientBoostingClassifier.fit(matrix, labels: labels, classes: ["a", "b", "c"],
                                                       featureNames: ["x", "y", "z"], params: params)
        let bytes = model.encoded()
        let loaded = try GradientBoostingClassifier.decode(bytes, file: "m")
        XCTAssertEqual(loaded.encoded(), bytes)
        XCTAssertEqual(loaded.predictProbabilities(matrix), model.predictProbabilities(matrix))
        let truncated = errorMessage { _ = try GradientBoostingClassifier.decode(Array(bytes.dropLast(3)), file: "m") }
        XCTAssertTrue(truncated.hasPrefix("m: truncated at byte "), truncated)
        XCTAssertTrue(truncated.hasSuffix(" (the file is damaged or not an msr model)"), truncated)
        XCTAssertEqual(errorMessage { _ = try GradientBoostingClassifier.decode(Array("hello".utf8), file: "m") },
                       "m: not an msr boosted-trees model (expected the MSRGBDT1 header)")
        // The first tree's root sent back to itself: nodes are 16 bytes at the end, left at +12.
        XCTAssertEqual(model.forest.nodes[0].feature >= 0, true, "the first tree splits")
        var looping = bytes
        let root = bytes.count - model.forest.nodes.count * 16
        looping.replaceSubrange((root + 12)..<(root + 16), with: [0, 0, 0, 0])
        XCTAssertEqual(errorMessage { _ = try GradientBoostingClassifier.decode(looping, file: "m") },
                       "m: tree 0 node 0 points outside the tree: a damaged model")
    }

    func testClassificationReportByHand() {
        // actual:    0 0 0 1 1 2
        // predicted: 0 0 1 1 2 2
        let report = ClassificationReport(actual: [0, 0, 0, 1, 1, 2], predicted: [0, 0, 1, 1, 2, 2], classes: ["a", "b", "c"])
        XCTAssertEqual(report.accuracy, 4.0 / 6)
        XCTAssertEqual(report.perClass[0], .init(precision: 1, recall: 2.0 / 3, f1: 0.8, support: 3))
        XCTAssertEqual(report.perClass[1].precision, 0.5)
        XCTAssertEqual(report.perClass[1].recall, 0.5)
        XCTAssertEqual(report.perClass[2].precision, 0.5)
        XCTAssertEqual(report.perClass[2].recall, 1)
        XCTAssertEqual(report.macro.f1, (0.8 + 0.5 + 2.0 / 3) / 3, accuracy: 1e-12)
        XCTAssertEqual(report.weighted.f1, (0.8 * 3 + 0.5 * 2 + 2.0 / 3) / 6, accuracy: 1e-12)
        XCTAssertEqual(report.confusion, [[2, 1, 0], [0, 1, 1], [0, 0, 1]])
        XCTAssertTrue(report.text.contains("           a       1.00      0.67      0.80         3\n"), report.text)
        XCTAssertTrue(report.text.contains("    accuracy                           0.67         6\n"), report.text)
    }

    func testTrainParamsErrorsNameTheKey() {
        func error(_ train: String) -> String {
            loadError("ingest:\n  genres: [a, b]\ntransform:\n  test_size: 0.2\n  random_state: 1\ntrain:\n" + train
                + "cluster:\n  n_components: 3\n  covariance_type: full\n  random_state: 1\n",
                      as: "p.yaml") { _ = try Params.load(path: $0) }
        }
        let base = "  learning_rate: 0.1\n  n_estimators: 10\n  random_state: 1\n"
        XCTAssertEqual(error(base + "  max_depth: 0\n"), "p.yaml:10:14: train.max_depth: expected an integer in [1, 64], got \"0\"")
        XCTAssertEqual(error("  learning_rate: -1\n  n_estimators: 10\n  random_state: 1\n  max_depth: 3\n"),
                       "p.yaml:7:18: train.learning_rate: expected a number > 0, got \"-1\"")
        XCTAssertEqual(error(base + "  max_depth: 3\n  max_bins: 300\n"),
                       "p.yaml:11:13: train.max_bins: expected an integer in [2, 255], got \"300\"")
        XCTAssertEqual(error(base + "  max_depth: 3\n  subsample: 0\n"),
                       "p.yaml:11:14: train.subsample: expected a number in (0, 1], got \"0\"")
        // Every count and limit has a range that keeps msr-train within memory and time.
        XCTAssertEqual(error("  learning_rate: 0.1\n  n_estimators: 1000000000\n  random_state: 1\n  max_depth: 3\n"),
                       "p.yaml:8:17: train.n_estimators: expected an integer in [1, 10000], got \"1000000000\"")
        XCTAssertEqual(error(base + "  max_depth: 65\n"), "p.yaml:10:14: train.max_depth: expected an integer in [1, 64], got \"65\"")
        XCTAssertEqual(error(base + "  max_depth: 3\n  max_leaves: 65536\n"),
                       "p.yaml:11:15: train.max_leaves: expected an integer in [2, 1024], got \"65536\"")
        XCTAssertEqual(error(base + "  max_depth: 3\n  min_samples_leaf: 0\n"),
                       "p.yaml:11:21: train.min_samples_leaf: expected an integer in [1, 1000000], got \"0\"")
        XCTAssertEqual(error(base + "  max_depth: 3\n  n_iter_no_change: 100000\n"),
                       "p.yaml:11:21: train.n_iter_no_change: expected an integer in [1, 10000], got \"100000\"")
        XCTAssertEqual(error(base + "  max_depth: 3\n  tol: -1\n"), "p.yaml:11:8: train.tol: expected a number >= 0, got \"-1\"")
        XCTAssertEqual(error(base + "  max_depth: 64\n  max_leaves: 1024\n  n_iter_no_change: 10000\n  min_samples_leaf: 1000000\n"), "no error")
        XCTAssertEqual(error(base + "  max_depth: 3\n  objective: softmax\n"),
                       "p.yaml:11:14: train.objective: expected one of multiclass, multiclassova, got \"softmax\"")
        // Keys valid alone but not together: refused at the objective, both named.
        XCTAssertEqual(error(base + "  max_depth: 3\n  objective: multiclassova\n  early_stopping: true\n"),
                       "p.yaml:11:14: train.objective: multiclassova fits the genres one after another and does not stop early: "
                           + "set early_stopping to false or objective to multiclass")
        XCTAssertEqual(error(base + "  max_depth: 3\n  objective: multiclassova\n  early_stopping: false\n"), "no error")
    }

    /// One booster per class against the rest: it learns the rule, its model reads as the
    /// softmax fit's (round-major trees, each row's probabilities summing to 1, each class's
    /// baseline its log-odds), and a fit gives the same bytes again, with or without bagging.
    func testOneVsRestLearnsARuleAndIsDeterministic() throws {
        let (matrix, labels) = problem(2000, seed: 1)
        var params = BoostingParams()
        params.nEstimators = 30
        params.learningRate = 0.3
        params.objective = .multiclassova
        var reported: [Int] = []
        let model = try GradientBoostingClassifier.fit(matrix, labels: labels, classes: ["a", "b", "c"],
                                                       featureNames: ["x", "y", "z"], params: params) { trees, total in
            XCTAssertEqual(total, 90)
            reported.append(trees)
        }
        let wave = min(Parallel.width, 3) * 30
        XCTAssertEqual(reported, Array(stride(from: wave, to: 90, by: wave)) + [90], "after each wave of one class a core")
        XCTAssertEqual(model.rounds, 30)
        XCTAssertEqual(model.forest.treeCount, 90)
        let counts = (0..<3).map { k in labels.filter { $0 == Int32(k) }.count }
        for k in 0..<3 { XCTAssertEqual(model.baseline[k], log(Double(counts[k]) / Double(2000 - counts[k])), accuracy: 1e-12) }
        let (test, truth) = problem(1000, seed: 2)
        XCTAssertGreaterThan(Double(zip(model.predict(test), truth).filter { $0 == $1 }.count) / 1000, 0.97)
        let probabilities = model.predictProbabilities(test)
        for i in 0..<1000 { XCTAssertEqual(probabilities[(3 * i)..<(3 * i + 3)].reduce(0, +), 1, accuracy: 1e-12) }
        XCTAssertLessThan(model.importance[2], model.importance[0] / 100, "the noise feature barely splits")
        let again = try GradientBoostingClassifier.fit(matrix, labels: labels, classes: ["a", "b", "c"],
                                                       featureNames: ["x", "y", "z"], params: params)
        XCTAssertEqual(again.encoded(), model.encoded())
        // Not the softmax fit under another name.
        params.objective = .multiclass
        XCTAssertNotEqual(try GradientBoostingClassifier.fit(matrix, labels: labels, classes: ["a", "b", "c"],
                                                             featureNames: ["x", "y", "z"], params: params).encoded(), model.encoded())

        params.objective = .multiclassova
        params.subsample = 0.5
        let bagged = try GradientBoostingClassifier.fit(matrix, labels: labels, classes: ["a", "b", "c"],
                                                        featureNames: ["x", "y", "z"], params: params)
        XCTAssertNotEqual(bagged.encoded(), model.encoded())
        XCTAssertEqual(try GradientBoostingClassifier.fit(matrix, labels: labels, classes: ["a", "b", "c"],
                                                          featureNames: ["x", "y", "z"], params: params).encoded(), bagged.encoded())
        XCTAssertGreaterThan(Double(zip(bagged.predict(test), truth).filter { $0 == $1 }.count) / 1000, 0.95)
        params.earlyStopping = true
        XCTAssertEqual(errorMessage {
            _ = try GradientBoostingClassifier.fit(matrix, labels: labels, classes: ["a", "b", "c"], featureNames: ["x", "y", "z"],
                                                   params: params)
        }, "train.objective: multiclassova fits the genres one after another and does not stop early: "
            + "set early_stopping to false or objective to multiclass")
    }

    /// The logistic pairs: `σ(s) - y` and `σ(s)(1 - σ(s))` from the four-wide exponentials, kept
    /// in Float32 (the Float64 values rounded once), the same for the rows of a block of four and
    /// of the tail, without overflow at large scores.
    func testLogisticPairs() {
        let scores: [Double] = [0, 2, -2, 40, -40, 800, -800, 0.5, -1e-300]
        let labels: [Int32] = [1, 0, 1, 1, 0, 0, 1, 2, 1]
        var pairs = [FloatPair](repeating: FloatPair(pair: .zero), count: scores.count)
        scores.withUnsafeBufferPointer { s in
            labels.withUnsafeBufferPointer { l in
                LogisticLoss.pairs(scores: s.baseAddress!, labels: l.baseAddress!, label: 1, rows: scores.count, into: &pairs)
            }
        }
        for (i, s) in scores.enumerated() {
            let p = 1 / (1 + exp(-s)), y: Double = labels[i] == 1 ? 1 : 0
            XCTAssertEqual(pairs[i].pair.x, Float(p - y), accuracy: Float(abs(p - y)) * 1e-6, "row \(i)")
            XCTAssertEqual(pairs[i].pair.y, Float(max(p * (1 - p), 1e-16)), accuracy: Float(max(p * (1 - p), 1e-16)) * 1e-6, "row \(i)")
            XCTAssertTrue(pairs[i].pair.x.isFinite && pairs[i].pair.y > 0, "row \(i)")
            XCTAssertEqual(pairs[i].wide, SIMD2(Double(pairs[i].pair.x), Double(pairs[i].pair.y)), "widened exactly")
        }
    }

    func testParamsYAMLListsEveryTrainKeyWithTheCodeDefaults() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let params = try Params.load(path: "\(root)/params.yaml")
        XCTAssertEqual(params.train, BoostingParams(), "the code's defaults are params.yaml's values")
        var file = try ConfigValue.load(path: "\(root)/params.yaml").mapping()
        let keys: Set = ["learning_rate", "max_depth", "n_estimators", "random_state", "max_leaves", "min_samples_leaf",
                         "l2_regularization", "max_bins", "subsample", "early_stopping", "validation_fraction", "n_iter_no_change", "tol",
                         "objective"]
        XCTAssertEqual(Set(try file.required("train").mapping().keys), keys, "params.yaml lists every key msr-train reads")
        XCTAssertEqual(Set(BoostingParams().mlflowParams.keys), keys, "MLflow logs every key msr-train reads")
        XCTAssertEqual(BoostingParams().mlflowParams["tol"], "1e-07")
    }
}
