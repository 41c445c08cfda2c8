/// A YAML node being read into a typed value, knowing its file and key path for error messages.
///
/// Every error reads `file:line:column: key.path: expected ..., got ...`, the place being the
/// node's own start as libyaml marked it.
public struct ConfigValue: Sendable {
    public let node: YAMLNode
    public let file: String
    /// The dotted key path from the document root (`train.max_depth`, `genres[2]`).
    public let path: String

    public init(node: YAMLNode, file: String, path: String) {
        self.node = node
        self.file = file
        self.path = path
    }

    /// A bad-data error at this node.
    public func error(_ message: String) -> MSRError {
        let prefix = path.isEmpty ? "" : "\(path): "
        var error = MSRError.badData(file: file, line: node.line, column: node.column, prefix + message)
        error.field = path
        return error
    }

    func expected(_ what: String) -> MSRError {
        error("expected \(what), got \(node.shortDescription)")
    }

    /// The scalar's text; any non-null scalar is a string.
    public func string() throws -> String {
        guard case .scalar(let text, let plain) = node.content, !(plain && Self.isNull(text)) else {
            throw expected("a string")
        }
        return text
    }

    /// A file or folder path: a non-empty string without NUL bytes or other control characters
    /// (the system would cut the path at a NUL, so the file checked and the file written would
    /// differ), and not ending in `/` (a file path; folders are named without it).
    public func filePath() throws -> String {
        let text = try string()
        guard !text.isEmpty, !text.hasSuffix("/") || text == "/",
              !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw expected("a path (not empty, no control characters, no trailing /)")
        }
        return text
    }

    /// A plain scalar read as a whole number, at least `minimum` and at most `maximum`.
    public func int(min minimum: Int = .min, max maximum: Int = .max) throws -> Int {
        let what = ParamKind.int(min: minimum == .min ? nil : minimum, max: maximum == .max ? nil : maximum).expected
        guard case .scalar(let text, true) = node.content,
              let value = Int(text.replacing("_", with: "")) else {
            throw expected(what)
        }
        guard value >= minimum, value <= maximum else { throw expected(what) }
        return value
    }

    /// A plain scalar read as a finite number within the given bounds.
    ///
    /// `exclusiveMin` and `exclusiveMax` make the bounds strict (`0 < test_size < 1`).
    public func double(min minimum: Double? = nil, max maximum: Double? = nil,
                       exclusiveMin: Bool = false, exclusiveMax: Bool = false) throws -> Double {
        let what = ParamKind.number(min: minimum, max: maximum, exclusiveMin: exclusiveMin, exclusiveMax: exclusiveMax).expected
        guard case .scalar(let text, true) = node.content, let value = Double(text), value.isFinite else {
            throw expected(what)
        }
        if let minimum, exclusiveMin ? value <= minimum : value < minimum { throw expected(what) }
        if let maximum, exclusiveMax ? value >= maximum : value > maximum { throw expected(what) }
        return value
    }

    /// A plain `true` or `false` (YAML 1.2's booleans, case-insensitive).
    public func bool() throws -> Bool {
        guard case .scalar(let text, true) = node.content else { throw expected("true or false") }
        switch text.lowercased() {
        case "true": return true
        case "false": return false
        default: throw expected("true or false")
        }
    }

    /// Whether the node is a plain null (`~`, `null` or nothing).
    public var isNull: Bool {
        if case .scalar(let text, true) = node.content { return Self.isNull(text) }
        return false
    }

    /// The items of a sequence, each with its indexed path.
    public func list() throws -> [ConfigValue] {
        guard case .sequence(let items) = node.content else { throw expected("a list") }
        return items.enumerated().map { ConfigValue(node: $1, file: file, path: "\(path)[\($0)]") }
    }

    /// A reader over a mapping's keys.
    public func mapping() throws -> ConfigMapping {
        guard case .mapping(let pairs) = node.content else { throw expected("a mapping") }
        return ConfigMapping(value: self, pairs: pairs)
    }

    static func isNull(_ text: String) -> Bool {
        text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
    }
}

/// Reads a mapping key by key, and refuses the keys nobody asked for.
///
/// Call `finish()` once every known key was read: any other key is an error naming it and the
/// keys that are allowed, so a typo never passes silently.
public struct ConfigMapping {
    public let value: ConfigValue
    let pairs: [(key: YAMLNode, value: YAMLNode)]
    private var known: [String] = []

    init(value: ConfigValue, pairs: [(key: YAMLNode, value: YAMLNode)]) {
        self.value = value
        self.pairs = pairs
    }

    /// The value at `key`, or `nil` when the key is absent or null.
    public mutating func optional(_ key: String) -> ConfigValue? {
        known.append(key)
        guard let pair = pairs.first(where: { $0.key.scalarText == key }) else { return nil }
        let child = ConfigValue(node: pair.value, file: value.file, path: childPath(key))
        return child.isNull ? nil : child
    }

    /// The value at `key`; its absence is an error at the mapping.
    public mutating func required(_ key: String) throws -> ConfigValue {
        guard let child = optional(key) else {
            throw value.error("missing key '\(key)'")
        }
        return child
    }

    /// The keys in document order, for mappings whose keys are data (schema columns).
    public var keys: [String] {
        pairs.compactMap { $0.key.scalarText }
    }

    /// Fails on the first key that was never asked for.
    public func finish() throws {
        for pair in pairs {
            let key = pair.key.scalarText ?? pair.key.shortDescription
            guard !known.contains(key) else { continue }
            let unknown = ConfigValue(node: pair.key, file: value.file, path: childPath(key))
            throw unknown.error("unknown key (expected one of: \(known.joined(separator: ", ")))")
        }
    }

    private func childPath(_ key: String) -> String {
        value.path.isEmpty ? key : "\(value.path).\(key)"
    }
}

extension ConfigValue {
    /// The document at `path` as a root value; a file with no document is an error.
    public static func load(path: String) throws -> ConfigValue {
        try parse(try FileBytes.read(path, what: "YAML file"), file: path)
    }

    /// The document of YAML text as a root value, errors naming `file`; no document is an error.
    public static func parse(_ bytes: [UInt8], file: String) throws -> ConfigValue {
        guard let root = try YAMLLoader.parse(bytes, file: file) else {
            throw MSRError.badData(file: file, "the file holds no YAML document")
        }
        return ConfigValue(node: root, file: file, path: "")
    }
}
