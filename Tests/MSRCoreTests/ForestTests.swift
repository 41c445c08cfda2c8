import XCTest
@testable import MSRCore

/// A forest read from a file is checked before it is walked.
final class ForestTests: XCTestCase {
    let leaf = Forest.Node(value: 0.5, feature: -1, left: -1)

    func testARootBeyondTheNodesIsAProblemNotATrap() {
        // Found by scripts/fuzz model: a damaged root made the check itself read past the end.
        XCTAssertEqual(Forest(nodes: [leaf, leaf], roots: [0, 1, 2_097_187]).problem(features: 3),
                       "tree 1 ends at node 2097187, beyond the 2 nodes")
        XCTAssertEqual(Forest(nodes: [leaf, leaf], roots: [0, 1]).problem(features: 3), nil)
    }

    func testTreesWithoutNodesAndChildrenOutsideTheTreeAreProblems() {
        XCTAssertEqual(Forest(nodes: [leaf], roots: [0, 1]).problem(features: 3), "tree 1 has no node")
        let split = Forest.Node(value: 0, feature: 0, left: 5)
        XCTAssertEqual(Forest(nodes: [split, leaf, leaf], roots: [0]).problem(features: 3),
                       "tree 0 node 0 points outside the tree")
    }

    /// Eight rows walking side by side for each tree's depth reach the leaves that rows walking
    /// alone to their leaves reach: the same scores to the bit, for trees whose leaves lie at
    /// several depths (a lone leaf, a chain, full levels), rows with NaN values (which go right)
    /// and counts around eight.
    func testWalksSideBySideReachTheLeavesOfWalksAlone() {
        var trees: [RegressionTree] = []
        var single = RegressionTree()
        _ = single.addLeaf(0.25)
        trees.append(single)
        var generator = SplitMix64(seed: 5)
        for _ in 0..<20 {
            // Split a random leaf 1 to 12 times: leaves end at uneven depths.
            var tree = RegressionTree()
            var leaves = [tree.addLeaf(generator.unit())]
            for _ in 0..<(1 + generator.below(12)) {
                let node = leaves.remove(at: generator.below(leaves.count))
                let left = tree.addLeaf(generator.unit() - 0.5), right = tree.addLeaf(generator.unit() - 0.5)
                tree.split(node, feature: generator.below(3), threshold: generator.unit() * 2 - 1, bin: 0, left: left, right: right)
                leaves += [left, right]
            }
            trees.append(tree)
        }
        let forest = Forest(trees)
        XCTAssertNil(forest.problem(features: 3))
        XCTAssertEqual(forest.depths[0], 0)
        XCTAssertTrue(forest.depths.dropFirst().allSatisfy { $0 >= 1 && $0 <= 12 })
        for count in [0, 1, 7, 8, 9, 16, 61] {
            var rows = (0..<(count * 3)).map { _ in generator.unit() * 2 - 1 }
            for i in stride(from: 0, to: rows.count, by: 7) { rows[i] = .nan }
            var alone = [Double](repeating: 0.5, count: count * 2), together = alone
            rows.withUnsafeBufferPointer { rows in
                // One row a call walks alone; all of them in one call, eight side by side.
                alone.withUnsafeMutableBufferPointer { alone in
                    for r in 0..<count {
                        forest.accumulate(rows: rows.baseAddress! + r * 3, count: 1, features: 3, into: alone.baseAddress! + r * 2, classes: 2)
                    }
                }
                forest.accumulate(rows: rows.baseAddress!, count: count, features: 3, into: &together, classes: 2)
            }
            XCTAssertEqual(together.map(\.bitPattern), alone.map(\.bitPattern), "\(count) rows")
            // Each score is its baseline plus one leaf of each of its class's trees.
            if count > 0 { XCTAssertNotEqual(alone[0], 0.5) }
        }
        // Found by review: damaged models that `problem` lets through, whose nodes have two
        // parents (the shallower last) or are reached by no walk; their depths must still cover
        // the longest walk, or the walks side by side stop short of a leaf.
        func split(_ left: Int32, _ threshold: Double = 0) -> Forest.Node { Forest.Node(value: threshold, feature: 0, left: left) }
        func leaf(_ value: Double) -> Forest.Node { Forest.Node(value: value, feature: -1, left: -1) }
        var twoParents = (0..<13).map { leaf(Double($0)) }
        for (i, left) in [(0, 1), (1, 3), (2, 7), (3, 5), (5, 9), (7, 9), (9, 11)] { twoParents[i] = split(Int32(left)) }
        twoParents[11] = leaf(111)
        var unreached = (0..<8).map { leaf(Double($0)) }
        for (i, left) in [(0, 1), (1, 4), (3, 4)] { unreached[i] = split(Int32(left)) }
        unreached[4] = split(6, 99)
        unreached[6] = leaf(30)
        for (nodes, expected) in [(twoParents, 111.0), (unreached, 30.0)] {
            let damaged = Forest(nodes: nodes, roots: [0])
            XCTAssertNil(damaged.problem(features: 1))
            let rows = [Double](repeating: -1, count: 8)
            var alone = [Double](repeating: 0, count: 8), together = alone
            alone.withUnsafeMutableBufferPointer { alone in
                for r in 0..<8 { damaged.accumulate(rows: rows, count: 1, features: 1, into: alone.baseAddress! + r, classes: 1) }
            }
            damaged.accumulate(rows: rows, count: 8, features: 1, into: &together, classes: 1)
            XCTAssertEqual(alone, [Double](repeating: expected, count: 8))
            XCTAssertEqual(together, alone)
        }
        // A forest of no trees (no nodes) adds nothing, alone or side by side.
        var scores = [Double](repeating: 0.5, count: 16)
        let eight = [Double](repeating: 1, count: 24)
        Forest([]).accumulate(rows: eight, count: 1, features: 3, into: &scores, classes: 2)
        Forest([]).accumulate(rows: eight, count: 8, features: 3, into: &scores, classes: 2)
        XCTAssertEqual(scores, [Double](repeating: 0.5, count: 16))
    }
}
