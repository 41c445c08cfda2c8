/// Reads a JSON file msr wrote (a model, mixture, scaler or labels file) into typed values with
/// `JSONParser`: numbers read back exactly as `JSONValue` wrote them, and every failure is a
/// bad-data error naming the file, the JSON path (`weights[1]`) and what was expected, followed by
/// the remedy (`run msr-cluster again`).
public struct JSONFileReader: Sendable {
    /// The file read, as messages name it.
    public let path: String
    /// What to do about a bad file, in parentheses after every message.
    public let remedy: String

    public init(path: String, remedy: String) {
        self.path = path
        self.remedy = remedy
    }

    /// The file's top-level object; `what` names the file when it cannot be read.
    public func object(what: String) throws -> [String: JSONValue] {
        let root: JSONValue
        do {
            root = try JSONParser.parse(FileBytes.read(path, what: what))
        } catch let error as JSONParser.ParseError {
            throw fail("", "not valid JSON (\(error.message))")
        }
        guard case .object(let object) = root else { throw fail("", "expected a JSON object") }
        return object
    }

    /// The error for the value at JSON path `at` (empty: the whole document).
    public func fail(_ at: String, _ what: String) -> MSRError {
        MSRError.badData(file: path, (at.isEmpty ? "" : "\(at): ") + what + " (\(remedy))")
    }

    /// The items of a list, of `count` items when given; `what` names them in messages.
    public func list(_ value: JSONValue?, at: String, what: String, count: Int? = nil) throws -> [JSONValue] {
        guard case .array(let items)? = value else {
            throw fail(at, "expected a list of " + (count.map { "\($0) " } ?? "") + what)
        }
        if let count, items.count != count {
            throw fail(at, "expected a list of \(count) \(what), got \(items.count)")
        }
        return items
    }

    /// A finite number (an integer reads as a double); above 0 when `positive`.
    public func number(_ value: JSONValue, at: String, positive: Bool = false) throws -> Double {
        let number: Double?
        switch value {
        case .double(let v): number = v
        case .int(let v): number = Double(v)
        default: number = nil
        }
        guard let number, number.isFinite, !positive || number > 0 else {
            throw fail(at, "expected a finite number\(positive ? " > 0" : ""), got \(Self.describe(value))")
        }
        return number
    }

    /// A list of finite numbers (`count` of them when given).
    public func numbers(_ value: JSONValue?, at: String, what: String, count: Int?, positive: Bool = false) throws -> [Double] {
        try list(value, at: at, what: what, count: count).enumerated().map { try number($1, at: "\(at)[\($0)]", positive: positive) }
    }

    /// `count` rows of `width` finite numbers, flattened row by row.
    public func rows(_ value: JSONValue?, at: String, count: Int, width: Int, what: String, positive: Bool = false) throws -> [Double] {
        var values: [Double] = []
        values.reserveCapacity(count * width)
        for (r, row) in try list(value, at: at, what: what, count: count).enumerated() {
            values += try numbers(row, at: "\(at)[\(r)]", what: "numbers", count: width, positive: positive)
        }
        return values
    }

    /// A string.
    public func string(_ value: JSONValue?, at: String) throws -> String {
        guard case .string(let text)? = value else {
            throw fail(at, "expected a string" + (value.map { ", got \(Self.describe($0))" } ?? ""))
        }
        return text
    }

    /// A list of strings (`count` of them when given).
    public func strings(_ value: JSONValue?, at: String, what: String, count: Int?) throws -> [String] {
        try list(value, at: at, what: what, count: count).enumerated().map { try string($1, at: "\(at)[\($0)]") }
    }

    /// A JSON value in a message: its text when short, else its kind.
    public static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let v): return v ? "true" : "false"
        case .int(let v): return String(v)
        case .double(let v): return v.isFinite ? NumberFormat.shortest(v) : "a number beyond the range of a double"
        case .string(let v): return v.count <= 40 ? MessageText.quoted(v) : "a string"
        case .array: return "a list"
        case .object: return "an object"
        }
    }
}
