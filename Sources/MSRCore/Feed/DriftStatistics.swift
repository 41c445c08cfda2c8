import FoundationEssentials
import Glibc

/// How far new values of a feature have moved from a reference sample.
public enum DriftStatistics {
    /// Population stability index of `new` against `reference`, on `bins` quantile bins of the
    /// reference (edges that repeat, as on a discrete feature, merge their bins). Shares under
    /// 1e-4 count as 1e-4, so an empty bin does not make it infinite. Under 0.1 is usually read
    /// as stable, over 0.25 as a shift.
    public static func psi(reference: [Double], new: [Double], bins: Int) -> Double {
        guard !reference.isEmpty, !new.isEmpty else { return 0 }
        let sorted = reference.sorted()
        var edges: [Double] = []
        for k in 1..<max(bins, 1) {
            let edge = sorted[min(sorted.count - 1, (k * sorted.count) / bins)]
            if edges.last != edge { edges.append(edge) }
        }
        func shares(_ values: [Double]) -> [Double] {
            var counts = [Double](repeating: 0, count: edges.count + 1)
            for value in values {
                // The first bin whose upper edge is above the value (values equal to an edge go up).
                var low = 0, high = edges.count
                while low < high {
                    let mid = (low + high) / 2
                    if value < edges[mid] { high = mid } else { low = mid + 1 }
                }
                counts[low] += 1
            }
            return counts.map { max($0 / Double(values.count), 1e-4) }
        }
        let expected = shares(reference), actual = shares(new)
        return zip(expected, actual).reduce(0) { $0 + ($1.1 - $1.0) * log($1.1 / $1.0) }
    }

    /// The two-sample Kolmogorov-Smirnov statistic: the largest gap between the two empirical
    /// distribution functions, in [0, 1].
    public static func ks(_ a: [Double], _ b: [Double]) -> Double {
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        let x = a.sorted(), y = b.sorted()
        var i = 0, j = 0, gap = 0.0
        while i < x.count && j < y.count {
            let value = min(x[i], y[j])
            while i < x.count && x[i] == value { i += 1 }
            while j < y.count && y[j] == value { j += 1 }
            gap = max(gap, abs(Double(i) / Double(x.count) - Double(j) / Double(y.count)))
        }
        return gap
    }
}
