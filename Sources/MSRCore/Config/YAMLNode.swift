/// A node of a loaded YAML document, with the place it starts at (1-based line and column).
///
/// Scalars keep their text as written; whether a plain scalar is a number, a boolean or null is
/// decided by the typed reader that asks for it (see `ConfigValue`), because libyaml tags every
/// untagged scalar as a string.
public struct YAMLNode: Sendable {
    /// What a node holds.
    public indirect enum Content: Sendable {
        /// A scalar's text, and whether it was written plain (unquoted, not a block scalar).
        case scalar(String, plain: Bool)
        case sequence([YAMLNode])
        /// Key/value pairs in document order, merge keys (`<<`) already applied.
        case mapping([(key: YAMLNode, value: YAMLNode)])
    }

    public var content: Content
    public var line: Int
    public var column: Int

    public init(_ content: Content, line: Int, column: Int) {
        self.content = content
        self.line = line
        self.column = column
    }

    /// A short description of the node for error messages: the scalar quoted, or its kind.
    public var shortDescription: String {
        switch content {
        case .scalar(let text, _): return MessageText.quoted(text)
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }
}
