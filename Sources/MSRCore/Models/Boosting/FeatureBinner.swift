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
        var edges: [[Double]] = []
        for j in 0..<matrix.columnCount {
            let column = matrix.column(j)
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
            edges.append(featureEdges)
        }
        self.edges = edges
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
