/// Numeric features as one contiguous column-major buffer: column `j` is
/// `values[j * rowCount ..< (j + 1) * rowCount]`, so a feature's values are adjacent in memory.
public struct FeatureMatrix: Sendable, Equatable {
    public private(set) var rowCount: Int
    public private(set) var columnCount: Int
    public private(set) var values: [Double]

    public init(rowCount: Int, columnCount: Int, values: [Double]) {
        precondition(values.count == rowCount * columnCount)
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.values = values
    }

    /// Joins equal-length columns, consuming them one by one so that memory holds at most one
    /// column twice.
    public init(consuming columns: inout [[Double]]) {
        rowCount = columns.first?.count ?? 0
        columnCount = columns.count
        values = []
        values.reserveCapacity(rowCount * columnCount)
        for j in columns.indices {
            precondition(columns[j].count == rowCount)
            values.append(contentsOf: columns[j])
            columns[j] = []
        }
    }

    @inline(__always)
    public subscript(row: Int, column: Int) -> Double {
        values[column * rowCount + row]
    }

    /// The values of column `j`.
    public func column(_ j: Int) -> ArraySlice<Double> {
        values[j * rowCount ..< (j + 1) * rowCount]
    }
}
