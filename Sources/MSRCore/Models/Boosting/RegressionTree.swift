/// A tree as it grows: parallel node arrays, node 0 the root. An internal node sends a row left
/// when its feature's value is at or below `threshold`; a leaf (feature -1) holds the value
/// added to the raw score, the learning rate already applied. A fitted model keeps its trees
/// flattened in a `Forest`.
public struct RegressionTree: Sendable, Equatable {
    public var feature: [Int32]
    public var threshold: [Double]
    /// The bin threshold, for rows already binned (training).
    public var binThreshold: [UInt8]
    public var left: [Int32]
    public var right: [Int32]
    public var value: [Double]

    public init() {
        feature = []; threshold = []; binThreshold = []; left = []; right = []; value = []
    }

    public var nodeCount: Int { feature.count }

    /// Appends a leaf; returns its index.
    mutating func addLeaf(_ leafValue: Double) -> Int {
        feature.append(-1); threshold.append(0); binThreshold.append(0); left.append(-1); right.append(-1)
        value.append(leafValue)
        return feature.count - 1
    }

    /// Turns leaf `node` into a split with the given children.
    mutating func split(_ node: Int, feature j: Int, threshold edge: Double, bin: Int, left l: Int, right r: Int) {
        feature[node] = Int32(j)
        threshold[node] = edge
        binThreshold[node] = UInt8(bin)
        left[node] = Int32(l)
        right[node] = Int32(r)
        value[node] = 0
    }

    /// The leaf value for one row of bins (training).
    @inline(__always)
    func predictBinned(_ row: UnsafePointer<UInt8>) -> Double {
        var node = 0
        while feature[node] >= 0 {
            node = Int(row[Int(feature[node])] <= binThreshold[node] ? left[node] : right[node])
        }
        return value[node]
    }
}
