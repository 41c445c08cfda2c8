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

    /// Every bin empty of sums, the rows in each slot given (`counts`: `Histogram.counts`'s of the
    /// rows `build(counted: false)` will sum).
    init(layout: Layout, counts: [Int32]) {
        sums = Self.zeroed(layout.totalBins)
        self.counts = counts
    }

    /// Every bin empty again.
    mutating func clear() {
        _ = sums.withUnsafeMutableBytes { $0.initializeMemory(as: UInt8.self, repeating: 0) }
        _ = counts.withUnsafeMutableBytes { $0.initializeMemory(as: UInt8.self, repeating: 0) }
    }

    /// Every bin empty of sums again, the rows in each slot given (as `init(layout:counts:)`).
    mutating func clear(counts given: [Int32]) {
        _ = sums.withUnsafeMutableBytes { $0.initializeMemory(as: UInt8.self, repeating: 0) }
        counts.withUnsafeMutableBufferPointer { counts in _ = counts.update(fromContentsOf: given) }
    }

    /// Rows in each slot of `layout` for the rows `indices` (what `build` counts): the rows of
    /// every tree's root of a round are the same, so they are counted once, and each root's
    /// histogram sums them without counting (one store less a row and feature).
    static func counts(bins: UnsafePointer<UInt8>, layout: Layout, indices: some Sequence<Int32>) -> [Int32] {
        var counts: [Int32] = zeroed(layout.totalBins)
        let features = layout.offsets.count
        counts.withUnsafeMutableBufferPointer { counts in
            for index in indices {
                let row = bins + Int(index) &* features
                for j in 0..<features { counts[layout.offsets[j] &+ Int(row[j])] &+= 1 }
            }
        }
        return counts
    }

    private static func zeroed<Element: BitwiseCopyable>(_ count: Int) -> [Element] {
        Array(unsafeUninitializedCapacity: count) { buffer, initialized in
            UnsafeMutableRawBufferPointer(buffer).initializeMemory(as: UInt8.self, repeating: 0)
            initialized = count
        }
    }

    /// Sums the rows `indices` into the bins of every feature, from row-major bins
    /// (`bins[i * features + j]`) and each row's `(gradient, hessian)` pair (`pairs[i]`).
    /// Returns the rows' total pair, summed in `indices`' order (a tree's root takes its totals
    /// from it: a second pass over the rows was a chain of dependent additions, 3% of a fit at a
    /// million rows).
    ///
    /// With `counted` false the rows are summed but not counted: the counts are those the
    /// histogram was made with (`init(layout:counts:)`). With `everyRow` the rows are
    /// `0..<indices.count` in order (a root grown on every row): read in order, not through
    /// `indices` (the same sums; a fifth less time for such a root at a million rows).
    @discardableResult
    mutating func build<Pair: GradientPair>(bins: UnsafePointer<UInt8>, layout: Layout, indices: UnsafeBufferPointer<Int32>,
                                            pairs: UnsafePointer<Pair>, counted: Bool = true, everyRow: Bool = false)
        -> SIMD2<Double> {
        guard let first = indices.baseAddress else { return .zero }
        return layout.offsets.withUnsafeBufferPointer { offsets in
            sums.withUnsafeMutableBufferPointer { sums in
                func sum(_ counts: some RowCounts) -> SIMD2<Double> {
                    everyRow
                        ? Self.accumulate(bins: bins, features: offsets.count, offsets: offsets.baseAddress!, rows: EveryRow(),
                                          count: indices.count, pairs: pairs, sums: sums.baseAddress!, counts: counts)
                        : Self.accumulate(bins: bins, features: offsets.count, offsets: offsets.baseAddress!,
                                          rows: ListedRows(base: first), count: indices.count, pairs: pairs,
                                          sums: sums.baseAddress!, counts: counts)
                }
                guard counted else { return sum(Uncounted()) }
                return counts.withUnsafeMutableBufferPointer { counts in sum(SlotCounts(base: counts.baseAddress!)) }
            }
        }
    }

    /// `build`'s loop, a function of its own so that its pointers stay in registers; one copy
    /// per feature count up to twelve, so that the loop over a row's features is unrolled (the
    /// same sums, 4 to 6% less CPU for a fit of nine features), counting or not.
    @inline(never)
    private static func accumulate<Pair: GradientPair, Counts: RowCounts, Rows: RowList>(
        bins: UnsafePointer<UInt8>, features: Int, offsets: UnsafePointer<Int>, rows: Rows, count: Int,
        pairs: UnsafePointer<Pair>, sums: UnsafeMutablePointer<SIMD2<Double>>, counts: Counts) -> SIMD2<Double> {
        switch features {
        case 1: return accumulate(1, bins, offsets, rows, count, pairs, sums, counts)
        case 2: return accumulate(2, bins, offsets, rows, count, pairs, sums, counts)
        case 3: return accumulate(3, bins, offsets, rows, count, pairs, sums, counts)
        case 4: return accumulate(4, bins, offsets, rows, count, pairs, sums, counts)
        case 5: return accumulate(5, bins, offsets, rows, count, pairs, sums, counts)
        case 6: return accumulate(6, bins, offsets, rows, count, pairs, sums, counts)
        case 7: return accumulate(7, bins, offsets, rows, count, pairs, sums, counts)
        case 8: return accumulate(8, bins, offsets, rows, count, pairs, sums, counts)
        case 9: return accumulate(9, bins, offsets, rows, count, pairs, sums, counts)
        case 10: return accumulate(10, bins, offsets, rows, count, pairs, sums, counts)
        case 11: return accumulate(11, bins, offsets, rows, count, pairs, sums, counts)
        case 12: return accumulate(12, bins, offsets, rows, count, pairs, sums, counts)
        default: return accumulate(features, bins, offsets, rows, count, pairs, sums, counts)
        }
    }

    @inline(__always)
    private static func accumulate<Pair: GradientPair, Counts: RowCounts, Rows: RowList>(
        _ features: Int, _ bins: UnsafePointer<UInt8>, _ offsets: UnsafePointer<Int>, _ rows: Rows, _ count: Int,
        _ pairs: UnsafePointer<Pair>, _ sums: UnsafeMutablePointer<SIMD2<Double>>, _ counts: Counts) -> SIMD2<Double> {
        let ahead = 16
        var total = SIMD2<Double>.zero
        for k in 0..<count {
            // Listed rows are scattered in memory: start loading one a few rows ahead (its bins
            // and its pair).
            if Rows.scattered, k &+ ahead < count {
                let next = rows.row(k &+ ahead)
                msr_prefetch(bins + next &* features)
                msr_prefetch(UnsafeRawPointer(pairs + next))
            }
            let index = rows.row(k)
            let row = bins + index &* features
            let pair = pairs[index].wide
            total += pair
            for j in 0..<features {
                let slot = offsets[j] &+ Int(row[j])
                sums[slot] += pair
                counts.increment(slot)
            }
        }
        return total
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

/// Which rows `Histogram.build`'s loop sums: those of a list, or every row in order.
protocol RowList {
    /// Whether the rows lie scattered in memory (worth loading ahead).
    static var scattered: Bool { get }
    /// The `k`th row summed.
    func row(_ k: Int) -> Int
}

struct ListedRows: RowList {
    let base: UnsafePointer<Int32>
    static var scattered: Bool { true }
    @inline(__always) func row(_ k: Int) -> Int { Int(base[k]) }
}

struct EveryRow: RowList {
    static var scattered: Bool { false }
    @inline(__always) func row(_ k: Int) -> Int { k }
}

/// Where `Histogram.build`'s loop counts each row's slots: into a histogram's counts, or not at all
/// (counted before).
protocol RowCounts {
    func increment(_ slot: Int)
}

struct SlotCounts: RowCounts {
    let base: UnsafeMutablePointer<Int32>
    @inline(__always) func increment(_ slot: Int) { base[slot] &+= 1 }
}

struct Uncounted: RowCounts {
    @inline(__always) func increment(_ slot: Int) {}
}
