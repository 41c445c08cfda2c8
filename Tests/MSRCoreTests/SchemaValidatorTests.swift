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
        XCTAssertEqual(try problems("uri,genre,key,energy\na,pop,1,0.5\nb,rock,11,1\n"), [])
    }

    func testEveryRule() throws {
        let csv = "uri,genre,key,energy\na,pop,1.5,0.5\nb,polka,12,-0.1\na,rock,,x\n,pop,3,2\n"
        let found = try problems(csv).map { "\($0.line) \($0.column) \($0.rule.rawValue) \($0.value)" }
        XCTAssertEqual(Set(found), [
            "2 key type 1.5",
            "3 key max 12.0",
            "4 key missing ",
            "3 energy min -0.1",
            "4 energy type x",
            "5 energy max 2.0",
            "4 uri duplicate a",
            "5 uri missing ",
            "3 genre genre polka",
        ])
    }

    func testMissingAndUnexpectedColumns() throws {
        let found = try problems("uri,genre,key,loudness\na,pop,1,-5\n")
        XCTAssertEqual(found.map(\.rule), [.missingColumn, .unexpectedColumn])
        XCTAssertEqual(found.map(\.column), ["energy", "loudness"])
    }

    func testProblemMessageSaysWhatWasExpected() throws {
        let problem = try problems("uri,genre,key,energy\na,pop,1,1.5\n")[0]
        XCTAssertEqual(problem.message, "column 'energy': expected a value <= 1, got \"1.5\"")
    }
}
