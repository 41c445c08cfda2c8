import MSRTestSupport
import XCTest
@testable import MSRCore

final class SchemaValidatorTests: XCTestCase {
    let schema = Schema(columns: [
        .init(name: "uri", type: .string), .init(name: "genre", type: .string),
        .init(name: "key", type: .int64, min: 0, max: 11), .init(name: "energy", type: .float64, min: 0, max: 1),
    ], id: "uri", target: "genre")

    func problems(_ csv: String) throws -> [ValidationProblem] {
        let validator = SchemaValidator(schema: schema, genres: ["pop", "rock"])
        return try validator.problems(in: CSVReader(bytes: Array(csv.utf8), file: "s.csv")).problems
    }

    func testValidFileHasNoProblem() throws {
        XCTAssertEqual(try problems("uri,genre,key,energy\na000000000000000000000,pop,1,0.5\nb000000000000000000000,rock,11,1\n"), [])
    }

    func testEveryRule() throws {
        let csv = "uri,genre,key,energy\na000000000000000000000,pop,1.5,0.5\nb000000000000000000000,polka,12,-0.1\na000000000000000000000,rock,,x\n,pop,3,2\n"
        let found = try problems(csv).map { "\($0.line) \($0.column) \($0.rule.rawValue) \($0.value)" }
        XCTAssertEqual(Set(found), [
            "2 key type 1.5",
            "3 key max 12.0",
            "4 key missing ",
            "3 energy min -0.1",
            "4 energy type x",
            "5 energy max 2.0",
            "4 uri duplicate a000000000000000000000",
            "5 uri missing ",
            "3 genre genre polka",
        ])
    }

    func testMissingAndUnexpectedColumns() throws {
        let found = try problems("uri,genre,key,loudness\na000000000000000000000,pop,1,-5\n")
        XCTAssertEqual(found.map(\.rule), [.missingColumn, .unexpectedColumn])
        XCTAssertEqual(found.map(\.column), ["energy", "loudness"])
    }

    func testProblemMessageSaysWhatWasExpected() throws {
        let problem = try problems("uri,genre,key,energy\na000000000000000000000,pop,1,1.5\n")[0]
        XCTAssertEqual(problem.message, "column 'energy': expected a value <= 1, got \"1.5\"")
    }

    func testIDsMustBeSpotifyIDs() throws {
        let csv = Array("uri,genre,key,energy\na000000000000000000000,pop,1,0.5\na000000000".utf8) + [0] + Array("a0000000000,pop,1,0.5\n".utf8)
            + Array("a00000000000000000000".utf8) + [0xFF] + Array(",pop,1,0.5\nspotify:track:b000000000000000000000,pop,1,0.5\nshort,pop,1,0.5\n".utf8)
        let found = try SchemaValidator(schema: schema, genres: ["pop"]).problems(in: CSVReader(bytes: csv, file: "s.csv")).problems
        XCTAssertEqual(found.map { "\($0.line) \($0.column) \($0.rule.rawValue)" },
                       ["3 uri invalid_id", "4 uri invalid_id", "5 uri invalid_id", "6 uri invalid_id"])
        XCTAssertEqual(found[0].message, "column 'uri': expected a 22-character base62 Spotify track id, got \"a000000000\\0a0000000000\"",
                       "a NUL byte is shown escaped, on one line")
        XCTAssertEqual(found[1].message, "column 'uri': expected a 22-character base62 Spotify track id, got \"a00000000000000000000\u{FFFD}\"")
    }

    func testAnotherIDColumnMustBePrintable() throws {
        let other = Schema(columns: [.init(name: "song", type: .string), .init(name: "genre", type: .string)], id: "song", target: "genre")
        let csv = "song,genre\nmy song,pop\nné,pop\n\"two\nlines\",pop\n"
        let found = try SchemaValidator(schema: other, genres: ["pop"]).problems(in: CSVReader(bytes: Array(csv.utf8), file: "s.csv")).problems
        XCTAssertEqual(found.map(\.rule), [.invalidID])
        XCTAssertEqual(found.first?.message, "column 'song': expected a printable id (valid UTF-8, no control characters), got \"two\\nlines\"")
    }

    func testADuplicatedColumnIsAProblemAndNeitherCopyIsChecked() throws {
        let found = try problems("uri,genre,key,energy,energy\na000000000000000000000,pop,1,0.5,-999\n")
        XCTAssertEqual(found.map(\.rule), [.duplicateColumn])
        XCTAssertEqual(found.first?.field, 5)
        XCTAssertEqual(found.first?.message, "duplicated column 'energy' (expected each column once)")
    }

    func testNonFiniteAndMissingMarkersSayWhatTheCellHolds() throws {
        let found = try problems("uri,genre,key,energy\na000000000000000000000,pop,1,1e999\nb000000000000000000000,pop,1,nan\nca00000000000000000000,pop,1,\n")
        XCTAssertEqual(found.map { "\($0.line) \($0.rule.rawValue) \($0.value)" }, ["2 type 1e999", "3 missing nan", "4 missing "])
        XCTAssertEqual(found.map(\.message), [
            "column 'energy': expected a finite float64 number, got \"1e999\"",
            "column 'energy': expected a float64 number, got \"nan\"",
            "column 'energy': expected a float64 number, got an empty cell",
        ])
    }
}
