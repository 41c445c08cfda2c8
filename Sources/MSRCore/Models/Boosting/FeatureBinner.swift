/// Maps each feature's values to at most `maxBins` ordered bins (UInt8), as LightGBM and
/// scikit-learn's HistGradientBoosting do before growing trees.
///
/// A feature with at most `maxBins` distinct values gets one bin per value, the edge halfway
/// between neighbours; otherwise the edges are quantiles of its distinct values weighted by
/// their counts. Bin `b` holds the values `x` with `edges[b - 1] < x <= edges[b]`; the last edge
/// is +infinity, so every value has a bin.
public struct FeatureBinner: Sendable, Equatable {
    /// Upper edges per feature, ascending, the last one +infinity.
    public let edges: [[Double]]

    /// Fits the edges on the given rows of each feature column.
    public init(matrix: borrowing FeatureMatrix, rows: [Int], maxBins: Int) {
        precondition(maxBins >= 2 && maxBins <= 255)
        // A feature at a time, on every core when the rows are few (the embedded fit's binning
        // was 2% of its time); one after the other for many rows, so that one sorted copy of a
        // column is held at a time, not one a core (memory stays about twice the input's).
        let columns = (0..<matrix.columnCount).map { matrix.column($0) }
        let edges = { @Sendable (j: Int) in Self.edges(columns[j], rows: rows, maxBins: maxBins) }
        self.edges = rows.count <= Self.rowsBinnedInParallel ? Parallel.map(columns.count, edges) : columns.indices.map(edges)
    }

    /// The most rows whose features are binned on every core at once.
    static let rowsBinnedInParallel = 1 << 16

    /// One feature's upper edges from its column's `rows`.
    private static func edges(_ column: ArraySlice<Double>, rows: [Int], maxBins: Int) -> [Double] {
        var values = rows.map { column[column.startIndex + $0] }
        values.sort()
        // Distinct values and their counts.
        var distinct: [Double] = [], counts: [Int] = []
        for value in values {
            if let last = distinct.last, last == value { counts[counts.count - 1] += 1 } else {
                distinct.append(value)
                counts.append(1)
            }
        }
        var featureEdges: [Double] = []
        if distinct.count <= maxBins {
            for k in 0..<(distinct.count - 1) { featureEdges.append((distinct[k] + distinct[k + 1]) / 2) }
        } else {
            // Quantile cuts: walk the sorted values, closing a bin each time its share is reached.
            let perBin = Double(values.count) / Double(maxBins)
            var seen = 0
            var nextCut = perBin
            for k in 0..<(distinct.count - 1) {
                seen += counts[k]
                if Double(seen) >= nextCut {
                    featureEdges.append((distinct[k] + distinct[k + 1]) / 2)
                    while nextCut <= Double(seen) { nextCut += perBin }
                    if featureEdges.count == maxBins - 1 { break }
                }
            }
        }
        featureEdges.append(.infinity)
        return featureEdges
    }

    /// The bin of `value` for feature `j`: the first edge at or above it (NaN: the last bin).
    @inline(__always)
    public func bin(_ value: Double, feature j: Int) -> UInt8 {
        let featureEdges = edges[j]
        guard !value.isNaN else { return UInt8(featureEdges.count - 1) }
        var low = 0, high = featureEdges.count - 1
        while low < high {
            let middle = (low + high) >> 1
            if value <= featureEdges[middle] { high = middle } else { low = middle + 1 }
        }
        return UInt8(low)
    }

    /// The binned matrix, column-major like the input (`columns[j * n + i]`).
    public func transformColumns(_ matrix: FeatureMatrix) -> [UInt8] {
        let n = matrix.rowCount
        var bins = [UInt8](repeating: 0, count: n * matrix.columnCount)
        for j in 0..<matrix.columnCount {
            var i = j * n
            for value in matrix.column(j) {
                bins[i] = bin(value, feature: j)
                i += 1
            }
        }
        return bins
    }

    /// The binned matrix, row-major (`bins[i * features + j]`): a row's bins share a cache line,
    /// which is what building histograms wants.
    public func transform(_ matrix: FeatureMatrix) -> [UInt8] {
        let n = matrix.rowCount, features = matrix.columnCount
        var bins = [UInt8](repeating: 0, count: n * features)
        for j in 0..<features {
            let column = matrix.column(j)
            var i = 0
            for value in column {
                bins[i * features + j] = bin(value, feature: j)
                i += 1
            }
        }
        return bins
    }

    /// How many bins feature `j` has.
    public func binCount(_ j: Int) -> Int { edges[j].count }
}
