/// One way the song base breaks its schema.
public struct ValidationProblem: Sendable, Equatable {
    /// Which check failed.
    public enum Rule: String, Sendable {
        case missingColumn = "missing_column"
        case unexpectedColumn = "unexpected_column"
        case type
        case missing
        case min
        case max
        case duplicate
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

    /// `line N: column 'x': expected ..., got "v"`.
    public var message: String {
        "column '\(column)': expected \(expected), got \(value.isEmpty && rule == .missing ? "an empty cell" : "\"\(value)\"")"
    }

    var json: JSONValue {
        .object([
            "row": row.map { .int($0) } ?? .null,
            "line": .int(line),
            "column": .string(column),
            "value": .string(value),
            "rule": .string(rule.rawValue),
            "expected": .string(expected),
        ])
    }
}
