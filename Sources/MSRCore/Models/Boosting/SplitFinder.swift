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

    /// Bit `i` set when `counts[i]` (`i < count`, at most 64) is not zero: one vector compare
    /// per few bins instead of a branch per bin, which mispredicted where filled and empty bins
    /// alternate.
    @inline(__always)
    static func occupied(_ counts: UnsafePointer<Int32>, _ count: Int) -> UInt64 {
        var bits: UInt64 = 0
        for i in 0..<count { bits |= (counts[i] != 0 ? 1 : 0) &<< UInt64(i) }
        return bits
    }

    /// The best split of a node whose totals are given; `.none` when no split passes the rules.
    /// Ties keep the first feature, then the first bin, so the choice is deterministic.
    ///
    /// Each feature in three passes: the left side's running sums at the non-empty bins that
    /// pass the rules, packed; their gains four at a time; the first largest. The same gains, bit
    /// for bit, as dividing bin by bin while scanning, in less time: the divisions of four bins
    /// in flight at once, and no best split carried from bin to bin.
    public func best(_ histogram: Histogram, layout: Histogram.Layout,
                     gradient: Double, hessian: Double, count: Int) -> SplitInfo {
        var best = SplitInfo.none
        let parentScore = score(gradient, hessian)
        let capacity = (layout.binCounts.max() ?? 0) + 4
        histogram.sums.withUnsafeBufferPointer { sums in
          histogram.counts.withUnsafeBufferPointer { counts in
            withUnsafeTemporaryAllocation(of: Double.self, capacity: 3 * capacity) { scratch in
              withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * capacity) { places in
                let sumG = scratch.baseAddress!, sumH = sumG + capacity, gains = sumH + capacity
                let binOf = places.baseAddress!, countOf = binOf + capacity
                let (minLeaf, minH, total) = (minSamplesLeaf, minHessian, count)
                for j in 0..<layout.binCounts.count {
                    let offset = layout.offsets[j]
                    // The bins where a split may go, with the left side's sums there. Only the
                    // occupied bins are visited (an empty bin moves nothing across: the same split
                    // as the bin before it), found 64 at a time from the counts.
                    var left = SIMD2<Double>.zero, leftC = 0, found = 0
                    let candidates = layout.binCounts[j] - 1
                    var word = 0
                    scan: while word < candidates {
                        var occupied = Self.occupied(counts.baseAddress! + (offset &+ word), min(64, candidates &- word))
                        while occupied != 0 {
                            let b = word &+ occupied.trailingZeroBitCount
                            occupied &= occupied &- 1
                            let slot = offset &+ b
                            left += sums[slot]
                            leftC &+= Int(counts[slot])
                            if leftC < minLeaf || left.y < minH { continue }
                            if total &- leftC < minLeaf || hessian - left.y < minH { break scan }
                            sumG[found] = left.x
                            sumH[found] = left.y
                            binOf[found] = b
                            countOf[found] = leftC
                            found &+= 1
                        }
                        word &+= 64
                    }
                    if found == 0 { continue }
                    // The last vector's unused lanes: any finite value (their gains are not read).
                    for k in found..<(found + 4) { sumG[k] = 0; sumH[k] = 0 }
                    // Both sides' `G^2 / (H + l2)` (`score`'s arithmetic, lane by lane).
                    let g = SIMD4(repeating: gradient), h = SIMD4(repeating: hessian), l2 = SIMD4(repeating: self.l2)
                    for k in stride(from: 0, to: found, by: 4) {
                        let lG = UnsafeRawPointer(sumG + k).loadUnaligned(as: SIMD4<Double>.self)
                        let lH = UnsafeRawPointer(sumH + k).loadUnaligned(as: SIMD4<Double>.self)
                        let rG = g - lG, rH = h - lH
                        let gain = lG * lG / (lH + l2) + rG * rG / (rH + l2) - SIMD4(repeating: parentScore)
                        UnsafeMutableRawPointer(gains + k).storeBytes(of: gain, as: SIMD4<Double>.self)
                    }
                    for k in 0..<found where gains[k] > best.gain {
                        best = SplitInfo(gain: gains[k], feature: j, bin: binOf[k],
                                         leftGradient: sumG[k], leftHessian: sumH[k], leftCount: countOf[k],
                                         rightGradient: gradient - sumG[k], rightHessian: hessian - sumH[k],
                                         rightCount: count - countOf[k])
                    }
                }
              }
            }
          }
        }
        return best
    }
}
