import FoundationEssentials
import Glibc

/// A time as `2026-11-30T12:00:00Z` (ISO 8601, UTC, whole seconds), as ISO8601DateFormatter
/// writes it, without the formatter's cost per call: the recommendations log and the service
/// write one per request, so a year of four digits is written straight into the string's 20
/// bytes.
public func utcTimestamp(_ date: Date) -> String {
    var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
    var parts = tm()
    gmtime_r(&seconds, &parts)
    let year = Int(parts.tm_year) + 1900
    guard (1000...9999).contains(year) else {
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(year)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }
    return String(unsafeUninitializedCapacity: 20) { out in
        func digits(_ value: Int, _ count: Int, at start: Int) {
            var value = value
            for k in (start..<(start + count)).reversed() {
                out[k] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
        }
        digits(year, 4, at: 0)
        digits(Int(parts.tm_mon) + 1, 2, at: 5)
        digits(Int(parts.tm_mday), 2, at: 8)
        digits(Int(parts.tm_hour), 2, at: 11)
        digits(Int(parts.tm_min), 2, at: 14)
        digits(Int(parts.tm_sec), 2, at: 17)
        (out[4], out[7], out[10]) = (UInt8(ascii: "-"), UInt8(ascii: "-"), UInt8(ascii: "T"))
        (out[13], out[16], out[19]) = (UInt8(ascii: ":"), UInt8(ascii: ":"), UInt8(ascii: "Z"))
        return 20
    }
}
