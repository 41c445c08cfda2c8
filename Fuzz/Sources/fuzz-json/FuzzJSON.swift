import FuzzSupport
import MSRCore

/// The JSON parser every JSON artifact and playlist goes through. What it accepts must read back
/// unchanged from what JSONValue writes (the artifacts' round trip), except non-finite numbers
/// (`1e999`), which JSON cannot write: the readers above the parser refuse those.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Fuzz.bytes(data, size)
    let value: JSONValue
    do {
        value = try JSONParser.parse(bytes)
    } catch is JSONParser.ParseError {
        return 0
    } catch {
        fatalError("JSONParser.parse threw \(type(of: error)), not ParseError: \(error)")
    }
    guard value.isFinite else { return 0 }
    let text = value.serialized()
    do {
        let again = try JSONParser.parse(Array(text.utf8))
        Fuzz.check(again == value, "JSON round trip changed \(value) into \(again) via \(text)")
    } catch {
        fatalError("JSONParser.parse refused what JSONValue wrote (\(error)): \(text)")
    }
    return 0
}

extension JSONValue {
    /// No infinite or NaN number anywhere in the value.
    var isFinite: Bool {
        switch self {
        case .double(let value): return value.isFinite
        case .array(let items): return items.allSatisfy(\.isFinite)
        case .object(let members): return members.values.allSatisfy(\.isFinite)
        case .null, .bool, .int, .string: return true
        }
    }
}
