import CMemory

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
            withUnsafeTemporaryAllocation(of: Double.self, capacity: 3 * capacity) { doubles in
              withUnsafeTemporaryAllocation(of: Int.self, capacity: capacity) { binBuffer in
                let place = Places(gradients: doubles.baseAddress!, hessians: doubles.baseAddress! + capacity,
                                   bins: binBuffer.baseAddress!)
                let gains = doubles.baseAddress! + 2 * capacity
                for j in 0..<layout.binCounts.count {
                    let offset = layout.offsets[j]
                    let found = Self.places(sums: sums.baseAddress! + offset, counts: counts.baseAddress! + offset,
                                            candidates: layout.binCounts[j] - 1, minLeaf: minSamplesLeaf,
                                            minHessian: minHessian, count: count, hessian: hessian, into: place)
                    if found == 0 { continue }
                    // The last vector's unused lanes: any finite value (their gains are not read).
                    for k in found..<(found + 4) {
                        place.gradients[k] = 0
                        place.hessians[k] = 0
                    }
                    // Both sides' `G^2 / (H + l2)` (`score`'s arithmetic, lane by lane), four
                    // places a vector load.
                    let g = SIMD4(repeating: gradient), h = SIMD4(repeating: hessian), l2 = SIMD4(repeating: self.l2)
                    for k in stride(from: 0, to: found, by: 4) {
                        let lG = UnsafeRawPointer(place.gradients + k).loadUnaligned(as: SIMD4<Double>.self)
                        let lH = UnsafeRawPointer(place.hessians + k).loadUnaligned(as: SIMD4<Double>.self)
                        let rG = g - lG, rH = h - lH
                        let gain = lG * lG / (lH + l2) + rG * rG / (rH + l2) - SIMD4(repeating: parentScore)
                        UnsafeMutableRawPointer(gains + k).storeBytes(of: gain, as: SIMD4<Double>.self)
                    }
                    for k in 0..<found where gains[k] > best.gain {
                        let (leftG, leftH) = (place.gradients[k], place.hessians[k])
                        best = SplitInfo(gain: gains[k], feature: j, bin: place.bins[k],
                                         leftGradient: leftG, leftHessian: leftH, leftCount: 0,
                                         rightGradient: gradient - leftG, rightHessian: hessian - leftH,
                                         rightCount: 0)
                    }
                }
              }
            }
          }
        }
        if best.feature >= 0 {
            // The rows on each side of the chosen split.
            let offset = layout.offsets[best.feature]
            best.leftCount = (0...best.bin).reduce(0) { $0 + Int(histogram.counts[offset + $1]) }
            best.rightCount = count - best.leftCount
        }
        return best
    }

    /// The bins a split may go after, with the left side's sums, in three arrays (so that the
    /// gains load four places' sums a vector at a time).
    struct Places {
        let gradients: UnsafeMutablePointer<Double>
        let hessians: UnsafeMutablePointer<Double>
        let bins: UnsafeMutablePointer<Int>
    }

    /// The places a split of one feature may go (its first `candidates` bins, `sums` and `counts`
    /// from its first bin), in bin order, written to `places`; returns how many. Only the
    /// occupied bins are visited (an empty bin moves nothing across: the same split as the bin
    /// before it), found 64 at a time from the counts (`msr_nonzero_bits`: a branch per bin
    /// mispredicted where filled and empty bins alternate). A function of its own, so the scan's
    /// values stay in registers.
    ///
    /// With one row a leaf at least (the default) and a positive `minHessian`, the rows are not
    /// counted bin by bin (a third of the scan's work): the only count rule that can fail is the
    /// right side's being empty, which is a split at or after the feature's last occupied bin.
    static func places(sums: UnsafePointer<SIMD2<Double>>, counts: UnsafePointer<Int32>, candidates: Int, minLeaf: Int,
                       minHessian: Double, count: Int, hessian: Double, into places: Places) -> Int {
        minLeaf > 1 || !(minHessian > 0)
            ? countedPlaces(sums: sums, counts: counts, candidates: candidates, minLeaf: minLeaf, minHessian: minHessian,
                            count: count, hessian: hessian, into: places)
            : uncountedPlaces(sums: sums, counts: counts, candidates: candidates, minHessian: minHessian, hessian: hessian,
                              into: places)
    }

    @inline(never)
    private static func countedPlaces(sums: UnsafePointer<SIMD2<Double>>, counts: UnsafePointer<Int32>, candidates: Int,
                                      minLeaf: Int, minHessian: Double, count: Int, hessian: Double,
                                      into places: Places) -> Int {
        scan(sums: sums, counts: counts, candidates: candidates, counted: true, minLeaf: minLeaf, minHessian: minHessian,
             count: count, hessian: hessian, into: places)
    }

    @inline(never)
    private static func uncountedPlaces(sums: UnsafePointer<SIMD2<Double>>, counts: UnsafePointer<Int32>, candidates: Int,
                                        minHessian: Double, hessian: Double, into places: Places) -> Int {
        scan(sums: sums, counts: counts, candidates: candidates, counted: false, minLeaf: 1, minHessian: minHessian,
             count: 0, hessian: hessian, into: places)
    }

    @inline(__always)
    private static func scan(sums: UnsafePointer<SIMD2<Double>>, counts: UnsafePointer<Int32>, candidates: Int, counted: Bool,
                             minLeaf: Int, minHessian minH: Double, count total: Int, hessian: Double,
                             into places: Places) -> Int {
        // The occupied bins of the whole feature (its last bin too, which is no place for a
        // split but may be the last occupied one), 64 to a word, and the last occupied bin.
        let bins = candidates &+ 1
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: (bins &+ 63) &>> 6) { words in
            var lastOccupied = -1
            for w in 0..<words.count {
                let bits = msr_nonzero_bits(counts + w &<< 6, min(64, bins &- w &<< 6))
                words[w] = bits
                if bits != 0 { lastOccupied = w &<< 6 &+ 63 &- bits.leadingZeroBitCount }
            }
            // Only the first `candidates` bins are places for a split; uncounted, only those
            // before the last occupied one (the right side is empty from it on).
            let limit = counted ? candidates : min(candidates, lastOccupied)
            var left = SIMD2<Double>.zero, leftC = 0, found = 0
            for w in 0..<words.count where limit > w &<< 6 {
                let word = w &<< 6
                var occupied = limit &- word >= 64 ? words[w] : words[w] & ((1 &<< UInt64(limit &- word)) &- 1)
                while occupied != 0 {
                    let b = word &+ occupied.trailingZeroBitCount
                    occupied &= occupied &- 1
                    left += sums[b]
                    if counted {
                        leftC &+= Int(counts[b])
                        if leftC < minLeaf || left.y < minH { continue }
                        if total &- leftC < minLeaf || hessian - left.y < minH { return found }
                    } else {
                        if left.y < minH { continue }
                        if hessian - left.y < minH { return found }
                    }
                    places.gradients[found] = left.x
                    places.hessians[found] = left.y
                    places.bins[found] = b
                    found &+= 1
                }
            }
            return found
        }
    }
}
