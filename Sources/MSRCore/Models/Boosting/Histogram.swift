import CMemory

/// Per-bin sums of gradients and hessians, and row counts, for one node of a tree, every
/// feature's bins one after the other (feature `j` starts at `layout.offsets[j]`). A bin's
/// gradient and hessian sums are one `SIMD2<Double>`, so adding a row to a bin is one vector add.
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

    /// `(gradient, hessian)` sums for slot `offsets[j] + bin`.
    public var sums: [SIMD2<Double>]
    /// Rows in each slot.
    public var counts: [Int32]

    /// Every bin empty (each array zeroed by one `memset`; `Array(repeating:)` stored the
    /// `SIMD2` zeros one by one, 3% of a fit).
    public init(layout: Layout) {
        sums = Self.zeroed(layout.totalBins)
        counts = Self.zeroed(layout.totalBins)
    }

    private static func zeroed<Element: BitwiseCopyable>(_ count: Int) -> [Element] {
        Array(unsafeUninitializedCapacity: count) { buffer, initialized in
            UnsafeMutableRawBufferPointer(buffer).initializeMemory(as: UInt8.self, repeating: 0)
            initialized = count
        }
    }

    /// Sums the rows `indices` into the bins of every feature, from row-major bins
    /// (`bins[i * features + j]`) and each row's `(gradient, hessian)` pair (`pairs[i]`).
    public mutating func build(bins: UnsafePointer<UInt8>, layout: Layout, indices: UnsafeBufferPointer<Int32>,
                               pairs: UnsafePointer<SIMD2<Double>>) {
        guard let first = indices.baseAddress else { return }
        layout.offsets.withUnsafeBufferPointer { offsets in
            sums.withUnsafeMutableBufferPointer { sums in
                counts.withUnsafeMutableBufferPointer { counts in
                    Self.accumulate(bins: bins, features: offsets.count, offsets: offsets.baseAddress!, rows: first,
                                    count: indices.count, pairs: pairs, sums: sums.baseAddress!, counts: counts.baseAddress!)
                }
            }
        }
    }

    /// `build`'s loop, a function of its own so that its pointers stay in registers.
    @inline(never)
    private static func accumulate(bins: UnsafePointer<UInt8>, features: Int, offsets: UnsafePointer<Int>,
                                   rows: UnsafePointer<Int32>, count: Int, pairs: UnsafePointer<SIMD2<Double>>,
                                   sums: UnsafeMutablePointer<SIMD2<Double>>, counts: UnsafeMutablePointer<Int32>) {
        let ahead = 16
        for k in 0..<count {
            // Rows are scattered in memory: start loading one a few rows ahead (its bins and its
            // pair).
            if k &+ ahead < count {
                let next = Int(rows[k &+ ahead])
                msr_prefetch(bins + next &* features)
                msr_prefetch(UnsafeRawPointer(pairs + next))
            }
            let index = Int(rows[k])
            let row = bins + index &* features
            let pair = pairs[index]
            for j in 0..<features {
                let slot = offsets[j] &+ Int(row[j])
                sums[slot] += pair
                counts[slot] &+= 1
            }
        }
    }

    /// No bins: what a histogram handed on (`subtract`) leaves behind.
    static let empty = Histogram(sums: [], counts: [])

    private init(sums: [SIMD2<Double>], counts: [Int32]) {
        self.sums = sums
        self.counts = counts
    }

    /// `self - child`, in place: a parent's histogram becomes its other child's (no copy when
    /// the parent's arrays are this histogram's alone).
    public mutating func subtract(_ child: Histogram) {
        sums.withUnsafeMutableBufferPointer { out in
            child.sums.withUnsafeBufferPointer { theirs in
                for k in 0..<out.count { out[k] -= theirs[k] }
            }
        }
        counts.withUnsafeMutableBufferPointer { out in
            child.counts.withUnsafeBufferPointer { theirs in
                for k in 0..<out.count { out[k] &-= theirs[k] }
            }
        }
    }
}
