/// A sparse matrix by rows (CSR): row `i`'s entries are `starts[i]..<starts[i + 1]` of
/// `columns` (increasing within a row) and `values`. Contiguous buffers: Int32 column indices,
/// Float32 values, no allocation per row.
public struct SparseRows: Sendable, Equatable {
    /// Rows (playlists, or tracks for the transpose).
    public let rowCount: Int
    /// Columns: the other side.
    public let columnCount: Int
    /// `rowCount + 1` offsets into `columns` and `values`, from 0 to the entry count.
    public let starts: [Int]
    /// Each entry's column.
    public let columns: [Int32]
    /// Each entry's value.
    public var values: [Float]

    /// Entries in the matrix.
    public var entryCount: Int { columns.count }

    /// A matrix from its buffers, which must agree (`starts` from 0 to the entries, as many
    /// values as columns).
    public init(rowCount: Int, columnCount: Int, starts: [Int], columns: [Int32], values: [Float]) {
        precondition(starts.count == rowCount + 1 && starts.first == 0 && starts.last == columns.count && values.count == columns.count)
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.starts = starts
        self.columns = columns
        self.values = values
    }

    /// The entries of row `i`.
    @inline(__always)
    public func range(_ i: Int) -> Range<Int> { starts[i]..<starts[i + 1] }

    /// The same matrix by columns: the transpose's rows, each in increasing row order (a
    /// counting sort, so the result is the same for the same matrix).
    public func transposed() -> SparseRows {
        var counts = [Int](repeating: 0, count: columnCount + 1)
        for column in columns { counts[Int(column) + 1] += 1 }
        for j in 0..<columnCount { counts[j + 1] += counts[j] }
        var next = Array(counts.dropLast())
        var rows = [Int32](repeating: 0, count: entryCount)
        var moved = [Float](repeating: 0, count: entryCount)
        for i in 0..<rowCount {
            for k in range(i) {
                let j = Int(columns[k])
                rows[next[j]] = Int32(i)
                moved[next[j]] = values[k]
                next[j] += 1
            }
        }
        return SparseRows(rowCount: columnCount, columnCount: rowCount, starts: counts, columns: rows, values: moved)
    }
}
