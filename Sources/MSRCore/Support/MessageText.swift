/// How a value read from an input appears in a one-line message.
public enum MessageText {
    /// `"value"`, its control characters escaped as in a Swift literal (`\0`, `\n`, `\u{01}`),
    /// so that a cell holding a NUL byte or a line break keeps the message on one visible line;
    /// beyond `limit` characters, cut with `...` (what a client sent may be megabytes).
    public static func quoted(_ value: String, limit: Int = .max) -> String {
        var text = "\""
        let cut = limit < .max && value.count > limit
        for scalar in (cut ? String(value.prefix(limit)) : value).unicodeScalars {
            // Printable characters, quotes and backslashes included, stay as they are.
            if scalar.value >= 0x20, scalar.value != 0x7F, scalar.properties.generalCategory != .control {
                text.unicodeScalars.append(scalar)
            } else {
                text += scalar.escaped(asASCII: true)
            }
        }
        return text + (cut ? "...\"" : "\"")
    }
}
