import Glibc

/// Keeping some rows of a column in place: the rows kept are taken as runs of consecutive rows,
/// each run moved by one `memmove` (a filtered dataset keeps long runs: a million rows with 1%
/// dropped move in about ten thousand copies, not a million).
enum RetainRows {
    /// Calls `body(first, destination, count)` for each run of consecutive rows in `rows`
    /// (increasing, each below `limit`: checked run by run, as the moves go unchecked): rows
    /// `first..<first + count` go to `destination..<destination + count`.
    @inline(__always)
    static func forEachRun(_ rows: UnsafeBufferPointer<Int>, below limit: Int,
                           _ body: (_ first: Int, _ destination: Int, _ count: Int) -> Void) {
        var k = 0, previousEnd = 0
        while k < rows.count {
            let first = rows[k]
            var end = k &+ 1
            while end < rows.count && rows[end] == first &+ (end &- k) { end &+= 1 }
            let count = end &- k
            precondition(first >= previousEnd && first <= limit &- count, "rows not increasing, or past the column's end")
            body(first, k, count)
            previousEnd = first &+ count
            k = end
        }
    }
}

extension Array where Element: BitwiseCopyable {
    /// Keeps only the elements at `rows` (increasing), in place.
    public mutating func retain(sortedRows rows: [Int]) {
        let stride = MemoryLayout<Element>.stride
        withUnsafeMutableBufferPointer { buffer in
            guard let base = UnsafeMutableRawPointer(buffer.baseAddress) else { return }
            rows.withUnsafeBufferPointer { rows in
                RetainRows.forEachRun(rows, below: buffer.count) { first, destination, count in
                    if first != destination { memmove(base + destination &* stride, base + first &* stride, count &* stride) }
                }
            }
        }
        removeLast(count - rows.count)
    }
}
