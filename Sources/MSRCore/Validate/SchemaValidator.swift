/// Checks a song base CSV against the schema: columns present and expected, cell types,
/// bounds, missing values, identifiers unique and of their `TrackIDForm`, and genres from the
/// configured list. The schema's descriptive columns may be absent; present, they hold
/// printable text or nothing.
public struct SchemaValidator {
    public let schema: Schema
    public let genres: [String]

    public init(schema: Schema, genres: [String]) {
        self.schema = schema
        self.genres = genres
    }

    /// Every problem found in the file, in file order within each check. The reader is taken:
    /// its bytes are let go once parsed, before the checks (a song base is held once, as columns).
    public func problems(in reader: consuming CSVReader) throws -> (rows: Int, problems: [ValidationProblem]) {
        var timer = PhaseTimer()
        return try problems(in: reader, timer: &timer)
    }

    func problems(in reader: consuming CSVReader, timer: inout PhaseTimer) throws -> (rows: Int, problems: [ValidationProblem]) {
        let header = try reader.header()
        var problems: [ValidationProblem] = []
        for column in schema.columns where !header.contains(column.name) {
            problems.append(ValidationProblem(row: nil, line: 1, column: column.name, value: "",
                                              rule: .missingColumn, expected: "a column '\(column.name)'"))
        }
        for name in header where !schema.columns.contains(where: { $0.name == name }) && !schema.descriptive.contains(name) {
            problems.append(ValidationProblem(row: nil, line: 1, column: name, value: name,
                                              rule: .unexpectedColumn, expected: "only the schema's columns"))
        }
        // A name twice: which copy holds the column is a guess, so neither is checked.
        var duplicated: Set<String> = []
        for (index, name) in header.enumerated() where header[..<index].contains(name) {
            problems.append(ValidationProblem(row: nil, line: 1, column: name, value: name, rule: .duplicateColumn,
                                              expected: "each column once", field: index + 1))
            duplicated.insert(name)
        }
        let present = schema.columns.filter { header.contains($0.name) && !duplicated.contains($0.name) }
        let descriptive = schema.descriptive.filter { header.contains($0) && !duplicated.contains($0) }
        let request: [(name: String, kind: CSVColumnKind)] = present.map {
            ($0.name, $0.type == .string ? .text : .number)
        } + descriptive.map { ($0, .printable) }
        let columns = try reader.read(request, badCells: .collect)
        _ = consume reader
        timer.mark("parse")
        let line = { (row: Int) in Int(columns.lines[row]) }

        var badByColumn: [String: [BadCell]] = [:]
        for cell in columns.badCells { badByColumn[cell.column, default: []].append(cell) }

        for column in present {
            if let values = columns.numbers[column.name] {
                problems += numberProblems(column, values, bad: badByColumn[column.name] ?? [], line: line)
            } else if let texts = columns.texts[column.name] {
                problems += textProblems(column, texts, line: line)
            }
        }
        // A descriptive column is checked as it is read (`.printable`), never held: only its
        // bad cells come back.
        for name in descriptive {
            for cell in badByColumn[name] ?? [] {
                problems.append(ValidationProblem(row: cell.row, line: cell.line, column: name, value: cell.value, rule: .type,
                                                  expected: "printable text (valid UTF-8, no control characters)"))
            }
        }
        timer.mark("check")
        return (columns.rowCount, problems)
    }

    private func numberProblems(_ column: Schema.Column, _ values: [Double], bad: [BadCell],
                                line: (Int) -> Int) -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        let low = column.min ?? -.infinity, high = column.max ?? .infinity
        let integral = column.type == .int64
        var badIndex = 0
        for (row, value) in values.enumerated() {
            // The common case, a value in bounds, costs two comparisons.
            if value >= low, value <= high, !integral || value.rounded() == value { continue }
            func problem(_ rule: ValidationProblem.Rule, _ text: String, _ expected: String) {
                problems.append(ValidationProblem(row: row, line: line(row), column: column.name, value: text,
                                                  rule: rule, expected: expected))
            }
            if value.isNaN {
                // A listed cell says what it held (`high`, `1e999`, `nan`); any other is empty.
                if badIndex < bad.count, bad[badIndex].row == row {
                    let cell = bad[badIndex]
                    badIndex += 1
                    switch cell.reason {
                    case .notANumber: problem(.type, cell.value, "a \(column.type.rawValue) number")
                    case .notFinite: problem(.type, cell.value, "a finite \(column.type.rawValue) number")
                    case .missingMarker: problem(.missing, cell.value, "a \(column.type.rawValue) number")
                    case .notPrintable: problem(.type, cell.value, "printable text (valid UTF-8, no control characters)")
                    }
                } else {
                    problem(.missing, "", "a \(column.type.rawValue) number")
                }
                continue
            }
            if integral, value.rounded() != value {
                problem(.type, NumberFormat.shortest(value), "a whole number (int64)")
            }
            if value < low { problem(.min, NumberFormat.shortest(value), "a value >= \(NumberFormat.compact(low))") }
            if value > high { problem(.max, NumberFormat.shortest(value), "a value <= \(NumberFormat.compact(high))") }
        }
        return problems
    }

    /// Missing strings; for the id column, ids not of its form and duplicates; for the target,
    /// genres not configured.
    private func textProblems(_ column: Schema.Column, _ texts: TextColumn,
                              line: (Int) -> Int) -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        let isID = column.name == schema.id, isTarget = column.name == schema.target
        let idForm = TrackIDForm.of(column: column.name)
        // For the id, the first row holding each filled row's value (the row itself when new).
        let firsts = isID ? texts.firstOccurrences(among: (0..<texts.count).filter { !texts.isEmpty($0) }) : []
        var filled = 0
        // For the target, the distinct genres seen so far and whether each is configured.
        var seen = ByteStringTable()
        var allowed: [Bool] = []
        texts.bytes.withUnsafeBufferPointer { buffer in
            let base = buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!
            for row in 0..<texts.count {
                let range = texts.range(row)
                func problem(_ rule: ValidationProblem.Rule, _ expected: String) {
                    problems.append(ValidationProblem(row: row, line: line(row), column: column.name,
                                                      value: texts[row], rule: rule, expected: expected))
                }
                if range.isEmpty {
                    problem(.missing, "a non-empty string")
                    continue
                }
                if isID {
                    if !idForm.accepts(base + range.lowerBound, count: range.count) {
                        problem(.invalidID, idForm.expected)
                    }
                    let first = firsts[filled]
                    filled += 1
                    if first != row {
                        problem(.duplicate, "a unique \(column.name) (first seen on line \(line(first)))")
                    }
                }
                if isTarget {
                    let (id, inserted) = seen.insert(base + range.lowerBound, count: range.count)
                    if inserted { allowed.append(genres.contains(texts[row])) }
                    if !allowed[id] {
                        problem(.genre, "one of ingest.genres (\(genres.joined(separator: ", ")))")
                    }
                }
            }
        }
        return problems
    }
}
