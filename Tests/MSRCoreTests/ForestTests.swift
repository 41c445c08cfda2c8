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
}
