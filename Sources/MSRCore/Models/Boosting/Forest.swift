/// The trees of a fitted model flattened for prediction: every node of every tree in one
/// contiguous array of 16-byte nodes, a tree's children side by side, so walking a tree is one
/// load and one compare per level with no branch on the direction, and a model loads with one
/// copy.
public struct Forest: Sendable, Equatable {
    /// A split (`feature >= 0`: go to `left` when the row's value is at or below `value`, else
    /// to `left + 1`) or a leaf (`feature == -1`: `value` is added to the raw score).
    public struct Node: Sendable, Equatable, BitwiseCopyable {
        public var value: Double
        public var feature: Int32
        /// The left child's index in `nodes`; the right child follows it.
        public var left: Int32
    }

    public private(set) var nodes: [Node]
    /// Where each tree's root is in `nodes`, increasing.
    public private(set) var roots: [Int32]
    /// Each tree's depth (the most splits on a way from its root to a leaf): how many steps
    /// `accumulate`'s walks side by side take. Made with the forest, once.
    private(set) var depths: [Int32]

    public var treeCount: Int { roots.count }

    /// Flattens grown trees (each tree's children were appended in pairs, left then right).
    public init(_ trees: [RegressionTree]) {
        nodes = []
        roots = []
        nodes.reserveCapacity(trees.reduce(0) { $0 + $1.nodeCount })
        for tree in trees {
            let root = nodes.count
            roots.append(Int32(root))
            for i in 0..<tree.nodeCount {
                let leaf = tree.feature[i] < 0
                precondition(leaf || tree.right[i] == tree.left[i] + 1, "a tree's children are adjacent")
                precondition(leaf || Int(tree.left[i]) > i, "a tree's children come after their parent")
                nodes.append(Node(value: leaf ? tree.value[i] : tree.threshold[i], feature: tree.feature[i],
                                  left: leaf ? -1 : Int32(root) + tree.left[i]))
            }
        }
        depths = Self.depths(nodes, roots)
    }

    /// One forest of `parts`' trees taken in turn, round-major: the first tree of each part in
    /// order, then the second of each, and so on (`parts` hold as many trees each); each tree's
    /// nodes as they lie, moved to their new place.
    public init(interleaving parts: [Forest]) {
        nodes = []
        roots = []
        nodes.reserveCapacity(parts.reduce(0) { $0 + $1.nodes.count })
        roots.reserveCapacity(parts.reduce(0) { $0 + $1.treeCount })
        let rounds = parts.first?.treeCount ?? 0
        precondition(parts.allSatisfy { $0.treeCount == rounds }, "every part holds as many trees")
        for t in 0..<rounds {
            for part in parts {
                let start = Int(part.roots[t]), end = t + 1 < rounds ? Int(part.roots[t + 1]) : part.nodes.count
                let shift = Int32(nodes.count) - Int32(start)
                roots.append(Int32(nodes.count))
                for var node in part.nodes[start..<end] {
                    if node.left >= 0 { node.left += shift }
                    nodes.append(node)
                }
            }
        }
        depths = Self.depths(nodes, roots)
    }

    /// A forest read from a file, whose nodes `problem` checks next.
    init(nodes: [Node], roots: [Int32]) {
        self.nodes = nodes
        self.roots = roots
        depths = Self.depths(nodes, roots)
    }

    /// Nil when every tree's nodes point forward, inside the tree, at features below
    /// `features`; otherwise what is wrong.
    func problem(features: Int) -> String? {
        guard roots.first == 0 || roots.isEmpty else { return "the first tree does not start at node 0" }
        for t in 0..<roots.count {
            let start = Int(roots[t]), end = t + 1 < roots.count ? Int(roots[t + 1]) : nodes.count
            guard start < end else { return "tree \(t) has no node" }
            // A root beyond the nodes (a damaged file) would be read past the end.
            guard end <= nodes.count else { return "tree \(t) ends at node \(end), beyond the \(nodes.count) nodes" }
            for i in start..<end where nodes[i].feature != -1 {
                let node = nodes[i]
                guard node.feature >= 0, Int(node.feature) < features, Int(node.left) > i, Int(node.left) + 1 < end else {
                    return "tree \(t) node \(i - start) points outside the tree"
                }
            }
        }
        return nil
    }

    /// Each tree's depth, from nodes `problem` may not have checked yet: a tree or a child
    /// outside the nodes or its tree is passed over (`problem` refuses such a forest). A node
    /// takes the deepest of its parents' levels, as a damaged model that `problem` lets through
    /// may give a node two parents (the shallower last) or hold nodes no walk reaches: a depth is
    /// then never less than a walk's steps.
    private static func depths(_ nodes: [Node], _ roots: [Int32]) -> [Int32] {
        var level: [Int32] = []
        return roots.indices.map { t in
            let start = Int(roots[t]), end = t + 1 < roots.count ? Int(roots[t + 1]) : nodes.count
            guard start >= 0, start < end, end <= nodes.count else { return 0 }
            level.removeAll(keepingCapacity: true)
            level.append(contentsOf: repeatElement(0, count: end - start))
            var deepest: Int32 = 0
            for i in start..<end where nodes[i].feature >= 0 {
                let left = Int(nodes[i].left)
                guard left > i, left + 1 < end else { continue }
                let below = level[i - start] + 1
                level[left - start] = max(level[left - start], below)
                level[left + 1 - start] = max(level[left + 1 - start], below)
                deepest = max(deepest, below)
            }
            return deepest
        }
    }

    /// Adds each tree's leaf value for `count` rows of raw features (row-major, `features`
    /// values each) to their scores (row-major, `classes` each; tree `t` adds to class
    /// `t % classes`). Tree by tree, so a tree's nodes stay in the L1 cache while every row
    /// walks it: 4x faster than walking the whole forest row by row once it outgrows the L2
    /// cache.
    ///
    /// Eight rows walk side by side for as many steps as the tree is deep (`depths`), a row at
    /// its leaf staying there: a walk that stops at its leaf does so by a branch mispredicted
    /// wherever leaves lie at several depths, and each misprediction threw away the next rows'
    /// walks under way (msr-cluster's 1,000,000 songs through 2,500 trees: 24 s of CPU before,
    /// 11 s). The last rows, fewer than eight, walk alone to their leaves: the same leaves.
    func accumulate(rows: UnsafePointer<Double>, count: Int, features: Int,
                    into scores: UnsafeMutablePointer<Double>, classes: Int) {
        nodes.withUnsafeBufferPointer { nodes in
            guard let nodes = nodes.baseAddress else { return }  // no tree
            var k = 0
            for t in roots.indices {
                let root = Int(roots[t])
                var r = 0
                let depth = depths[t]
                while r &+ 8 <= count {
                    let row = rows + r &* features
                    var (a, b, c, d, e, f, g, h) = (root, root, root, root, root, root, root, root)
                    for _ in 0..<depth {
                        a = Self.step(nodes, a, row)
                        b = Self.step(nodes, b, row + features)
                        c = Self.step(nodes, c, row + 2 &* features)
                        d = Self.step(nodes, d, row + 3 &* features)
                        e = Self.step(nodes, e, row + 4 &* features)
                        f = Self.step(nodes, f, row + 5 &* features)
                        g = Self.step(nodes, g, row + 6 &* features)
                        h = Self.step(nodes, h, row + 7 &* features)
                    }
                    let score = scores + (r &* classes &+ k)
                    score[0] += nodes[a].value
                    score[classes] += nodes[b].value
                    score[2 &* classes] += nodes[c].value
                    score[3 &* classes] += nodes[d].value
                    score[4 &* classes] += nodes[e].value
                    score[5 &* classes] += nodes[f].value
                    score[6 &* classes] += nodes[g].value
                    score[7 &* classes] += nodes[h].value
                    r &+= 8
                }
                for r in r..<count {
                    let row = rows + r &* features
                    var i = root
                    while nodes[i].feature >= 0 { i = Self.step(nodes, i, row) }
                    scores[r &* classes &+ k] += nodes[i].value
                }
                k = k &+ 1 == classes ? 0 : k &+ 1
            }
        }
    }

    /// One step of a walk for `row` from node `i`: to the child the row's value picks, or
    /// nowhere from a leaf (whose feature, -1, reads feature 0).
    @inline(__always)
    private static func step(_ nodes: UnsafePointer<Node>, _ i: Int, _ row: UnsafePointer<Double>) -> Int {
        let node = nodes[i]
        let next = Int(node.left) &+ (row[Int(max(node.feature, 0))] <= node.value ? 0 : 1)
        return node.feature < 0 ? i : next
    }
}
