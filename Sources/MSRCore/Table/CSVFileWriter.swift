/// Writes a CSV file atomically, formatting its rows in blocks on every core.
///
/// Blocks of rows are formatted concurrently into their own buffers, then written in order, so
/// the output is the same bytes as a sequential write and memory stays at a few blocks.
public enum CSVFileWriter {
    /// Rows per block: large enough to amortise the hand-off, small enough to bound memory.
    static let blockRows = 16_384

    /// Writes `header`, then rows `0..<rowCount`, written block by block by `rows` into the
    /// writer given (the block's rows, in order, and nothing else). With `outputs`, the file is
    /// staged in that set, renamed with the stage's other outputs.
    public static func write(to path: String, header: [String], rowCount: Int, into outputs: OutputSet? = nil,
                             rows: @escaping @Sendable (inout CSVWriter, Range<Int>) -> Void) throws {
        let file = try AtomicFile(path: path)
        var head = CSVWriter()
        head.row(header)
        try head.withBytes { try file.write($0) }
        // Windows of one block per core: formatted together, written in order.
        try Parallel.windows(rowCount, size: blockRows) { block in
            var writer = CSVWriter(reservingCapacity: block.count * 96)
            rows(&writer, block)
            return writer
        } take: { buffer in
            try buffer.withBytes { try file.write($0) }
        }
        if let outputs { try file.stage(in: outputs) } else { try file.commit() }
    }
}
