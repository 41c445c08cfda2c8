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

    /// Joins equal-length columns, consuming them: each is released once copied, so memory
    /// holds the matrix and the columns not yet copied. Only `rows` (increasing) of each are kept
    /// when given, copied a run of consecutive rows at a time. Large columns are copied on every
    /// core.
    public init(consuming columns: inout [[Double]], rows: [Int]? = nil) {
        let length = columns.first?.count ?? 0
        precondition(columns.allSatisfy { $0.count == length })
        let (n, m) = (rows?.count ?? length, columns.count)
        rowCount = n
        columnCount = m
        values = Array(unsafeUninitializedCapacity: n * m) { buffer, initialized in
            let out = Output(base: buffer.baseAddress)
            let copy = { @Sendable (j: Int, column: inout [Double]) in
                column.withUnsafeBufferPointer { column in
                    guard let from = column.baseAddress, let to = out.base.map({ $0 + j &* n }) else { return }
                    guard let rows else { return to.initialize(from: from, count: n) }
                    rows.withUnsafeBufferPointer { rows in
                        RetainRows.forEachRun(rows, below: length) { first, destination, count in
                            (to + destination).initialize(from: from + first, count: count)
                        }
                    }
                }
                column = []
            }
            // Below this many values a second thread costs more than it saves.
            if length * m < 1 << 18 {
                for j in columns.indices { copy(j, &columns[j]) }
                columns = []
            } else {
                _ = Parallel.mapConsuming(&columns, copy)
            }
            initialized = n * m
        }
    }

    /// The matrix's buffer while its columns are copied in, each task writing its own column.
    private struct Output: @unchecked Sendable {
        let base: UnsafeMutablePointer<Double>?
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
