import FoundationEssentials
import Glibc
import MSRTestSupport
import XCTest
@testable import MSRCore

/// `utcTimestamp` writes what the interpolated form it replaced wrote, for every date.
final class UTCTimestampTests: XCTestCase {
    /// The form before it was written byte by byte: `gmtime_r`'s parts interpolated.
    func interpolated(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }

    func testKnownDates() {
        XCTAssertEqual(utcTimestamp(Date(timeIntervalSince1970: 0)), "1970-01-01T00:00:00Z")
        XCTAssertEqual(utcTimestamp(Date(timeIntervalSince1970: 1_795_996_799.999)), "2026-11-29T23:59:59Z")
        XCTAssertEqual(utcTimestamp(Date(timeIntervalSince1970: -0.5)), "1969-12-31T23:59:59Z")
        XCTAssertEqual(utcTimestamp(Date(timeIntervalSince1970: 253_402_300_799)), "9999-12-31T23:59:59Z")
        XCTAssertEqual(utcTimestamp(Date(timeIntervalSince1970: 253_402_300_800)), "10000-01-01T00:00:00Z")
        XCTAssertEqual(utcTimestamp(Date(timeIntervalSince1970: -30_610_224_001)), "999-12-31T23:59:59Z")
    }

    /// Random dates from the year 500 to 12000: four-digit years written straight, the others
    /// interpolated, both as before.
    func testRandomDatesAsInterpolated() {
        var generator = SplitMix64(seed: 3)
        let low = -46_388_678_400.0, high = 316_592_000_000.0
        for _ in 0..<20_000 {
            let date = Date(timeIntervalSince1970: low + generator.unit() * (high - low))
            XCTAssertEqual(utcTimestamp(date), interpolated(date), "\(date.timeIntervalSince1970)")
        }
    }
}
