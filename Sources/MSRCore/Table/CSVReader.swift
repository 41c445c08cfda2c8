import FoundationEssentials
import Glibc

/// An RFC 4180 reader that parses the columns asked for straight from the file's bytes.
///
/// Handles quoted fields (with commas, doubled quotes and newlines), LF, CRLF and CR line ends,
/// a UTF-8 byte order mark, an unnamed first column, and skips blank lines as pandas does.
/// Every row must have as many fields as the header. Numbers are parsed into contiguous
/// `[Double]` buffers, text into byte arenas: no `String` is made per cell.
///
/// Large files are parsed on every core: the data is cut at line ends into one part per core,
/// each part parsed on its own, and the parts joined in order. A cut that fell inside a quoted
/// field is detected (the previous part's last row ran past it) and that part is parsed again
/// from where the previous one really ended, so the result is always the sequential one.
public struct CSVReader {
    /// The name errors use for the file.
    public let file: String
    let bytes: [UInt8]

    /// What to do with a number cell that holds no finite number, or a `.printable` cell that
    /// holds no printable text.
    public enum BadCellPolicy: Sendable {
        /// Throw at the first one that is not a missing marker (text, `1e999`, a control
        /// character), naming file, line and column; a missing marker (empty, `nan`, `NA`) becomes
        /// NaN for the caller to judge.
        case fail
        /// List the cell in `CSVColumns.badCells` (a number cell keeps NaN in its place; a
        /// missing marker other than an empty cell is listed too, so that a report can say what
        /// the cell held).
        case collect
    }

    /// Below this many bytes of data a file is parsed in one part.
    static let parallelThreshold = 4 << 20

    public init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
    }

    /// Reads the file at `path`; a missing file is `MSRError.missingInput`.
    public init(path: String, displayName: String? = nil) throws {
        self.init(bytes: try FileBytes.read(path, what: "CSV file"), file: displayName ?? path)
    }

    /// The header's column names.
    public func header() throws -> [String] {
        try bytes.withUnsafeBufferPointer { buffer in
            var scanner = CSVScanner(buffer, from: 0, line: 1)
            return try located { try scanner.header() }
        }
    }

    /// Reads the named columns; a name missing from the header is an error listing what is there.
    ///
    /// `parts` forces how many parts the data is cut into (tests); by default one per core for
    /// large files, one otherwise.
    public func read(_ request: [(name: String, kind: CSVColumnKind)], badCells: BadCellPolicy = .fail,
                     parts: Int? = nil) throws -> CSVColumns {
        try bytes.withUnsafeBufferPointer { buffer in
            var scanner = CSVScanner(buffer, from: 0, line: 1)
            let header = try located { try scanner.header() }
            let layout = try CSVRowLayout(header: header, request: request, file: file)
            var parts = try parseParts(buffer, from: scanner.position, layout: layout, policy: badCells, count: parts)
            var firstLine = scanner.line
            for part in parts {
                if let error = part.error {
                    throw MSRError.badData(file: file, line: firstLine + error.line, column: error.column, error.message)
                }
                firstLine += part.linesConsumed
            }
            return CSVColumns(joining: &parts, layout: layout, header: header, firstLine: scanner.line)
        }
    }

    private func located<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as CSVScanError {
            throw MSRError.badData(file: file, line: error.line, column: error.column, error.message)
        }
    }

    /// The parts of the data, parsed concurrently, each with lines counted from 0 at its start.
    private func parseParts(_ buffer: UnsafeBufferPointer<UInt8>, from dataStart: Int, layout: CSVRowLayout,
                            policy: BadCellPolicy, count forced: Int?) throws -> [CSVPart] {
        let size = buffer.count - dataStart
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let count = Swift.max(1, forced ?? (size >= Self.parallelThreshold ? cores : 1))
        var starts = [dataStart]
        for k in 1..<Swift.max(count, 1) {
            var cut = dataStart + size / count * k
            while cut < buffer.count && buffer[cut] != UInt8(ascii: "\n") { cut += 1 }
            starts.append(Swift.min(cut + 1, buffer.count))
        }
        starts.append(buffer.count)
        let cuts = starts
        let shared = SharedBuffer(buffer: buffer)
        var parts = Parallel.map(count) { k in
            var scanner = CSVScanner(shared.buffer, from: cuts[k], line: 0)
            return scanner.part(layout: layout, policy: policy, stop: cuts[k + 1])
        }
        // A part whose predecessor ended elsewhere than at its start began inside a quoted
        // field: parse its range again from where the predecessor really ended.
        for k in 1..<count where parts[k - 1].error == nil && parts[k - 1].end != starts[k] {
            let from = parts[k - 1].end
            var scanner = CSVScanner(buffer, from: from, line: 0)
            parts[k] = scanner.part(layout: layout, policy: policy, stop: Swift.max(from, starts[k + 1]))
        }
        return parts
    }

    /// The file's bytes, handed to the parsing threads (read-only while they run).
    private struct SharedBuffer: @unchecked Sendable {
        let buffer: UnsafeBufferPointer<UInt8>
    }
}
