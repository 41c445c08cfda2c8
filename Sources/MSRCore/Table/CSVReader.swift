import Foundation

/// An RFC 4180 reader that parses the columns asked for straight from the file's bytes.
///
/// Handles quoted fields (with commas, doubled quotes and newlines), LF, CRLF and CR line ends,
/// a UTF-8 byte order mark, an unnamed first column, and skips blank lines as pandas does.
/// Every row must have as many fields as the header. Numbers are parsed into contiguous
/// `[Double]` buffers, text into byte arenas: no `String` is made per cell.
public struct CSVReader {
    /// The name errors use for the file.
    public let file: String
    let bytes: [UInt8]

    /// What to do with a number cell that does not parse.
    public enum BadCellPolicy: Sendable {
        /// Throw at the first one, naming file, line and column.
        case fail
        /// Keep NaN in its place and list it in `CSVColumns.badCells`.
        case collect
    }

    public init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
    }

    /// Reads the file at `path`; a missing file is `MSRError.missingInput`.
    public init(path: String, displayName: String? = nil) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FileManager.default.fileExists(atPath: path)
                ? MSRError(.io, "\(path): cannot read the file")
                : MSRError.missing(path, "CSV file")
        }
        self.init(bytes: [UInt8](data), file: displayName ?? path)
    }

    /// The header's column names.
    public func header() throws -> [String] {
        try bytes.withUnsafeBufferPointer { buffer in
            var scanner = Scanner(buffer: buffer, file: file)
            return try scanner.header()
        }
    }

    /// Reads the named columns; a name missing from the header is an error listing what is there.
    public func read(_ request: [(name: String, kind: CSVColumnKind)], badCells: BadCellPolicy = .fail) throws -> CSVColumns {
        try bytes.withUnsafeBufferPointer { buffer in
            var scanner = Scanner(buffer: buffer, file: file)
            let header = try scanner.header()
            return try scanner.rows(header: header, request: request, policy: badCells)
        }
    }

    /// The field scanner: a position in the buffer and the current line.
    struct Scanner {
        let buffer: UnsafeBufferPointer<UInt8>
        let base: UnsafePointer<UInt8>
        let end: Int
        let file: String
        var position = 0
        var line = 1
        /// Unescaped bytes of the last field when it was quoted with doubled quotes inside.
        let scratch = ScratchBuffer()

        init(buffer: UnsafeBufferPointer<UInt8>, file: String) {
            self.buffer = buffer
            self.base = buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!
            self.end = buffer.count
            self.file = file
            if end >= 3, base[0] == 0xEF, base[1] == 0xBB, base[2] == 0xBF { position = 3 }
        }

        static let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\""), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")

        /// Skips blank lines; false at the end of the input.
        mutating func skipBlankLines() -> Bool {
            while position < end {
                let byte = base[position]
                if byte == Self.lf { position += 1; line += 1 }
                else if byte == Self.cr {
                    position += 1
                    if position < end, base[position] == Self.lf { position += 1 }
                    line += 1
                } else { return true }
            }
            return false
        }

        /// Scans one field. Returns its bytes (in the buffer, or in `scratch` when it had to be
        /// unescaped) and whether the row ended after it.
        @inline(__always)
        mutating func field() throws -> (pointer: UnsafePointer<UInt8>, count: Int, endOfRow: Bool) {
            var pointer: UnsafePointer<UInt8>
            var count: Int
            if position < end, base[position] == Self.quote {
                let openLine = line
                position += 1
                let start = position
                var escaped = false
                while true {
                    guard position < end else {
                        throw MSRError.badData(file: file, line: openLine, "a quoted field is never closed")
                    }
                    let byte = base[position]
                    if byte == Self.quote {
                        if position + 1 < end, base[position + 1] == Self.quote {
                            escaped = true
                            position += 2
                            continue
                        }
                        break
                    }
                    if byte == Self.lf || (byte == Self.cr && !(position + 1 < end && base[position + 1] == Self.lf)) {
                        line += 1
                    }
                    position += 1
                }
                pointer = base + start
                count = position - start
                position += 1  // closing quote
                if escaped {
                    let target = scratch.reserve(count)
                    var k = start
                    var written = 0
                    while k < start + count {
                        target[written] = base[k]
                        written += 1
                        k += base[k] == Self.quote ? 2 : 1
                    }
                    pointer = UnsafePointer(target)
                    count = written
                }
                if position < end {
                    let byte = base[position]
                    if byte != Self.comma && byte != Self.lf && byte != Self.cr {
                        throw MSRError.badData(file: file, line: line,
                                               "unexpected character after a closing quote (a quote inside a field must be doubled)")
                    }
                }
            } else {
                let start = position
                while position < end {
                    let byte = base[position]
                    if byte == Self.comma || byte == Self.lf || byte == Self.cr { break }
                    position += 1
                }
                pointer = base + start
                count = position - start
            }
            if position < end, base[position] == Self.comma {
                position += 1
                return (pointer, count, false)
            }
            if position < end {
                if base[position] == Self.cr, position + 1 < end, base[position + 1] == Self.lf { position += 1 }
                position += 1
            }
            line += 1
            return (pointer, count, true)
        }

        mutating func header() throws -> [String] {
            guard skipBlankLines() else { throw MSRError.badData(file: file, line: line, "the file is empty (expected a header)") }
            var names: [String] = []
            while true {
                let (pointer, count, endOfRow) = try field()
                names.append(String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self))
                if endOfRow { break }
            }
            return names
        }

        private enum Slot {
            case skip
            case number(Int)
            case text(Int)
            case category(Int)
        }

        mutating func rows(header: [String], request: [(name: String, kind: CSVColumnKind)],
                           policy: BadCellPolicy) throws -> CSVColumns {
            var slots = [Slot](repeating: .skip, count: header.count)
            var numberNames: [String] = [], textNames: [String] = [], categoryNames: [String] = []
            for (name, kind) in request {
                guard let index = header.firstIndex(of: name) else {
                    throw MSRError.badData(file: file, line: 1,
                                           "missing column '\(name)' (the header has: \(header.joined(separator: ", ")))")
                }
                switch kind {
                case .number: slots[index] = .number(numberNames.count); numberNames.append(name)
                case .text: slots[index] = .text(textNames.count); textNames.append(name)
                case .category: slots[index] = .category(categoryNames.count); categoryNames.append(name)
                }
            }
            let estimatedRows = Swift.max(16, (end - position) / Swift.max(8, header.count * 6))
            var numbers = [[Double]](repeating: [], count: numberNames.count)
            for k in numbers.indices { numbers[k].reserveCapacity(estimatedRows) }
            var texts = [TextColumn](repeating: TextColumn(), count: textNames.count)
            for k in texts.indices { texts[k].reserve(values: estimatedRows, bytes: estimatedRows * 24) }
            var tables = [ByteStringTable](repeating: ByteStringTable(), count: categoryNames.count)
            var codes = [[Int32]](repeating: [], count: categoryNames.count)
            for k in codes.indices { codes[k].reserveCapacity(estimatedRows) }
            var lines: [Int32] = []
            lines.reserveCapacity(estimatedRows)
            var badCells: [BadCell] = []
            var row = 0

            while skipBlankLines() {
                let rowLine = line
                var column = 0
                while true {
                    let (pointer, count, endOfRow) = try field()
                    if column < slots.count {
                        switch slots[column] {
                        case .skip:
                            break
                        case .number(let k):
                            if let value = NumberParser.parseDouble(pointer, 0, count) {
                                numbers[k].append(value)
                            } else if NumberParser.isMissingMarker(pointer, 0, count) {
                                numbers[k].append(.nan)
                            } else {
                                let text = String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
                                if policy == .fail {
                                    throw MSRError.badData(file: file, line: rowLine,
                                                           "column '\(header[column])': expected a number, got \"\(text)\"")
                                }
                                badCells.append(BadCell(row: row, line: rowLine, column: header[column], value: text))
                                numbers[k].append(.nan)
                            }
                        case .text(let k):
                            texts[k].append(pointer, count: count)
                        case .category(let k):
                            codes[k].append(Int32(tables[k].insert(pointer, count: count).id))
                        }
                    }
                    column += 1
                    if endOfRow { break }
                }
                guard column == header.count else {
                    throw MSRError.badData(file: file, line: rowLine,
                                           "expected \(header.count) fields as in the header, got \(column)")
                }
                lines.append(Int32(truncatingIfNeeded: rowLine))
                row += 1
            }

            var result = CSVColumns(header: header)
            result.rowCount = row
            result.lines = lines
            result.badCells = badCells
            for (k, name) in numberNames.enumerated() { result.numbers[name] = numbers[k] }
            for (k, name) in textNames.enumerated() { result.texts[name] = texts[k] }
            for (k, name) in categoryNames.enumerated() {
                result.categories[name] = CategoryColumn(names: tables[k].keys.strings, codes: codes[k])
            }
            return result
        }
    }
}

/// A growable byte buffer whose address stays valid until the next `reserve`: the place an
/// escaped field is unescaped into.
final class ScratchBuffer {
    private var pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
    private var capacity = 256

    func reserve(_ count: Int) -> UnsafeMutablePointer<UInt8> {
        if count > capacity {
            pointer.deallocate()
            capacity = Swift.max(count, capacity * 2)
            pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        }
        return pointer
    }

    deinit { pointer.deallocate() }
}
