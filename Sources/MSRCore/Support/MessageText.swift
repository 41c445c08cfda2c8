/// How a value read from an input appears in a one-line message.
public enum MessageText {
    /// How many characters of a value a message or a report shows by default: a cell, a
    /// header or a field a client sent may be megabytes.
    public static let shownCharacters = 200

    /// `"value"`, its control characters escaped as in a Swift literal (`\0`, `\n`, `\u{01}`),
    /// so that a cell holding a NUL byte or a line break keeps the message on one visible line;
    /// beyond `limit` characters, cut with `...`.
    public static func quoted(_ value: String, limit: Int = shownCharacters) -> String {
        var text = "\""
        for scalar in clipped(value, limit: limit).unicodeScalars {
            // Printable characters, quotes and backslashes included, stay as they are.
            if scalar.value >= 0x20, scalar.value != 0x7F, scalar.properties.generalCategory != .control {
                text.unicodeScalars.append(scalar)
            } else {
                text += scalar.escaped(asASCII: true)
            }
        }
        return text + "\""
    }

    /// `text` itself up to `limit` characters, else its first `limit` and `...`.
    public static func clipped(_ text: String, limit: Int = shownCharacters) -> String {
        text.count > limit ? text.prefix(limit) + "..." : text
    }
}
