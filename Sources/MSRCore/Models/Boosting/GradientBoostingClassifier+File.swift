/// The classifier's file (`models/classifier.msrgb`), little-endian, version 2:
///
/// ```
/// "MSRGBDT1"                                  8 bytes of magic
/// version: UInt32 (2)
/// classes K, features F, trees T, nodes N: UInt32 each
/// K class names, F feature names              UInt32 byte length + UTF-8 each
/// baseline: K Float64                         the starting raw score of each class
/// importance: F Float64                       total split gain per feature
/// roots: T UInt32                             each tree's first node; tree t is class t % K
/// N nodes of 16 bytes, each:
///   value: Float64                            a split's threshold (go left when x <= value),
///                                             a leaf's score (learning rate applied)
///   feature: Int32                            -1 for a leaf
///   left: Int32                               the left child's node index; the right is left + 1
/// ```
///
/// The nodes are `Forest`'s memory layout, so loading is one copy plus a check that every node
/// points forward inside its tree: a model of 2,500 trees loads in about a millisecond. The same
/// model always encodes to the same bytes.
extension GradientBoostingClassifier {
    static let magic = "MSRGBDT1"
    static let version: UInt32 = 2

    /// The file's bytes.
    public func encoded() -> [UInt8] {
        var writer = BinaryWriter()
        writer.raw(Array(Self.magic.utf8))
        writer.uint32(Self.version)
        writer.uint32(UInt32(classes.count))
        writer.uint32(UInt32(featureNames.count))
        writer.uint32(UInt32(forest.treeCount))
        writer.uint32(UInt32(forest.nodes.count))
        for name in classes { writer.string(name) }
        for name in featureNames { writer.string(name) }
        writer.doubles(baseline)
        writer.doubles(importance)
        writer.int32s(forest.roots)
        writer.records(forest.nodes)
        return writer.bytes
    }

    /// Writes the model atomically.
    public func write(to path: String) throws {
        try AtomicFile.write(encoded(), to: path)
    }

    /// Reads a model file; a damaged or foreign file is a bad-data error naming it.
    public static func read(_ path: String) throws -> GradientBoostingClassifier {
        try FileBytes.withMapped(path, what: "model file") { try decode(BinaryReader(bytes: $0, file: path)) }
    }

    static func decode(_ bytes: [UInt8], file: String) throws -> GradientBoostingClassifier {
        try bytes.withUnsafeBytes { try decode(BinaryReader(bytes: $0, file: file)) }
    }

    static func decode(_ reader: BinaryReader) throws -> GradientBoostingClassifier {
        var reader = reader
        let file = reader.file
        try reader.header(magic: magic, version: version, what: "boosted-trees model", remedy: "train again")
        let classCount = try reader.count(limit: 100_000, what: "class")
        let featureCount = try reader.count(limit: 100_000, what: "feature")
        let treeCount = try reader.count(limit: 100_000_000, what: "tree")
        let nodeCount = try reader.count(limit: 1 << 31, what: "node")
        let classes = try (0..<classCount).map { _ in try reader.string() }
        let featureNames = try (0..<featureCount).map { _ in try reader.string() }
        let baseline = try reader.doubles(classCount)
        let importance = try reader.doubles(featureCount)
        let roots = try reader.int32s(treeCount)
        let forest = Forest(nodes: try reader.records(nodeCount, of: Forest.Node.self), roots: roots)
        guard reader.atEnd else { throw MSRError.badData(file: file, "unexpected bytes after the last tree: a damaged model") }
        if let problem = forest.problem(features: featureCount) {
            throw MSRError.badData(file: file, "\(problem): a damaged model")
        }
        return GradientBoostingClassifier(classes: classes, featureNames: featureNames, baseline: baseline,
                                          forest: forest, importance: importance)
    }
}
