/// The classifier's file (`models/classifier.msrgb`), little-endian, version 1:
///
/// ```
/// "MSRGBDT1"                                  8 bytes of magic
/// version: UInt32 (1)
/// classes K, features F, trees T: UInt32 each
/// K class names, F feature names              UInt32 byte length + UTF-8 each
/// baseline: K Float64                         the starting raw score of each class
/// importance: F Float64                       total split gain per feature
/// T trees, round-major (tree t is class t % K), each:
///   nodes m: UInt32
///   feature: m Int32 (-1 for a leaf), threshold: m Float64 (go left when x <= threshold),
///   left: m Int32, right: m Int32, value: m Float64 (leaf score, learning rate applied)
/// ```
///
/// The same model always encodes to the same bytes; loading reads one buffer and copies arrays,
/// so it takes milliseconds.
extension GradientBoostingClassifier {
    static let magic = Array("MSRGBDT1".utf8)
    static let version: UInt32 = 1

    /// The file's bytes.
    public func encoded() -> [UInt8] {
        var writer = BinaryWriter()
        writer.raw(Self.magic)
        writer.uint32(Self.version)
        writer.uint32(UInt32(classes.count))
        writer.uint32(UInt32(featureNames.count))
        writer.uint32(UInt32(trees.count))
        for name in classes { writer.string(name) }
        for name in featureNames { writer.string(name) }
        writer.doubles(baseline)
        writer.doubles(importance)
        for tree in trees {
            writer.uint32(UInt32(tree.nodeCount))
            writer.int32s(tree.feature)
            writer.doubles(tree.threshold)
            writer.int32s(tree.left)
            writer.int32s(tree.right)
            writer.doubles(tree.value)
        }
        return writer.bytes
    }

    /// Writes the model atomically.
    public func write(to path: String) throws {
        try AtomicFile.write(encoded(), to: path)
    }

    /// Reads a model file; a damaged or foreign file is a bad-data error naming it.
    public static func read(_ path: String) throws -> GradientBoostingClassifier {
        try decode(try FileBytes.read(path, what: "model file"), file: path)
    }

    static func decode(_ bytes: [UInt8], file: String) throws -> GradientBoostingClassifier {
        var reader = BinaryReader(bytes: bytes, file: file)
        guard (try? reader.raw(8)) == magic else {
            throw MSRError.badData(file: file, "not an msr boosted-trees model (expected the MSRGBDT1 header)")
        }
        let version = try reader.uint32()
        guard version == Self.version else {
            throw MSRError.badData(file: file, "model version \(version); this msr reads version \(Self.version) (train again)")
        }
        let classCount = try reader.count(limit: 100_000, what: "class")
        let featureCount = try reader.count(limit: 100_000, what: "feature")
        let treeCount = try reader.count(limit: 100_000_000, what: "tree")
        let classes = try (0..<classCount).map { _ in try reader.string() }
        let featureNames = try (0..<featureCount).map { _ in try reader.string() }
        let baseline = try reader.doubles(classCount)
        let importance = try reader.doubles(featureCount)
        var trees: [RegressionTree] = []
        trees.reserveCapacity(treeCount)
        for t in 0..<treeCount {
            let nodes = try reader.count(limit: 1 << 24, what: "node")
            var tree = RegressionTree()
            tree.feature = try reader.int32s(nodes)
            tree.threshold = try reader.doubles(nodes)
            tree.left = try reader.int32s(nodes)
            tree.right = try reader.int32s(nodes)
            tree.value = try reader.doubles(nodes)
            tree.binThreshold = Array(repeating: 0, count: nodes)
            for node in 0..<nodes where tree.feature[node] >= 0 {
                guard Int(tree.feature[node]) < featureCount,
                      Int(tree.left[node]) > node, Int(tree.left[node]) < nodes, Int(tree.right[node]) > node, Int(tree.right[node]) < nodes else {
                    throw MSRError.badData(file: file, "tree \(t) node \(node) points outside the tree: a damaged model")
                }
            }
            guard nodes > 0 else { throw MSRError.badData(file: file, "tree \(t) has no node: a damaged model") }
            trees.append(tree)
        }
        guard reader.atEnd else { throw MSRError.badData(file: file, "unexpected bytes after the last tree: a damaged model") }
        return GradientBoostingClassifier(classes: classes, featureNames: featureNames, baseline: baseline,
                                          trees: trees, importance: importance)
    }
}
