/// Text for HTML: what msr-monitor's page and msr-serve's pages both write.
public enum HTMLText {
    /// `text` as HTML text or a double-quoted attribute value: `&`, `<`, `>`, `"` and `'` as
    /// character references, scalar by scalar (a `<` followed by a combining mark is one Character,
    /// which a replacement of Characters would leave alone).
    public static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
