/// Compact JSON written straight to bytes, in exactly the form `JSONValue.compact` writes (its
/// strings escaped the same way, numbers in their shortest round-trip form, non-finite numbers
/// as null), for the paths that write the same object at every request (a service's answer, its
/// log lines) and know its keys: no tree of values, no dictionaries, no sorting.
///
/// The caller gives each object's keys in sorted order, as `JSONValue.compact` sorts them (by
/// `String`'s `<`); tests hold each writer to the `compact()` of the value it writes.
public struct JSONBytes {
    /// What has been written.
    public private(set) var bytes: [UInt8]
    /// Whether the next key or element follows another one in its container.
    private var follows = false

    /// An empty writer with room for `capacity` bytes.
    public init(capacity: Int = 1024) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// `{`: an object's keys and values follow (`key`, then a value, ...), then `endObject`.
    public mutating func beginObject() { open(UInt8(ascii: "{")) }

    /// `}`.
    public mutating func endObject() { close(UInt8(ascii: "}")) }

    /// `[`: an array's values follow, then `endArray`.
    public mutating func beginArray() { open(UInt8(ascii: "[")) }

    /// `]`.
    public mutating func endArray() { close(UInt8(ascii: "]")) }

    private mutating func open(_ bracket: UInt8) {
        separate()
        bytes.append(bracket)
        follows = false
    }

    private mutating func close(_ bracket: UInt8) {
        bytes.append(bracket)
        follows = true
    }

    /// An object's next key, known when the program is built and needing no escape (no `"`,
    /// `\` or control character): copied as it is; its value comes next.
    public mutating func key(_ name: StaticString) {
        assert(!name.withUTF8Buffer { $0.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") } },
               "a static JSON key needing an escape")
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        follows = false
    }

    /// An object's next key, escaped (a key the data gives); its value comes next.
    public mutating func key(escaping name: String) {
        separate()
        Self.writeString(name, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        follows = false
    }

    /// A string, escaped.
    public mutating func string(_ value: String) {
        separate()
        Self.writeString(value, to: &bytes)
        follows = true
    }

    /// A string made of a literal `prefix` (needing no escape, as `key(_:)`'s names) and
    /// `value`, escaped: a link to a track without making its text.
    public mutating func string(_ prefix: StaticString, _ value: String) {
        separate()
        Self.writeString(value, after: prefix, to: &bytes)
        follows = true
    }

    /// A whole number.
    public mutating func int(_ value: Int) {
        separate()
        Self.writeNumber(to: &bytes) { NumberFormat.write(value, to: $0) }
        follows = true
    }

    /// The shortest round-trip form; null when not finite (JSON has no NaN or infinity).
    public mutating func double(_ value: Double) {
        separate()
        Self.writeDouble(value, to: &bytes)
        follows = true
    }

    /// A member whose value is a string, or nothing when `value` is nil; `name` as `key(_:)`'s.
    public mutating func member(_ name: StaticString, _ value: String?) {
        guard let value else { return }
        key(name)
        string(value)
    }

    /// A member whose value is a string, or nothing when `value` is nil; `name` escaped.
    public mutating func member(escaping name: String, _ value: String?) {
        guard let value else { return }
        key(escaping: name)
        string(value)
    }

    /// Ends a line of JSON Lines: the next value starts a new one.
    public mutating func newline() {
        bytes.append(UInt8(ascii: "\n"))
        follows = false
    }

    private mutating func separate() {
        if follows { bytes.append(UInt8(ascii: ",")) }
    }

    /// A number's JSON: the shortest round-trip form, null when not finite.
    static func writeDouble(_ value: Double, to out: inout [UInt8]) {
        if value.isFinite {
            writeNumber(to: &out) { NumberFormat.write(value, to: $0) }
        } else {
            out += "null".utf8
        }
    }

    /// Appends what `write` writes into a buffer of `NumberFormat.maxLength` bytes (returning
    /// how many).
    static func writeNumber(to out: inout [UInt8], _ write: (UnsafeMutablePointer<UInt8>) -> Int) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: NumberFormat.maxLength) { buffer in
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[..<write(buffer.baseAddress!)]))
        }
    }

    /// A JSON string literal's bytes: `"`, `\`, and control characters escaped; every other
    /// byte (UTF-8 included) as it is; `prefix` (needing no escape) first within the quotes.
    static func writeString(_ value: String, after prefix: StaticString = "", to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        prefix.withUTF8Buffer { out.append(contentsOf: $0) }
        var value = value
        value.withUTF8 { bytes in
            var start = 0, k = 0
            while k < bytes.count {
                k = plainWords(bytes, from: k).end  // eight bytes at a time while none needs escaping
                guard k < bytes.count else { break }
                let byte = bytes[k]
                k &+= 1
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<(k - 1)]))
                start = k
                switch byte {
                case UInt8(ascii: "\""): out += #"\""#.utf8
                case UInt8(ascii: "\\"): out += #"\\"#.utf8
                case UInt8(ascii: "\n"): out += #"\n"#.utf8
                case UInt8(ascii: "\r"): out += #"\r"#.utf8
                case UInt8(ascii: "\t"): out += #"\t"#.utf8
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    out += #"\u00"#.utf8
                    out.append(hex[Int(byte >> 4)])
                    out.append(hex[Int(byte & 15)])
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        }
        out.append(UInt8(ascii: "\""))
    }

    /// How far from `start` the bytes run in whole eight-byte words none of which holds a byte
    /// `mayNeedEscape` looks for (what ends a JSON string, starts an escape or must be escaped),
    /// and whether any byte of those words is 0x80 or above (UTF-8 beyond ASCII): the plain
    /// stretch a string's writer copies and its reader skips without looking at each byte.
    @inline(__always)
    static func plainWords(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> (end: Int, high: Bool) {
        var at = start, seen: UInt64 = 0
        while at &+ 8 <= bytes.count {
            let word = UnsafeRawPointer(bytes.baseAddress! + at).loadUnaligned(as: UInt64.self)
            guard !mayNeedEscape(word) else { break }
            seen |= word
            at &+= 8
        }
        return (at, seen & 0x8080_8080_8080_8080 != 0)
    }

    /// Whether any of a word's eight bytes is below 0x20, `"` or `\` (the bytes `writeString`
    /// escapes): a byte below 0x20 sets its high bit in `word - 0x20...` where its own is clear;
    /// a byte equal to `c` is a zero byte of `word ^ c...`, found the same way with 0x01.
    @inline(__always)
    static func mayNeedEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let quotes = word ^ (ones &* 0x22), backslashes = word ^ (ones &* 0x5C)
        let below = (word &- ones &* 0x20) & ~word
        return (below | ((quotes &- ones) & ~quotes) | ((backslashes &- ones) & ~backslashes)) & highs != 0
    }
}
