/// Text for HTML: what msr-monitor's page and msr-serve's pages both write.
public enum HTMLText {
    /// `text` as HTML text or a double-quoted attribute value: `&`, `<`, `>`, `"` and `'` as
    /// character references, scalar by scalar (a `<` followed by a combining mark is one Character,
    /// which a replacement of Characters would leave alone). A character whose presence is a parse
    /// error in an HTML document (NUL and the other controls but tab, line feed, form feed and
    /// carriage return; noncharacters) becomes U+FFFD, the replacement character: a name with a
    /// NUL in it (a playlist's, from a request) leaves the page free of such errors.
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
            case _ where !allowed(scalar): out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Whether HTML allows `scalar` in a document's text (WHATWG HTML, "preprocessing the input
    /// stream": controls but ASCII white space, and noncharacters, are errors).
    static func allowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0C, 0x0D: true
        case 0..<0x20, 0x7F...0x9F, 0xFDD0...0xFDEF: false
        case let value: value & 0xFFFE != 0xFFFE
        }
    }
}
