/// A params.yaml section whose keys are declared once, in `fields`.
///
/// The section is read from its fields alone (`init(_:)`): each key in the order of `fields`,
/// refused with its key path and range when bad, then any key not among them refused (the
/// message lists the keys in that order). A form validates a submitted section through the very
/// same reader: `init(yaml:file:)` reads the `key: value` lines `yaml` writes.
public protocol ParamsSection: Sendable, Equatable {
    /// The section's name in params.yaml (`train`).
    static var name: String { get }
    /// What the section sets, in one line.
    static var summary: String { get }
    /// Every key of the section, in reading order.
    static var fields: [ParamField<Self>] { get }
    /// The defaults: params.yaml's values.
    init()
    /// What is wrong with a combination of the section's keys, each valid alone, and the key
    /// the message is told at (its value's position, or the section's when it is not written);
    /// nil when nothing is.
    static func conflict(_ section: Self) -> (key: String, message: String)?
}

extension ParamsSection {
    /// Reads the section from its node in a YAML document; unknown keys, missing required keys
    /// and values out of range are errors naming the file, line, column and key path.
    public init(_ value: ConfigValue) throws {
        var mapping = try value.mapping()
        self.init()
        for field in Self.fields {
            try field.read(into: &self, from: &mapping)
        }
        try mapping.finish()
        if let conflict = Self.conflict(self) {
            var written = try value.mapping()
            throw (written.optional(conflict.key) ?? value).error(conflict.message)
        }
    }

    /// No conflicts: every combination of valid values is.
    public static func conflict(_ section: Self) -> (key: String, message: String)? { nil }

    /// Reads the section from `key: value` lines (the section's body, without its name), as
    /// `yaml` writes them and a form submits them: exactly as params.yaml's section is read,
    /// errors naming `file` and the key path (`train.learning_rate`). Empty text is an empty
    /// section.
    public init(yaml: String, file: String) throws {
        let root = try YAMLLoader.parse(Array(yaml.utf8), file: file) ?? YAMLNode(.mapping([]), line: 1, column: 1)
        try self.init(ConfigValue(node: root, file: file, path: Self.name))
    }

    /// The section's name in params.yaml (`Self.name`, for a section held as `any ParamsSection`).
    public var sectionName: String {
        Self.name
    }

    /// The section's keys and values as params.yaml writes them, in field order.
    public var values: [(key: String, value: String)] {
        Self.fields.map { ($0.key, $0.value(in: self)) }
    }

    /// The section as `key: value` lines in field order, which `init(yaml:file:)` reads back to
    /// an equal section.
    public var yaml: String {
        values.map { "\($0.key): \($0.value)\n" }.joined()
    }

    /// The section's keys, in reading order.
    public static var keys: [String] {
        fields.map(\.key)
    }
}
