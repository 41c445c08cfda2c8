/// One way the song base breaks its schema.
public struct ValidationProblem: Sendable, Equatable {
    /// Which check failed.
    public enum Rule: String, Sendable {
        case missingColumn = "missing_column"
        case unexpectedColumn = "unexpected_column"
        /// A column name that occurs twice in the header.
        case duplicateColumn = "duplicate_column"
        case type
        case missing
        case min
        case max
        case duplicate
        /// An id not of its column's `TrackIDForm` (a NUL byte, invalid UTF-8, not a Spotify id).
        case invalidID = "invalid_id"
        case genre
    }

    /// 0-based data row, `nil` for a problem of the header.
    public var row: Int?
    /// 1-based file line.
    public var line: Int
    public var column: String
    public var value: String
    public var rule: Rule
    /// What the schema wanted, in words.
    public var expected: String
    /// The 1-based field in the header, for a problem of the header that concerns one field (a
    /// duplicated column), so that the message can point at `file:1:field`.
    public var field: Int? = nil

    /// `column 'x': expected ..., got "v"`, control characters in the value escaped as in a
    /// Swift literal (`\0`, `\n`, `\u{01}`), so that an id holding a NUL byte or a line break
    /// stays one visible line; names and values past `MessageText.shownCharacters` cut (as in
    /// the report's JSON).
    public var message: String {
        let column = MessageText.clipped(column)
        if rule == .duplicateColumn { return "duplicated column '\(column)' (expected \(expected))" }
        return "column '\(column)': expected \(expected), got \(value.isEmpty && rule == .missing ? "an empty cell" : MessageText.quoted(value))"
    }

    var json: JSONValue {
        .object([
            "row": row.map { .int($0) } ?? .null,
            "line": .int(line),
            "column": .string(MessageText.clipped(column)),
            "value": .string(MessageText.clipped(value)),
            "rule": .string(rule.rawValue),
            "expected": .string(expected),
        ])
    }
}
