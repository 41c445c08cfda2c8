import FoundationEssentials
import Glibc

/// A time as `2026-11-30T12:00:00Z` (ISO 8601, UTC, whole seconds), as ISO8601DateFormatter
/// writes it, without the formatter's cost per call: the recommendations log and the service
/// write one per request.
public func utcTimestamp(_ date: Date) -> String {
    var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
    var parts = tm()
    gmtime_r(&seconds, &parts)
    func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
    return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
        + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
}
