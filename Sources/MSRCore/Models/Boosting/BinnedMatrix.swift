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
        // Blocks of rows on every core, each writing its own rows' bytes of both layouts.
        let (n, features, out) = (rowCount, features, Output(rows: rows, columns: columns))
        let values = (0..<features).map { matrix.column($0) }
        _ = Parallel.blocks(n, size: max(4096, (n + Parallel.width - 1) / Parallel.width)) { block in
            for j in 0..<features {
                let column = values[j]
                for i in block {
                    let bin = binner.bin(column[column.startIndex + i], feature: j)
                    out.rows[i * features + j] = bin
                    out.columns[j * n + i] = bin
                }
            }
            return 0
        }
    }

    /// The two layouts' memory, for the blocks of rows that fill it.
    private struct Output: @unchecked Sendable {
        let rows: UnsafeMutablePointer<UInt8>
        let columns: UnsafeMutablePointer<UInt8>
    }

    deinit {
        rows.deallocate()
        columns.deallocate()
    }
}
