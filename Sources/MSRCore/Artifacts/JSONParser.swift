/// Parses JSON text into `JSONValue`, numbers through `NumberParser` so that every double
/// reads back exactly as `JSONValue` wrote it (Foundation's parser on Linux can be one ulp
/// off, which would make a model read from its file differ from the one written).
public struct JSONParser {
    let bytes: [UInt8]
    /// The next byte to read.
    var position = 0
    private var depth = 0

    /// Parses a whole document; the error says where (byte offset) and what was expected.
    public static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        let value = try parser.value()
        parser.skipSpace()
        guard parser.position == bytes.count else { throw parser.error("unexpected text after the JSON value") }
        return value
    }

    /// A parser at the start of `bytes`, for readers that scan a document (`skipValue`,
    /// `members`, `elements`) instead of building it.
    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// A parse failure; `message` says where.
    public struct ParseError: Error, Equatable {
        public var message: String
    }

    func error(_ what: String) -> ParseError {
        ParseError(message: "\(what) at byte \(position)")
    }

    mutating func skipSpace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    /// Consumes `literal` (ASCII), or throws without moving.
    mutating func expect(_ literal: StaticString) throws {
        let count = literal.utf8CodeUnitCount
        guard position + count <= bytes.count,
              (0..<count).allSatisfy({ bytes[position + $0] == literal.utf8Start[$0] }) else {
            throw error("expected \(literal)")
        }
        position += count
    }

    mutating func value() throws -> JSONValue {
        skipSpace()
        guard position < bytes.count else { throw error("unexpected end of input") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try expect("true"); return .bool(true)
        case UInt8(ascii: "f"): try expect("false"); return .bool(false)
        case UInt8(ascii: "n"): try expect("null"); return .null
        default: return try number()
        }
    }

    private mutating func nested<T>(_ body: (inout JSONParser) throws -> T) throws -> T {
        depth += 1
        defer { depth -= 1 }
        guard depth <= 512 else { throw error("nesting deeper than 512") }
        return try body(&self)
    }

    private mutating func object() throws -> JSONValue {
        // The members first, then a dictionary of their number (grown member by member, it was
        // rehashed at every doubling: a tenth of a service request's parse); a repeated key's
        // last value wins.
        var members: [(String, JSONValue)] = []
        try self.members { parser, key in
            members.append((try parser.decode(key), try parser.value()))
        }
        return .object(Dictionary(members, uniquingKeysWith: { _, last in last }))
    }

    private mutating func array() throws -> JSONValue {
        var items: [JSONValue] = []
        try elements { items.append(try $0.value()) }
        return .array(items)
    }

    /// The string at `position` (its opening quote), decoded.
    mutating func string() throws -> String {
        var decoded: [UInt8]? = []
        if let range = try scanString(&decoded) { return String(decoding: bytes[range], as: UTF8.self) }
        return String(decoding: decoded!, as: UTF8.self)
    }

    /// Consumes the string at `position` (its opening quote), checking it as JSON: the range of its
    /// bytes when it holds no escape (most strings: taken in one piece); nil otherwise, its
    /// decoded bytes appended to `decoded` when one is given.
    private mutating func scanString(_ decoded: inout [UInt8]?) throws -> Range<Int>? {
        position += 1
        let start = position
        // Any byte of a multi-byte sequence (0x80 and up), seen by OR-ing them all: only then is
        // the string's UTF-8 checked.
        var high: UInt8 = 0
        // The common case: eight bytes at a time while none ends the string, starts an escape or
        // is a control byte (`JSONBytes.plainWords`), then byte by byte up to the closing quote,
        // or to what needs the full loop.
        let plain = bytes.withUnsafeBufferPointer { [position] in JSONBytes.plainWords($0, from: position) }
        position = plain.end
        if plain.high { high = 0x80 }
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                try checkUTF8(start..<(position - 1), high: high)
                return start..<(position - 1)
            }
            guard byte >= 0x20, byte != UInt8(ascii: "\\") else { break }
            high |= byte
            position += 1
        }
        var escaped = false
        while true {
            guard position < bytes.count else { throw error("unterminated string") }
            let byte = bytes[position]
            position += 1
            if byte == UInt8(ascii: "\"") {
                // Escapes are ASCII: the raw bytes are valid UTF-8 exactly when the decoded ones are.
                try checkUTF8(start..<(position - 1), high: high)
                return escaped ? nil : start..<(position - 1)
            }
            guard byte >= 0x20 else { throw error("control character in a string") }
            high |= byte
            guard byte == UInt8(ascii: "\\") else {
                if escaped { decoded?.append(byte) }
                continue
            }
            if !escaped {
                escaped = true
                decoded?.append(contentsOf: bytes[start..<(position - 1)])
            }
            guard position < bytes.count else { throw error("unterminated escape") }
            let escape = bytes[position]
            position += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded?.append(escape)
            case UInt8(ascii: "b"): decoded?.append(0x08)
            case UInt8(ascii: "f"): decoded?.append(0x0C)
            case UInt8(ascii: "n"): decoded?.append(0x0A)
            case UInt8(ascii: "r"): decoded?.append(0x0D)
            case UInt8(ascii: "t"): decoded?.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    try expect("\\u")
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw error("invalid surrogate pair") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
                decoded?.append(contentsOf: String(Character(unicode)).utf8)
            default: throw error("invalid escape")
            }
        }
    }

    /// JSON text is UTF-8 (RFC 8259): a string whose bytes are not is refused where it starts,
    /// not read with U+FFFD in place of its bad bytes. `high`: its bytes OR-ed (below 0x80, ASCII:
    /// nothing to check).
    private func checkUTF8(_ range: Range<Int>, high: UInt8) throws {
        guard high >= 0x80, String(validating: bytes[range], as: UTF8.self) == nil else { return }
        throw ParseError(message: "invalid UTF-8 in the string at byte \(range.lowerBound - 1)")
    }

    private mutating func hex4() throws -> UInt32 {
        guard position + 4 <= bytes.count else { throw error("short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("invalid \\u escape")
            }
            value = value * 16 + UInt32(digit)
            position += 1
        }
        return value
    }

    private mutating func number() throws -> JSONValue {
        if let integer = smallInteger() { return .int(integer) }
        let start = position
        var integral = true
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: ".") || byte | 0x20 == UInt8(ascii: "e") { integral = false }
            guard (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".") || byte | 0x20 == UInt8(ascii: "e") else { break }
            position += 1
        }
        if integral, let value = Int(String(decoding: bytes[start..<position], as: UTF8.self)) { return .int(value) }
        let value = bytes.withUnsafeBufferPointer { NumberParser.parseDouble($0.baseAddress!, start, position) }
        guard start < position, let value else {
            position = start
            throw error("expected a value")
        }
        return .double(value)
    }

    /// A number of at most 18 digits with an optional leading minus and nothing else (no sign,
    /// point or exponent character follows): its value, read without making a String; nil
    /// (nothing consumed) for any other number, which `number` reads the general way.
    private mutating func smallInteger() -> Int? {
        var p = position
        let negative = p < bytes.count && bytes[p] == UInt8(ascii: "-")
        if negative { p += 1 }
        let digits = p
        var value = 0
        while p < bytes.count, bytes[p] >= UInt8(ascii: "0"), bytes[p] <= UInt8(ascii: "9"), p - digits < 18 {
            value = value * 10 + Int(bytes[p] - UInt8(ascii: "0"))
            p += 1
        }
        guard p > digits else { return nil }
        if p < bytes.count {
            let next = bytes[p]
            guard !((next >= UInt8(ascii: "0") && next <= UInt8(ascii: "9")) || next == UInt8(ascii: "-") || next == UInt8(ascii: "+")
                    || next == UInt8(ascii: ".") || next | 0x20 == UInt8(ascii: "e")) else { return nil }
        }
        position = p
        return negative ? -value : value
    }
}

// MARK: - Scanning without building

extension JSONParser {
    /// Consumes one value as `value()` would (the same grammar, limits and errors: both go through
    /// `members`, `elements` and `scanString`), building nothing.
    mutating func skipValue() throws {
        skipSpace()
        guard position < bytes.count else { throw error("unexpected end of input") }
        switch bytes[position] {
        case UInt8(ascii: "{"): try members { parser, _ in try parser.skipValue() }
        case UInt8(ascii: "["): try elements { try $0.skipValue() }
        case UInt8(ascii: "\""): _ = try skipString()
        case UInt8(ascii: "t"): try expect("true")
        case UInt8(ascii: "f"): try expect("false")
        case UInt8(ascii: "n"): try expect("null")
        default: _ = try number()
        }
    }

    /// A member's key, as `members` found it.
    struct Key {
        /// Where its opening quote is.
        let start: Int
        /// Its bytes, or nil when it holds an escape.
        let bytes: Range<Int>?
    }

    /// The text of `key`, decoded; the parser stays where it is.
    mutating func decode(_ key: Key) throws -> String {
        if let range = key.bytes { return String(decoding: bytes[range], as: UTF8.self) }
        let resume = position
        defer { position = resume }
        position = key.start
        return try string()
    }

    /// Consumes the object at `position` (its `{`), calling `member` for each member with the
    /// parser at its value, which `member` must consume, and the member's key.
    mutating func members(_ member: (inout JSONParser, Key) throws -> Void) throws {
        try nested { parser in
            parser.position += 1
            parser.skipSpace()
            if parser.next(is: UInt8(ascii: "}")) {
                parser.position += 1
                return
            }
            while true {
                parser.skipSpace()
                guard parser.next(is: UInt8(ascii: "\"")) else { throw parser.error("expected a key") }
                let start = parser.position
                let key = Key(start: start, bytes: try parser.skipString())
                parser.skipSpace()
                try parser.expect(":")
                try member(&parser, key)
                parser.skipSpace()
                guard parser.position < parser.bytes.count else { throw parser.error("unexpected end of input") }
                if parser.next(is: UInt8(ascii: ",")) { parser.position += 1; continue }
                try parser.expect("}")
                return
            }
        }
    }

    /// Consumes the array at `position` (its `[`), calling `element` with the parser at each
    /// element, which `element` must consume.
    mutating func elements(_ element: (inout JSONParser) throws -> Void) throws {
        try nested { parser in
            parser.position += 1
            parser.skipSpace()
            if parser.next(is: UInt8(ascii: "]")) {
                parser.position += 1
                return
            }
            while true {
                try element(&parser)
                parser.skipSpace()
                guard parser.position < parser.bytes.count else { throw parser.error("unexpected end of input") }
                if parser.next(is: UInt8(ascii: ",")) { parser.position += 1; continue }
                try parser.expect("]")
                return
            }
        }
    }

    /// Whether the bytes in `range` (a key from `members`) are `literal`'s.
    func bytes(_ range: Range<Int>, equal literal: StaticString) -> Bool {
        guard range.count == literal.utf8CodeUnitCount else { return false }
        var i = 0
        for p in range {
            guard bytes[p] == literal.utf8Start[i] else { return false }
            i += 1
        }
        return true
    }

    /// Consumes the string at `position` (its opening quote) with `string()`'s checks, decoding
    /// nothing: the range of its bytes, or nil when it holds an escape.
    mutating func skipString() throws -> Range<Int>? {
        var none: [UInt8]? = nil
        return try scanString(&none)
    }

    /// Whether the byte at `position` is `byte` (false at the end).
    func next(is byte: UInt8) -> Bool {
        position < bytes.count && bytes[position] == byte
    }
}
