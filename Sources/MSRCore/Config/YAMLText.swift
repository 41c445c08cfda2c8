/// Values written as YAML text that `YAMLLoader` reads back to the same strings: for params
/// rendered back to `key: value` lines.
public enum YAMLText {
    /// `text` plain when it is a word YAML reads as that very string (`hip-hop`, `r-n-b`),
    /// double-quoted with escapes otherwise (a space, a comma, a colon, `null`, the empty string).
    public static func scalar(_ text: String) -> String {
        let plainFirst = text.unicodeScalars.first.map { isWord($0) } ?? false
        if plainFirst, text.unicodeScalars.allSatisfy({ isWord($0) || "-.+/".unicodeScalars.contains($0) }),
           !ConfigValue.isNull(text) {
            return text
        }
        var quoted = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                quoted += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16, uppercase: true)
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "\""
    }

    /// A flow sequence of scalars: `[pop, rock, "easy listening"]`.
    public static func flowList(_ items: [String]) -> String {
        "[" + items.map(scalar).joined(separator: ", ") + "]"
    }

    private static func isWord(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_"
    }
}
