/// Per-bin sums of gradients, hessians and row counts for one node of a tree, every feature's
/// bins one after the other (feature `j` starts at `layout.offsets[j]`), each bin's three sums
/// adjacent in memory: building touches one cache line per row and feature.
///
/// A child's histogram is its parent's minus its sibling's, so only the smaller child of a split
/// is built from its rows.
public struct Histogram: Sendable, Equatable {
    /// Where each feature's bins start, and how many there are.
    public struct Layout: Sendable, Equatable {
        public let offsets: [Int]
        public let binCounts: [Int]
        public let totalBins: Int

        public init(binCounts: [Int]) {
            var offsets: [Int] = [], total = 0
            for count in binCounts {
                offsets.append(total)
                total += count
            }
            self.offsets = offsets
            self.binCounts = binCounts
            totalBins = total
        }
    }

    /// `sums[3 * slot]` gradient, `+ 1` hessian, `+ 2` count, for slot `offsets[j] + bin`.
    public var sums: [Double]

    public init(layout: Layout) {
        sums = Array(repeating: 0, count: 3 * layout.totalBins)
    }

    /// Sums the rows `indices` into the bins of every feature, from row-major bins
    /// (`bins[i * features + j]`) and gradients gathered in the order of `indices`.
    public mutating func build(bins: UnsafePointer<UInt8>, layout: Layout, indices: UnsafeBufferPointer<Int32>,
                               orderedGradient: UnsafePointer<Double>, orderedHessian: UnsafePointer<Double>) {
        let features = layout.offsets.count
        layout.offsets.withUnsafeBufferPointer { offsets in
            sums.withUnsafeMutableBufferPointer { sums in
                // Slot pointers per feature, so the inner loop is one add per feature.
                let out = sums.baseAddress!
                withUnsafeTemporaryAllocation(of: UnsafeMutablePointer<Double>.self, capacity: features) { starts in
                    for j in 0..<features { starts[j] = out + 3 &* offsets[j] }
                    for k in 0..<indices.count {
                        let row = bins + Int(indices[k]) &* features
                        let g = orderedGradient[k], h = orderedHessian[k]
                        for j in 0..<features {
                            let slot = starts[j] + 3 &* Int(row[j])
                            slot[0] += g
                            slot[1] += h
                            slot[2] += 1
                        }
                    }
                }
            }
        }
    }

    /// `parent - self`: the histogram of the sibling.
    public func sibling(of parent: Histogram) -> Histogram {
        var result = parent
        result.sums.withUnsafeMutableBufferPointer { out in
            sums.withUnsafeBufferPointer { mine in
                for k in 0..<out.count { out[k] -= mine[k] }
            }
        }
        return result
    }
}
