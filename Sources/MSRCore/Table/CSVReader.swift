import FoundationEssentials
import Glibc

/// An RFC 4180 reader that parses the columns asked for straight from the file's bytes.
///
/// Handles quoted fields (with commas, doubled quotes and newlines), LF, CRLF and CR line ends,
/// a UTF-8 byte order mark, an unnamed first column, and skips blank lines as pandas does.
/// Every row must have as many fields as the header. Numbers are parsed into contiguous
/// `[Double]` buffers, text into byte arenas: no `String` is made per cell.
///
/// A file (or a stream: an archive entry as it inflates) is read a window at a time
/// (`chunkBytes`), never whole.
///
/// Large windows are parsed on every core: the data is cut at line ends into one part per core,
/// each part parsed on its own, and the parts joined in order. A cut that fell inside a quoted
/// field is detected (the previous part's last row ran past it) and that part is parsed again
/// from where the previous one really ended, so the result is always the sequential one.
public struct CSVReader {
    /// The name errors use for the file.
    public let file: String
    private let source: Source
    /// How many bytes of a file are read and parsed at a time: a file is never held whole, only
    /// the window being parsed (a row longer than this is read whole all the same).
    let chunkBytes: Int

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
    /// The window a file is read in by default: 16 MiB, an eighth of a million-song base (a
    /// window's parsed parts are kept for the next window beside the columns being built: with
    /// 32 MiB msr-transform's peak was 40 MB higher).
    public static let defaultChunkBytes = 16 << 20

    public init(bytes: [UInt8], file: String) {
        source = .bytes(bytes)
        self.file = file
        chunkBytes = Swift.max(1, bytes.count)
    }

    /// Reads `stream` a window of `chunkBytes` at a time, once: `header()` may come first, then
    /// one `read`; `file` names it in messages.
    public init(stream: any ByteStream, file: String, chunkBytes: Int = CSVReader.defaultChunkBytes) {
        source = .stream(StreamInput(stream))
        self.file = file
        self.chunkBytes = Swift.max(1, chunkBytes)
    }

    /// Reads the file at `path` a window of `chunkBytes` at a time; a missing file is
    /// `MSRError.missingInput`, anything but a regular file is refused.
    public init(path: String, displayName: String? = nil, chunkBytes: Int = CSVReader.defaultChunkBytes) throws {
        source = .file(try MappedRegion(mapping: path, what: "CSV file"))
        file = displayName ?? path
        self.chunkBytes = Swift.max(1, chunkBytes)
    }

    /// The header's column names.
    public func header() throws -> [String] {
        if case .stream(let input) = source { precondition(!input.read, "a stream's header comes before its read") }
        var window = try Window(source, first: Swift.min(chunkBytes, 1 << 16))
        let names = try headerRow(&window).names
        if case .stream(let input) = source { input.pending = window.bytes }
        return names
    }

    /// Reads the named columns; a name missing from the header is an error listing what is there.
    ///
    /// A window of the file at a time, cut after its last row: the rows before the cut are
    /// parsed (on every core when the window is large) and the rest carried into the next
    /// window. A cut inside a quoted field leaves the window's last row unclosed: a window with
    /// an error grows and is parsed again, until the error is one of the whole file's, so the
    /// result is always the whole file's sequential one.
    ///
    /// `parts` forces how many parts each window's data is cut into (tests); by default one per
    /// core for large windows, one otherwise.
    public func read(_ request: [(name: String, kind: CSVColumnKind)], badCells: BadCellPolicy = .fail,
                     parts: Int? = nil) throws -> CSVColumns {
        if case .stream(let input) = source {
            precondition(!input.read, "a stream is read once")
            input.read = true
        }
        var window = try Window(source, first: chunkBytes)
        if case .stream(let input) = source { input.pending = [] }
        let (header, dataStart, dataLine) = try headerRow(&window)
        let layout = try CSVRowLayout(header: header, request: request, file: file)
        var columns = CSVColumnsBuilder(layout: layout, header: header, firstLine: dataLine)
        // The parts of the last window, emptied, for the next window to be parsed into.
        var spares: [CSVPart] = []
        var start = dataStart, lineBase = dataLine, bytesParsed = 0
        while true {
            let rowsEnd: Int? = window.atEnd ? window.count
                                       : window.withBytes { Self.lastRowEnd(in: $0, after: start) }
            guard let stop = rowsEnd else {
                try window.grow(by: Swift.max(chunkBytes, window.count))
                continue
            }
            // On every core, a stream's too: its producer (an archive's inflater) runs ahead while
            // a window is parsed and waits for room after, so it leaves a core mostly free.
            var chunk = try window.withBytes { buffer in
                try parseParts(UnsafeBufferPointer(rebasing: buffer[..<stop]), from: start, layout: layout, policy: badCells,
                               count: parts, reusing: &spares)
            }
            if let failed = chunk.firstIndex(where: { $0.error != nil }) {
                if !window.atEnd {
                    // Maybe only the cut: a quoted field that goes on past it never closes here.
                    // Judged with more of the file (at worst all of it, as a whole read would).
                    try window.grow(by: Swift.max(chunkBytes, window.count))
                    continue
                }
                let error = chunk[failed].error!
                let line = chunk[..<failed].reduce(lineBase) { $0 + $1.linesConsumed } + error.line
                throw MSRError.badData(file: file, line: line, column: error.column, error.message)
            }
            for part in chunk { lineBase += part.linesConsumed }
            bytesParsed += stop - start
            // The whole's size against what is parsed, when known: the columns' room at once.
            let scale = window.atEnd ? 1 : source.totalBytes.map { Double($0) / Double(Swift.max(1, bytesParsed)) }
            columns.append(&chunk, scale: scale)
            spares = chunk
            chunk = []
            if window.atEnd { break }
            window.drop(stop)
            start = 0
            try window.grow(by: chunkBytes)
        }
        return columns.finish()
    }

    /// Where the complete rows of `buffer` end, rows starting at `start`: just past its last line
    /// end outside quotes as the quotes' parity tells (a line feed, or a carriage return with a
    /// byte after it that is not a line feed); nil when there is none. A file with a stray quote
    /// in an unquoted field can fool the parity: the cut then falls inside a row, the window's
    /// parse fails and the window grows, so the result stays right.
    static func lastRowEnd(in buffer: UnsafeBufferPointer<UInt8>, after start: Int) -> Int? {
        let quote = UInt8(ascii: "\""), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        var quotes = Self.count(quote, in: UnsafeBufferPointer(rebasing: buffer[start...]))
        var k = buffer.count
        while k > start {
            let byte = buffer[k - 1]
            if byte == quote {
                quotes -= 1
            } else if quotes & 1 == 0, byte == lf || (byte == cr && k < buffer.count && buffer[k] != lf) {
                return k
            }
            k -= 1
        }
        return nil
    }

    /// How many bytes of `buffer` are `byte`, eight at a time (`Numerics.bytes(of:equalTo:)`,
    /// counted by `nonzeroBitCount`), then byte by byte. A window's quotes before its cut, 32 MiB,
    /// are counted on one core while the other waits: byte by byte, each quote was a mispredicted
    /// branch.
    static func count(_ byte: UInt8, in buffer: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var total = 0, k = 0
        while k &+ 8 <= buffer.count {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + k).loadUnaligned(as: UInt64.self))
            total &+= Numerics.bytes(of: word, equalTo: byte).nonzeroBitCount
            k &+= 8
        }
        while k < buffer.count {
            if base[k] == byte { total &+= 1 }
            k &+= 1
        }
        return total
    }

    /// The header row: its names, where the data starts in the window and the data's first line.
    /// The window grows until it holds the whole row.
    private func headerRow(_ window: inout Window) throws -> (names: [String], dataStart: Int, dataLine: Int) {
        while true {
            let found: (names: [String], dataStart: Int, dataLine: Int)? = try window.withBytes { buffer in
                var scanner = CSVScanner(buffer, from: 0, line: 1, skippingByteOrderMark: true)
                do {
                    let names = try scanner.header()
                    return window.atEnd || window.endsLine(at: scanner.position) ? (names, scanner.position, scanner.line) : nil
                } catch let error as CSVScanError {
                    if window.atEnd { throw MSRError.badData(file: file, line: error.line, column: error.column, error.message) }
                    return nil
                }
            }
            if let found { return found }
            try window.grow(by: Swift.max(chunkBytes, window.count))
        }
    }

    /// The parts of the data, parsed concurrently, each with lines counted from 0 at its start.
    private func parseParts(_ buffer: UnsafeBufferPointer<UInt8>, from dataStart: Int, layout: CSVRowLayout,
                            policy: BadCellPolicy, count forced: Int?, reusing spares: inout [CSVPart]) throws -> [CSVPart] {
        let size = buffer.count - dataStart
        let count = Swift.max(1, forced ?? (size >= Self.parallelThreshold ? Parallel.width : 1))
        var starts = [dataStart]
        for k in 1..<Swift.max(count, 1) {
            var cut = dataStart + size / count * k
            while cut < buffer.count && buffer[cut] != UInt8(ascii: "\n") { cut += 1 }
            starts.append(Swift.min(cut + 1, buffer.count))
        }
        starts.append(buffer.count)
        let cuts = starts
        let shared = SharedBuffer(buffer: buffer)
        var given: [CSVPart?] = (0..<count).map { k in k < spares.count ? spares[k] : nil }
        spares = []
        var parts = Parallel.mapConsuming(&given) { k, spare in
            var scanner = CSVScanner(shared.buffer, from: cuts[k], line: 0)
            return scanner.part(layout: layout, policy: policy, stop: cuts[k + 1], reusing: spare.take())
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

    /// Where the bytes come from: given whole, a file (mapped: its windows are read where the
    /// page cache holds them, not copied), or a stream read once.
    private enum Source {
        case bytes([UInt8])
        case file(MappedRegion)
        case stream(StreamInput)

        /// How many bytes there are in all, when known (a stream's as it says).
        var totalBytes: Int? {
            switch self {
            case .bytes(let whole): whole.count
            case .file(let region): region.bytes.count
            case .stream(let input): input.stream.expectedBytes
            }
        }
    }

    /// A stream and the bytes `header()` took from it, which the read starts with.
    private final class StreamInput {
        let stream: any ByteStream
        var pending: [UInt8] = []
        var ended = false
        var read = false

        init(_ stream: any ByteStream) { self.stream = stream }
    }

    /// The bytes not yet parsed: for a stream, what was carried over from the last window and
    /// read after it (`owned`); for a mapped file, a range of its mapping (`lower..<upper`).
    private struct Window {
        /// Given or streamed bytes: the window is `owned[..<filled]`, the rest room for the next
        /// window's bytes, so every window of a stream is read into the same pages (a new
        /// allocation a window cost a page fault every 4 KB of the data).
        private var owned: [UInt8]
        private var filled = 0
        private let source: Source
        private var lower = 0, upper = 0, released = 0
        /// Whether the window runs to the end of the data.
        var atEnd: Bool

        init(_ source: Source, first: Int) throws {
            self.source = source
            switch source {
            case .bytes(let whole):
                owned = whole
                atEnd = true
            case .file(let region):
                owned = []
                atEnd = region.bytes.isEmpty
            case .stream(let input):
                owned = input.pending
                atEnd = input.ended
            }
            filled = owned.count
            if count < first { try grow(by: first - count) }
        }

        /// How many bytes the window holds.
        var count: Int {
            if case .file = source { return upper - lower }
            return filled
        }

        /// A copy of the window's bytes (what a stream's `header()` leaves for its `read`).
        var bytes: [UInt8] { withBytes { Array($0) } }

        /// The window's bytes.
        func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
            if case .file(let region) = source {
                let all = region.bytes.assumingMemoryBound(to: UInt8.self)
                return try body(UnsafeBufferPointer(rebasing: all[lower..<upper]))
            }
            return try owned.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[..<filled])) }
        }

        /// Takes up to `count` more bytes onto the end (fewer at the end of the data).
        mutating func grow(by count: Int) throws {
            guard !atEnd else { return }
            switch source {
            case .bytes:
                return
            case .file(let region):
                upper = Swift.min(region.bytes.count, upper + count)
                atEnd = upper == region.bytes.count
            case .stream(let input):
                let needed = filled + count
                if owned.count < needed {
                    // Room for a row carried over too, so the next windows fit.
                    var larger = [UInt8](repeating: 0, count: needed + (64 << 10))
                    larger.withUnsafeMutableBytes { target in
                        owned.withUnsafeBytes { target.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[..<filled])) }
                    }
                    owned = larger
                }
                var ended = false
                try owned.withUnsafeMutableBytes { room in
                    while filled < needed {
                        let got = try input.stream.read(into: UnsafeMutableRawBufferPointer(rebasing: room[filled..<needed]))
                        guard got > 0 else { ended = true; return }
                        filled += got
                    }
                }
                atEnd = ended
                input.ended = ended
            }
        }

        /// Drops the first `count` bytes (parsed). A mapped file's pages before the window are
        /// handed back (they stay in the page cache, no longer in this process's memory); the
        /// bytes kept of a stream move to the front of its room.
        mutating func drop(_ count: Int) {
            if case .file(let region) = source {
                lower += count
                let page = Int(getpagesize()), done = lower / page * page
                if let base = region.bytes.baseAddress, done > released {
                    _ = madvise(UnsafeMutableRawPointer(mutating: base + released), done - released, MADV_DONTNEED)
                    released = done
                }
                return
            }
            let kept = filled - count
            owned.withUnsafeMutableBytes { room in
                guard let base = room.baseAddress, kept > 0 else { return }
                memmove(base, base + count, kept)
            }
            filled = kept
        }

        /// Whether a row that ends at `position` ended at a line end for sure: after a line
        /// feed, or after a carriage return with a byte after it (a return at the window's end may
        /// be the first half of CRLF).
        func endsLine(at position: Int) -> Bool {
            guard position > 0 else { return false }
            return withBytes { bytes in
                let last = bytes[position - 1]
                return last == UInt8(ascii: "\n") || (last == UInt8(ascii: "\r") && position < bytes.count)
            }
        }
    }
}
