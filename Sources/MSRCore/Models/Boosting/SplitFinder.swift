/// The best way to split one node, as the splitter found it.
public struct SplitInfo: Sendable, Equatable {
    /// The loss reduction; not positive when no split is allowed.
    public var gain: Double
    public var feature: Int
    /// Rows with a bin at or below this go left.
    public var bin: Int
    public var leftGradient: Double, leftHessian: Double, leftCount: Int
    public var rightGradient: Double, rightHessian: Double, rightCount: Int

    public static let none = SplitInfo(gain: 0, feature: -1, bin: -1, leftGradient: 0, leftHessian: 0, leftCount: 0,
                                       rightGradient: 0, rightHessian: 0, rightCount: 0)
}

/// Finds the split of a node with the largest gain, scanning each feature's histogram left to
/// right (XGBoost's gain with L2 regularisation; LightGBM's and scikit-learn's too).
public struct SplitFinder: Sendable {
    public var l2: Double
    public var minSamplesLeaf: Int
    public var minHessian: Double

    /// `G^2 / (H + l2)`, the loss reduction a leaf with these sums achieves (up to a factor).
    @inline(__always)
    func score(_ gradient: Double, _ hessian: Double) -> Double {
        gradient * gradient / (hessian + l2)
    }

    /// The best split of a node whose totals are given; `.none` when no split passes the rules.
    /// Ties keep the first feature, then the first bin, so the choice is deterministic.
    public func best(_ histogram: Histogram, layout: Histogram.Layout,
                     gradient: Double, hessian: Double, count: Int) -> SplitInfo {
        var best = SplitInfo.none
        let parentScore = score(gradient, hessian)
        histogram.sums.withUnsafeBufferPointer { sums in
          histogram.counts.withUnsafeBufferPointer { counts in
            for j in 0..<layout.binCounts.count {
                let offset = layout.offsets[j]
                var leftG = 0.0, leftH = 0.0, leftC = 0
                for b in 0..<(layout.binCounts[j] - 1) {
                    let slot = offset + b
                    // An empty bin moves nothing across: same split as the bin before it.
                    if counts[slot] == 0 { continue }
                    leftG += sums[slot].x
                    leftH += sums[slot].y
                    leftC += Int(counts[slot])
                    if leftC < minSamplesLeaf || leftH < minHessian { continue }
                    let rightC = count - leftC
                    if rightC < minSamplesLeaf { break }
                    let rightG = gradient - leftG, rightH = hessian - leftH
                    if rightH < minHessian { break }
                    // Both sides' `G^2 / (H + l2)` in one two-lane division (`score`'s
                    // arithmetic, lane by lane: the same bits, half the divisions' time).
                    let sides = SIMD2(leftG * leftG, rightG * rightG) / SIMD2(leftH + l2, rightH + l2)
                    let gain = sides.x + sides.y - parentScore
                    if gain > best.gain {
                        best = SplitInfo(gain: gain, feature: j, bin: b,
                                         leftGradient: leftG, leftHessian: leftH, leftCount: leftC,
                                         rightGradient: rightG, rightHessian: rightH, rightCount: rightC)
                    }
                }
            }
          }
        }
        return best
    }
}
