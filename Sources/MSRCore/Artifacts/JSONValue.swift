/// A JSON value written deterministically: keys sorted, two-space indentation, arrays of
/// scalars on one line, numbers in their shortest round-trip form, a trailing newline.
///
/// The same value always gives the same bytes, which DVC's cache relies on.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    /// Written shortest round-trip; NaN and infinities (not JSON) are written as null.
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The text of the value, ending with a newline.
    public func serialized() -> String {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        write(to: &out, indent: 0)
        out.append(UInt8(ascii: "\n"))
        return String(decoding: out, as: UTF8.self)
    }

    /// The value on one line, keys sorted, no trailing newline: for JSON Lines.
    public func compact() -> String {
        var out: [UInt8] = []
        compact(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `compact()`'s UTF-8 bytes to `out`: no intermediate strings.
    public func compact(into out: inout [UInt8]) {
        switch self {
        case .null: out += "null".utf8
        case .bool(let value): out += (value ? "true" : "false").utf8
        case .int(let value): JSONBytes.writeNumber(to: &out) { NumberFormat.write(value, to: $0) }
        case .double(let value): JSONBytes.writeDouble(value, to: &out)
        case .string(let value): JSONBytes.writeString(value, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (k, item) in items.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                item.compact(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (k, member) in members.sorted(by: { $0.key < $1.key }).enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                JSONBytes.writeString(member.key, to: &out)
                out.append(UInt8(ascii: ":"))
                member.value.compact(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private var isScalar: Bool {
        switch self {
        case .array, .object: return false
        default: return true
        }
    }

    /// `serialized()`'s bytes, appended to `out` (bytes, not `String`s: a cold msr-predict spent
    /// 0.9M instructions on the small strings of a 2.6 KB answer).
    private func write(to out: inout [UInt8], indent: Int) {
        switch self {
        case .null, .bool, .int, .double, .string: compact(into: &out)
        case .array(let items):
            if items.isEmpty { out += "[]".utf8; return }
            if items.allSatisfy(\.isScalar) {
                out.append(UInt8(ascii: "["))
                for (k, item) in items.enumerated() {
                    if k > 0 { out += ", ".utf8 }
                    item.compact(into: &out)
                }
                out.append(UInt8(ascii: "]"))
                return
            }
            out += "[\n".utf8
            for (k, item) in items.enumerated() {
                out += repeatElement(UInt8(ascii: " "), count: indent + 2)
                item.write(to: &out, indent: indent + 2)
                out += (k == items.count - 1 ? "\n" : ",\n").utf8
            }
            out += repeatElement(UInt8(ascii: " "), count: indent)
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            if members.isEmpty { out += "{}".utf8; return }
            out += "{\n".utf8
            let keys = members.keys.sorted()
            for (k, key) in keys.enumerated() {
                out += repeatElement(UInt8(ascii: " "), count: indent + 2)
                JSONBytes.writeString(key, to: &out)
                out += ": ".utf8
                members[key]!.write(to: &out, indent: indent + 2)
                out += (k == keys.count - 1 ? "\n" : ",\n").utf8
            }
            out += repeatElement(UInt8(ascii: " "), count: indent)
            out.append(UInt8(ascii: "}"))
        }
    }
}

extension JSONValue {
    /// Writes the value atomically to `path`.
    public func write(to path: String) throws {
        try AtomicFile.write(serialized(), to: path)
    }
}
