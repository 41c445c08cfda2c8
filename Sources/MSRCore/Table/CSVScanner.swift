/// A scan error, its line counted from wherever the scanner started; `column` is the 1-based
/// field when the error is about one cell.
struct CSVScanError: Error {
    var line: Int
    var column: Int? = nil
    var message: String
}

/// Where each header column goes: skipped, or into the k-th column of its kind.
struct CSVRowLayout: Sendable {
    enum Slot: Sendable {
        case skip
        case number(Int)
        /// A number column that is also a feature: its number column, its place in the row's
        /// feature text and whether it holds integers.
        case feature(Int, Int, integer: Bool)
        case text(Int)
        case category(Int)
        case printable
    }

    var header: [String]
    var slots: [Slot]
    var numberNames: [String] = [], textNames: [String] = [], categoryNames: [String] = []
    /// Whether each `.feature` column, in request order, holds integers.
    var featureIntegers: [Bool] = []

    init(header: [String], request: [(name: String, kind: CSVColumnKind)], file: String) throws {
        self.header = header
        slots = [Slot](repeating: .skip, count: header.count)
        for (name, kind) in request {
            guard let index = header.firstIndex(of: name) else {
                throw MSRError.badData(file: file, line: 1,
                                       "missing column '\(name)' (the header has: \(MessageText.clipped(header.joined(separator: ", "))))")
            }
            // Two columns of one name: which one holds the data is a guess, so neither is read.
            if let second = header[(index + 1)...].firstIndex(of: name) {
                throw MSRError.badData(file: file, line: 1, column: second + 1,
                                       "duplicated column '\(name)' (columns \(index + 1) and \(second + 1); expected each column once)")
            }
            switch kind {
            case .number: slots[index] = .number(numberNames.count); numberNames.append(name)
            case .feature(let integer):
                slots[index] = .feature(numberNames.count, featureIntegers.count, integer: integer)
                numberNames.append(name)
                featureIntegers.append(integer)
            case .text: slots[index] = .text(textNames.count); textNames.append(name)
            case .category: slots[index] = .category(categoryNames.count); categoryNames.append(name)
            case .printable: slots[index] = .printable
            }
        }
    }
}

/// The rows of one part of a file, lines counted from 0 at the part's start.
struct CSVPart {
    var numbers: [[Double]]
    var texts: [TextColumn]
    var tables: [ByteStringTable]
    var codes: [[Int32]]
    var featureText = TextColumn()
    var lines: [Int32] = []
    var badCells: [BadCell] = []
    var rowCount = 0
    /// Where the part's last row ended.
    var end = 0
    var linesConsumed = 0
    /// The first error met; the part stops there.
    var error: CSVScanError?
}

/// The field scanner: a position in the buffer and the current line.
struct CSVScanner {
    let base: UnsafePointer<UInt8>
    let end: Int
    var position: Int
    var line: Int
    /// Unescaped bytes of the last field when it was quoted with doubled quotes inside.
    let scratch = ScratchBuffer()

    static let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\""), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")

    /// A scanner at `start`, counting lines from `line`; at the start of a file, past its
    /// UTF-8 byte order mark if it has one (`skippingByteOrderMark`).
    init(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, line: Int, skippingByteOrderMark: Bool = false) {
        base = buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!
        end = buffer.count
        position = start
        self.line = line
        if skippingByteOrderMark, start == 0, end >= 3, base[0] == 0xEF, base[1] == 0xBB, base[2] == 0xBF { position = 3 }
    }

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

    /// Scans one field: its bytes (in the buffer, or in `scratch` when it had to be unescaped)
    /// and whether the row ended after it.
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
                    throw CSVScanError(line: openLine, message: "a quoted field is never closed")
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
                    throw CSVScanError(line: line, message:
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
        guard skipBlankLines() else { throw CSVScanError(line: line, message: "the file is empty (expected a header)") }
        var names: [String] = []
        while true {
            let (pointer, count, endOfRow) = try field()
            names.append(String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self))
            if endOfRow { break }
        }
        return names
    }

    /// Parses the rows that start before `stop` into a part (`spare`, an emptied part of an
    /// earlier window, when given: its room is reused); an error ends the part.
    mutating func part(layout: CSVRowLayout, policy: CSVReader.BadCellPolicy, stop: Int, reusing spare: consuming CSVPart? = nil)
        -> CSVPart {
        let slots = layout.slots
        var part: CSVPart
        if let spare = consume spare {
            part = spare
            precondition(part.rowCount == 0 && part.lines.isEmpty, "a spare part that still holds rows")
        } else {
            let estimatedRows = Swift.max(16, (stop - position) / Swift.max(8, slots.count * 6))
            part = CSVPart(numbers: Array(repeating: [], count: layout.numberNames.count),
                           texts: Array(repeating: TextColumn(), count: layout.textNames.count),
                           tables: Array(repeating: ByteStringTable(), count: layout.categoryNames.count),
                           codes: Array(repeating: [], count: layout.categoryNames.count))
            for k in part.numbers.indices { part.numbers[k].reserveCapacity(estimatedRows) }
            for k in part.texts.indices { part.texts[k].reserve(values: estimatedRows, bytes: estimatedRows * 24) }
            for k in part.codes.indices { part.codes[k].reserveCapacity(estimatedRows) }
            part.lines.reserveCapacity(estimatedRows)
            if !layout.featureIntegers.isEmpty {
                part.featureText.reserve(values: estimatedRows, bytes: estimatedRows * 8 * layout.featureIntegers.count)
            }
        }
        part.error = nil
        let features = FeatureRow(integers: layout.featureIntegers)
        do {
            while position < stop && skipBlankLines() {
                let rowLine = line
                var column = 0
                while true {
                    let (pointer, count, endOfRow) = try field()
                    if column < slots.count {
                        switch slots[column] {
                        case .skip:
                            break
                        case .number(let k):
                            part.numbers[k].append(try number(pointer, count, column: column, line: rowLine, layout: layout,
                                                              policy: policy, part: &part))
                        case .feature(let k, let place, let integer):
                            let value = try number(pointer, count, column: column, line: rowLine, layout: layout, policy: policy,
                                                   part: &part)
                            part.numbers[k].append(value)
                            features.values[place] = value
                            features.fields[place] = NumberFormat.isWrittenFeature(pointer, count: count, value: value, integer: integer)
                                ? pointer : nil
                            features.counts[place] = count
                        case .text(let k):
                            part.texts[k].append(pointer, count: count)
                        case .category(let k):
                            part.codes[k].append(Int32(part.tables[k].insert(pointer, count: count).id))
                        case .printable:
                            guard count > 0, !TrackIDForm.printable.accepts(pointer, count: count) else { break }
                            let text = String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
                            if policy == .fail {
                                throw CSVScanError(line: rowLine, column: column + 1, message:
                                    "column '\(layout.header[column])': expected printable text (valid UTF-8, no control characters), got \(MessageText.quoted(text))")
                            }
                            part.badCells.append(BadCell(row: part.rowCount, line: rowLine, column: layout.header[column], value: text,
                                                         reason: .notPrintable))
                        }
                    }
                    column += 1
                    if endOfRow { break }
                }
                guard column == slots.count else {
                    throw CSVScanError(line: rowLine, message: "expected \(slots.count) fields as in the header, got \(column)")
                }
                if !layout.featureIntegers.isEmpty { features.append(to: &part.featureText) }
                part.lines.append(Int32(truncatingIfNeeded: rowLine))
                part.rowCount += 1
            }
        } catch let error as CSVScanError {
            part.error = error
        } catch {
            part.error = CSVScanError(line: line, message: "\(error)")
        }
        part.end = position
        part.linesConsumed = line
        return part
    }

    /// A number field's value: NaN for a missing one (empty, or a marker such as `NA` when
    /// failing on bad cells); any other field that is not a finite number fails the part, or is
    /// collected as a bad cell and read as NaN.
    @inline(__always)
    private func number(_ pointer: UnsafePointer<UInt8>, _ count: Int, column: Int, line rowLine: Int, layout: CSVRowLayout,
                        policy: CSVReader.BadCellPolicy, part: inout CSVPart) throws -> Double {
        let parsed = NumberParser.parseDouble(pointer, 0, count)
        // The common case costs one comparison more than the parse.
        if let value = parsed, value.isFinite { return value }
        let missing = parsed == nil && NumberParser.isMissingMarker(pointer, 0, count)
        if missing && (count == 0 || policy == .fail) { return .nan }
        let text = String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
        let reason: BadCell.Reason = missing ? .missingMarker : parsed == nil ? .notANumber : .notFinite
        if policy == .fail {
            throw CSVScanError(line: rowLine, column: column + 1, message:
                "column '\(layout.header[column])': expected \(reason == .notFinite ? "a finite number" : "a number"), got \(MessageText.quoted(text))")
        }
        part.badCells.append(BadCell(row: part.rowCount, line: rowLine, column: layout.header[column], value: text, reason: reason))
        return .nan
    }
}

/// One row's `.feature` fields while the row is scanned: each one's value, and where its text
/// is when that text is already the written form (nil: formatted from the value). At the row's
/// end they make its feature text.
final class FeatureRow {
    private let integers: [Bool]
    let values: UnsafeMutablePointer<Double>
    let fields: UnsafeMutablePointer<UnsafePointer<UInt8>?>
    let counts: UnsafeMutablePointer<Int>
    private let row: UnsafeMutablePointer<UInt8>

    init(integers: [Bool]) {
        self.integers = integers
        let count = Swift.max(1, integers.count)
        values = .allocate(capacity: count)
        values.initialize(repeating: .nan, count: count)
        fields = .allocate(capacity: count)
        fields.initialize(repeating: nil, count: count)
        counts = .allocate(capacity: count)
        counts.initialize(repeating: 0, count: count)
        row = .allocate(capacity: count * (NumberFormat.maxLength + 1))
    }

    /// Appends the row's fields, in order and joined by commas, as one value of `column`. A
    /// copied field is at most 21 bytes (a sign, "0.000" and 15 digits).
    @inline(__always)
    func append(to column: inout TextColumn) {
        // Copied fields one after the other in the file (a song base's): one copy of them all.
        if let first = fields[0] {
            var end = first + counts[0]
            var place = 1
            while place < integers.count, let field = fields[place], field == end + 1 {
                end = field + counts[place]
                place += 1
            }
            if place == integers.count {
                column.append(first, count: end - first)
                return
            }
        }
        var n = 0
        for place in integers.indices {
            if place > 0 { row[n] = UInt8(ascii: ","); n += 1 }
            if let field = fields[place] {
                (row + n).update(from: field, count: counts[place])
                n += counts[place]
            } else {
                n += NumberFormat.writeFeature(values[place], integer: integers[place], to: row + n)
            }
        }
        column.append(UnsafePointer(row), count: n)
    }

    deinit {
        values.deallocate()
        fields.deallocate()
        counts.deallocate()
        row.deallocate()
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
