import FoundationEssentials
import Glibc

/// Per-feature statistics of the training rows: what a min-max or a standard scaler needs.
///
/// `std` is the population standard deviation (ddof 0), as scikit-learn's `StandardScaler`
/// computes it; a constant feature has std 0 and `standardize` leaves it centred at 0.
public struct FeatureScaler: Sendable, Equatable {
    public var features: [String]
    public var min: [Double]
    public var max: [Double]
    public var mean: [Double]
    public var std: [Double]

    /// Fits on the given rows of each feature column, the columns on every core.
    ///
    /// The rows are visited in file order whatever order `rows` has (a shuffled split), which
    /// keeps the column scans sequential in memory.
    public init(features: [String], matrix: FeatureMatrix, rows: [Int]) {
        self.features = features
        var selected = [Bool](repeating: false, count: matrix.rowCount)
        for row in rows { selected[row] = true }
        let kept = selected, count = Double(rows.count)
        let statistics = Parallel.map(matrix.columnCount) { j -> (min: Double, max: Double, mean: Double, std: Double) in
            let column = matrix.column(j)
            var low = Double.infinity, high = -Double.infinity, sum = 0.0
            for (value, keep) in zip(column, kept) where keep {
                low = Swift.min(low, value)
                high = Swift.max(high, value)
                sum += value
            }
            let average = sum / count
            var squares = 0.0
            for (value, keep) in zip(column, kept) where keep {
                let delta = value - average
                squares += delta * delta
            }
            return (low, high, average, (squares / count).squareRoot())
        }
        min = statistics.map(\.min)
        max = statistics.map(\.max)
        mean = statistics.map(\.mean)
        std = statistics.map(\.std)
    }

    public init(features: [String], min: [Double], max: [Double], mean: [Double], std: [Double]) {
        self.features = features
        self.min = min
        self.max = max
        self.mean = mean
        self.std = std
    }

    /// Reads scaler.json as msr-transform writes it.
    public static func read(_ path: String) throws -> FeatureScaler {
        let reader = JSONFileReader(path: path, remedy: "run msr-transform again")
        let object = try reader.object(what: "scaler file")
        let features = try reader.strings(object["features"], at: "features", what: "feature names", count: nil)
        func statistic(_ key: String) throws -> [Double] {
            try reader.numbers(object[key], at: key, what: "numbers (one per feature)", count: features.count)
        }
        return FeatureScaler(features: features, min: try statistic("min"), max: try statistic("max"),
                             mean: try statistic("mean"), std: try statistic("std"))
    }

    /// `(value - mean) / std` for feature `j` (std 0 counts as 1).
    @inline(__always)
    public func standardize(_ value: Double, feature j: Int) -> Double {
        (value - mean[j]) / (std[j] == 0 ? 1 : std[j])
    }

    /// Every row of `matrix` standardised, row-major (`result[i * columns + j]`): the space the
    /// mixtures are fitted in and recommendations are measured in.
    public func standardizedRows(_ matrix: FeatureMatrix) -> [Double] {
        let n = matrix.rowCount, d = matrix.columnCount
        var points = [Double](repeating: 0, count: n * d)
        for j in 0..<d {
            for (i, value) in matrix.column(j).enumerated() { points[i * d + j] = standardize(value, feature: j) }
        }
        return points
    }

    /// scaler.json: the features in order, and one array per statistic.
    public var json: JSONValue {
        .object([
            "features": .array(features.map(JSONValue.string)),
            "min": .array(min.map(JSONValue.double)),
            "max": .array(max.map(JSONValue.double)),
            "mean": .array(mean.map(JSONValue.double)),
            "std": .array(std.map(JSONValue.double)),
        ])
    }
}
