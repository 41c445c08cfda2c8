import FoundationEssentials
import MSRTestSupport
import XCTest
@testable import MSRCore

/// The history's binary form of an answer gives back the answer that was sent, byte for byte
/// once written as JSON, and refuses (nil, never a trap) bytes that are not a whole record.
final class AnswerRecordTests: XCTestCase {
    /// Every result of the JSON writers' tests (quotes, control characters and non-ASCII text,
    /// unknown details, an id with no link, NaN and infinite numbers, no pid, no picks), with and
    /// without a model version.
    func testARecordReadsBackAsTheAnswerSent() throws {
        for (k, result) in JSONBytesTests.results().enumerated() {
            for version in [nil, "abc\"1"] as [String?] {
                let record = result.answerRecord(details: JSONBytesTests.catalog, modelVersion: version)
                let sent = String(decoding: result.compactJSON(details: JSONBytesTests.catalog, modelVersion: version), as: UTF8.self)
                XCTAssertEqual(try XCTUnwrap(AnswerRecord.answer(record)).compact(), sent, "result \(k), version \(version ?? "none")")
                XCTAssertLessThan(record.count, sent.utf8.count / 2, "result \(k)")
            }
        }
        XCTAssertEqual(AnswerRecord.sources.map(AnswerRecord.code), [0, 1, 2])
        // A pick whose genre is not among the probabilities' keeps its own text.
        var result = JSONBytesTests.results()[2]
        result.picks[0].genre = "elsewhere"
        let record = result.answerRecord(details: JSONBytesTests.catalog, modelVersion: "v")
        XCTAssertEqual(AnswerRecord.answer(record)?.compact(),
                       String(decoding: result.compactJSON(details: JSONBytesTests.catalog, modelVersion: "v"), as: UTF8.self))
        // One canonically equivalent to a key in other bytes (`==` would match them) keeps its
        // own bytes.
        result.probabilities["caf\u{E9}"] = 0.1
        result.picks[0].genre = "cafe\u{301}"
        let equivalent = try XCTUnwrap(AnswerRecord.answer(result.answerRecord(details: JSONBytesTests.catalog, modelVersion: "v")))
        XCTAssertEqual(Array(equivalent.compact().utf8), result.compactJSON(details: JSONBytesTests.catalog, modelVersion: "v"))
    }

    /// Every prefix of a record, the record with a byte after it, and records with a byte
    /// changed at every position (to each of several values): nil or a value, never a trap;
    /// a prefix or an extended record is always nil.
    func testBytesThatAreNotAWholeRecordAreRefused() {
        let record = JSONBytesTests.results()[0].answerRecord(details: JSONBytesTests.catalog, modelVersion: "v")
        XCTAssertNotNil(AnswerRecord.answer(record))
        for length in 0..<record.count { XCTAssertNil(AnswerRecord.answer(Array(record[..<length])), "prefix of \(length)") }
        XCTAssertNil(AnswerRecord.answer(record + [0]))
        XCTAssertNil(AnswerRecord.answer(Array(#"{"recommendations":[]}"#.utf8)), "JSON text is no record")
        var changed = 0
        for position in record.indices {
            for value: UInt8 in [0, 1, 0x7F, 0x80, 0xC3, 0xFF] where value != record[position] {
                var bytes = record
                bytes[position] = value
                if AnswerRecord.answer(bytes)?.compact() != AnswerRecord.answer(record)?.compact() { changed += 1 }
            }
        }
        XCTAssertGreaterThan(changed, record.count)
        // Counts far beyond the bytes: refused before anything is made for them.
        XCTAssertNil(AnswerRecord.answer(AnswerRecord.magic + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]))
        XCTAssertNil(AnswerRecord.answer(AnswerRecord.magic + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]))
    }
}
