/// The form a song's identifier must have: printable text everywhere, and the 22-character
/// base62 Spotify track id (`5E30LdtzQTGqRvNd7l6kG5`, no `spotify:track:` prefix, as the
/// Kaggle dataset and msr's song base hold them) in the Spotify layouts, the Kaggle dataset's
/// `track_id` and the song base's `uri`. An id with a NUL byte, a line break or invalid UTF-8
/// would otherwise travel into the song base, the index and the recommendations.
public enum TrackIDForm: Sendable, Equatable {
    /// Valid UTF-8 without control characters (C0, DEL, C1) and not empty.
    case printable
    /// Exactly 22 characters of `0-9A-Za-z`.
    case spotify

    /// The form the column `name` holds: `spotify` for the Spotify layouts' id columns.
    public static func of(column name: String) -> TrackIDForm {
        name == "track_id" || name == "uri" ? .spotify : .printable
    }

    /// The form in words, for "expected ..." messages.
    public var expected: String {
        switch self {
        case .printable: return "a printable id (valid UTF-8, no control characters)"
        case .spotify: return "a 22-character base62 Spotify track id"
        }
    }

    /// Whether the `count` bytes at `pointer` have this form (no allocation).
    @inline(__always)
    public func accepts(_ pointer: UnsafePointer<UInt8>, count: Int) -> Bool {
        switch self {
        case .spotify:
            guard count == 22 else { return false }
            // No branch a byte: the compiler makes vector code of this loop (about 10 instructions
            // an id, against 70 to 170 for a loop that stops at the first bad byte).
            var bad: UInt8 = 0
            for k in 0..<22 {
                let byte = pointer[k]
                let digit: UInt8 = byte &- 48 < 10 ? 1 : 0, letter: UInt8 = (byte | 0x20) &- 97 < 26 ? 1 : 0
                bad |= (digit | letter) ^ 1
            }
            return bad == 0
        case .printable:
            guard count > 0 else { return false }
            // Printable ASCII is the common case; anything else is decoded.
            for k in 0..<count where pointer[k] < 0x20 || pointer[k] >= 0x7F {
                return Self.isPrintableUTF8(UnsafeBufferPointer(start: pointer, count: count))
            }
            return true
        }
    }

    /// Whether `text` has this form.
    public func accepts(_ text: String) -> Bool {
        var copy = text
        return copy.withUTF8 { buffer in
            buffer.baseAddress.map { accepts($0, count: buffer.count) } ?? accepts(UnsafePointer(bitPattern: 1)!, count: 0)
        }
    }

    @inline(__always)
    static func isBase62(_ byte: UInt8) -> Bool {
        byte &- 48 < 10 || (byte | 0x20) &- 97 < 26
    }

    static func isPrintableUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                if scalar.properties.generalCategory == .control { return false }
            case .emptyInput:
                return true
            case .error:
                return false
            }
        }
    }
}
