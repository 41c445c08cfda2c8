import Foundation
import MSRCore

/// The admin's edits of params.yaml's `train` and `cluster` sections: values read as JSON,
/// written into the file's text in place (its comments and other sections kept), checked by the
/// very loader the stages use before the file is replaced atomically.
enum ParamsEditor {
    /// The sections the admin area edits.
    static let sections = [BoostingParams.name, MixtureParams.name]
    /// Each editable section's declared keys (the params tables).
    static let declaredKeys: [String: [String]] = [
        BoostingParams.name: BoostingParams.fields.map { $0.key },
        MixtureParams.name: MixtureParams.fields.map { $0.key },
    ]

    /// The editable sections' current values, typed as YAML plain scalars read (numbers,
    /// booleans, strings, lists).
    static func current(_ file: String) throws -> JSONValue {
        let root = try ConfigValue.load(path: file)
        guard case .mapping(let pairs) = root.node.content else { throw root.error("expected a mapping") }
        var out: [String: JSONValue] = [:]
        for section in sections {
            guard let node = pairs.first(where: { $0.key.scalarText == section })?.value, case .mapping(let keys) = node.content else { continue }
            var values: [String: JSONValue] = [:]
            for (key, value) in keys {
                if let name = key.scalarText { values[name] = json(value) }
            }
            out[section] = .object(values)
        }
        return .object(out)
    }

    private static func json(_ node: YAMLNode) -> JSONValue {
        switch node.content {
        case .scalar(let text, let plain):
            guard plain else { return .string(text) }
            if let int = Int(text) { return .int(int) }
            if let double = Double(text), double.isFinite { return .double(double) }
            switch text {
            case "true", "True", "TRUE": return .bool(true)
            case "false", "False", "FALSE": return .bool(false)
            case "null", "~", "": return .null
            default: return .string(text)
            }
        case .sequence(let items): return .array(items.map(json))
        case .mapping(let pairs): return .object(Dictionary(pairs.compactMap { p in p.key.scalarText.map { ($0, json(p.value)) } }) { a, _ in a })
        }
    }

    /// Whether two values are the same: numbers by value (`250` and `250.0`), lists item by item.
    static func same(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.int(let x), .double(let y)), (.double(let y), .int(let x)): return Double(x) == y
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
        default: return a == b
        }
    }

    /// What an edit changes: the new text and one `section.key: old -> new` line per change.
    struct Edit {
        var text: String
        var changes: [String]
    }

    /// Applies `changes` (`{"train": {"max_depth": 6}, ...}`) to params.yaml's text and checks
    /// the result with `Params.load`; a refused value is 422 naming its key path, and nothing
    /// is written.
    static func apply(_ changes: [String: JSONValue], file: String) throws -> Edit {
        let original = try FileBytes.read(file, what: "params file")
        var lines = String(decoding: original, as: UTF8.self).components(separatedBy: "\n")
        let root = try ConfigValue.parse(original, file: file)
        guard case .mapping(let pairs) = root.node.content else { throw root.error("expected a mapping") }
        var log: [String] = []
        for section in changes.keys.sorted() {
            guard sections.contains(section) else {
                throw APIError.unprocessable(section, "only \(sections.joined(separator: " and ")) can be changed here")
            }
            guard case .object(let values) = changes[section]! else {
                throw APIError.unprocessable(section, "expected an object of \(section) keys and values")
            }
            guard let node = pairs.first(where: { $0.key.scalarText == section })?.value, case .mapping(let keys) = node.content,
                  let last = keys.last else {
                throw APIError.unprocessable(section, "params.yaml has no \(section) section to edit")
            }
            // Insertions go after the section's last line, in key order, so each lands once.
            var inserted: [String] = []
            for key in values.keys.sorted() {
                let field = "\(section).\(key)"
                // Only declared keys reach the file's text: any other would be written as is.
                guard declaredKeys[section]?.contains(key) ?? false else {
                    throw APIError.unprocessable(field, "unknown key (expected one of: \((declaredKeys[section] ?? []).joined(separator: ", ")))")
                }
                let text = try yaml(values[key]!, field: field)
                if let pair = keys.first(where: { $0.key.scalarText == key }) {
                    guard pair.value.line == pair.key.line else {
                        throw APIError.unprocessable(field, "its value spans several lines in params.yaml: edit the file instead")
                    }
                    let index = pair.key.line - 1
                    let line = lines[index]
                    let start = line.index(line.startIndex, offsetBy: pair.value.column - 1, limitedBy: line.endIndex) ?? line.endIndex
                    let rest = line[start...]
                    // A comment keeps its column when the new value leaves room.
                    let comment = rest.range(of: " #").map { String(rest[rest.index(after: $0.lowerBound)...]) } ?? ""
                    let region = rest.dropLast(comment.count)
                    let old = region.trimmingCharacters(in: .whitespaces)
                    // The same value in another spelling (`1.0e-6` sent back as `1e-06`) is no change.
                    guard old != text, !Self.same(json(pair.value), values[key]!) else { continue }
                    let padding = comment.isEmpty ? "" : String(repeating: " ", count: max(1, region.count - text.count))
                    lines[index] = String(line[..<start]) + text + padding + comment
                    log.append("\(field): \(old) -> \(text)")
                } else {
                    let indent = String(repeating: " ", count: keys[0].key.column - 1)
                    inserted.append("\(indent)\(key): \(text)")
                    log.append("\(field): (absent) -> \(text)")
                }
            }
            lines.insert(contentsOf: inserted, at: max(last.value.line, last.key.line))
        }
        let text = lines.joined(separator: "\n")
        try check(text, file: file)
        return Edit(text: text, changes: log)
    }

    /// Checks the edited text with the stages' loader; its errors name params.yaml and the key
    /// path (422).
    private static func check(_ text: String, file: String) throws {
        do {
            let params = try Params.parse(Array(text.utf8), file: file)
            let components = params.cluster.nComponents.count, genres = params.ingest.genres.count
            guard components == 1 || components == genres else {
                throw APIError.unprocessable("cluster.n_components", "expected one value or one per genre (\(genres)), got \(components)")
            }
        } catch let error as MSRError {
            throw APIError.unprocessable(error.field, error.message)
        }
    }

    /// A JSON value as YAML text: numbers and booleans plain, safe words plain, other strings
    /// double-quoted (JSON escapes are YAML escapes), lists of those in flow style.
    private static func yaml(_ value: JSONValue, field: String) throws -> String {
        switch value {
        case .double(let number) where !number.isFinite:
            // JSON has no infinity: a literal past Float64's range (1e309) reads as one.
            throw APIError.unprocessable(field, "expected a finite number, got one beyond Float64's range (about 1.8e308)")
        case .int, .double, .bool: return value.compact()
        case .string(let text):
            let plain = !text.isEmpty && text.utf8.allSatisfy { b in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(b) || b == UInt8(ascii: "_")
            } && !["true", "false", "null", "yes", "no", "on", "off", "y", "n"].contains(text.lowercased())
            return plain ? text : value.compact()
        case .array(let items):
            guard items.count <= 10_000 else { throw APIError.unprocessable(field, "expected at most 10000 values") }
            return "[" + (try items.enumerated().map { index, item in
                if case .array = item { throw APIError.unprocessable("\(field)[\(index)]", "expected a number or a word") }
                return try yaml(item, field: "\(field)[\(index)]")
            }).joined(separator: ", ") + "]"
        case .null, .object:
            throw APIError.unprocessable(field, "expected a number, true or false, a word or a list")
        }
    }
}
