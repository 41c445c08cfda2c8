/// The binned feature matrix the trees grow on, in memory of its own: allocated here and freed
/// when the last holder (the fit, its `TreeGrower`) lets go, as `TreeWorkspace` owns the
/// grower's scratch. Growing reads the bins through raw pointers, which are valid exactly as
/// long as this object is, unlike pointers taken from an array inside `withUnsafeBufferPointer`.
///
/// The bins come twice: row-major (`rows[i * features + j]`), so building a histogram reads one
/// cache line per row, and column-major (`columns[j * rowCount + i]`), so a partition reads one
/// feature's bytes. Both are what `FeatureBinner.transform` and `transformColumns` give.
final class BinnedMatrix: @unchecked Sendable {  // written once by init, read-only after
    let rowCount: Int
    let features: Int
    let rows: UnsafeMutablePointer<UInt8>
    let columns: UnsafeMutablePointer<UInt8>

    /// Bytes after the last column that a partition's gathers may read (`msr_partition_rows_kind`).
    static let columnPadding = 4

    /// Bins every value of `matrix` with `binner`.
    init(_ matrix: borrowing FeatureMatrix, binner: FeatureBinner) {
        rowCount = matrix.rowCount
        features = matrix.columnCount
        let count = rowCount * features
        rows = .allocate(capacity: count)
        columns = .allocate(capacity: count + Self.columnPadding)
        HugePages.advise(rows, byteCount: count)
        HugePages.advise(columns, byteCount: count)
        rows.initialize(repeating: 0, count: count)
        columns.initialize(repeating: 0, count: count + Self.columnPadding)
        for j in 0..<features {
            var i = 0
            for value in matrix.column(j) {
                let bin = binner.bin(value, feature: j)
                rows[i * features + j] = bin
                columns[j * rowCount + i] = bin
                i += 1
            }
        }
    }

    deinit {
        rows.deallocate()
        columns.deallocate()
    }
}
