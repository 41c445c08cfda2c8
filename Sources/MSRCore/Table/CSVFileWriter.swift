import Foundation

/// Writes a CSV file atomically, formatting its rows in blocks on every core.
///
/// Blocks of rows are formatted concurrently into their own buffers, then written in order, so
/// the output is the same bytes as a sequential write and memory stays at a few blocks.
public enum CSVFileWriter {
    /// Rows per block: large enough to amortise the hand-off, small enough to bound memory.
    static let blockRows = 16_384

    /// Writes `header`, then rows `0..<rowCount`, written block by block by `rows` into the
    /// writer given (the block's rows, in order, and nothing else).
    public static func write(to path: String, header: [String], rowCount: Int,
                             rows: @escaping @Sendable (inout CSVWriter, Range<Int>) -> Void) throws {
        let file = try AtomicFile(path: path)
        var head = CSVWriter()
        head.row(header)
        try head.withBytes { try file.write($0) }
        let blocks = (rowCount + blockRows - 1) / blockRows
        let width = Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)
        let results = BlockBuffers(count: width)
        var first = 0
        while first < blocks {
            let count = Swift.min(width, blocks - first)
            let start = first
            DispatchQueue.concurrentPerform(iterations: count) { k in
                let lower = (start + k) * blockRows
                let upper = Swift.min(rowCount, lower + blockRows)
                var writer = CSVWriter(reservingCapacity: (upper - lower) * 96)
                rows(&writer, lower..<upper)
                results.set(k, writer)
            }
            for k in 0..<count { try results.take(k).withBytes { try file.write($0) } }
            first += count
        }
        try file.commit()
    }

    /// One buffer per concurrent block; each iteration fills only its own slot.
    private final class BlockBuffers: @unchecked Sendable {
        private var buffers: [CSVWriter?]
        private let lock = NSLock()

        init(count: Int) { buffers = Array(repeating: nil, count: count) }

        func set(_ k: Int, _ buffer: CSVWriter) {
            lock.lock()
            buffers[k] = buffer
            lock.unlock()
        }

        func take(_ k: Int) -> CSVWriter {
            lock.lock()
            defer { lock.unlock() }
            let buffer = buffers[k]!
            buffers[k] = nil
            return buffer
        }
    }
}
