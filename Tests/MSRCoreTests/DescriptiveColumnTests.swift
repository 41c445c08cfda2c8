import MSRTestSupport
import XCTest
@testable import MSRCore

/// Songs' names, artists and albums: schema.yaml's descriptive columns, from the dataset to the
/// song base and back.
final class DescriptiveColumnTests: XCTestCase {
    func id(_ prefix: String) -> String { prefix + String(repeating: "0", count: 22 - prefix.count) }

    let schema = Schema(columns: [
        .init(name: "uri", type: .string), .init(name: "genre", type: .string),
        .init(name: "key", type: .int64), .init(name: "energy", type: .float64),
    ], id: "uri", target: "genre", descriptive: ["track_name", "artists", "album_name"])

    func testIngestKeepsTheNamesAndTheSongBaseRoundTripsThem() throws {
        // Kaggle layout: names with a comma and quotes, an empty one, one with a control character.
        let csv = #"""
        ,track_id,artists,album_name,track_name,key,energy,track_genre
        0,a100000000000000000000,"Smith, Jo",Best of,"Say ""Hi"", Jo",5,0.5,pop
        1,a200000000000000000000,,,,3,0.25,rock
        2,a300000000000000000000,X,Y,Z,1,0.1,jazz
        3,a400000000000000000000,"Bell\#u{7}",Y,Plain,2,0.2,pop

        """#
        let (table, counts) = try SongBaseBuilder(schema: schema, genres: ["pop", "rock"]).build(csv: Array(csv.utf8), file: "d.csv")
        XCTAssertEqual(table.descriptive.map(\.name), ["track_name", "artists", "album_name"], "in the schema's order")
        XCTAssertEqual(table.descriptive[0].values.strings, [#"Say "Hi", Jo"#, "", "Plain"])
        XCTAssertEqual(table.descriptive[1].values.strings, ["Smith, Jo", "", ""], "a control character empties the value")
        XCTAssertEqual(counts.unprintableText, 1)
        XCTAssertEqual(counts.firstUnprintableTextLine, 5)
        XCTAssertEqual(IngestStage.unprintableText(counts, file: "d.zip/d.csv"), ", emptied 1 descriptive values that were not "
            + "printable text (invalid UTF-8 or a control character, the first on d.zip/d.csv:5)")
        try withTemporaryFolder { folder in
            try table.writeCSV(to: "\(folder)/s.csv", featureText: table.featureText(), idName: "uri", targetName: "genre")
            XCTAssertEqual(try String(contentsOfFile: "\(folder)/s.csv", encoding: .utf8), """
                uri,genre,key,energy,track_name,artists,album_name
                \(id("a1")),pop,5,0.5,"Say ""Hi"", Jo","Smith, Jo",Best of
                \(id("a2")),rock,3,0.25,,,
                \(id("a4")),pop,2,0.2,Plain,,Y

                """)
            let read = try SongTable.read(path: "\(folder)/s.csv", schema: schema)
            XCTAssertEqual(read.descriptive, table.descriptive)
            XCTAssertEqual(try SchemaValidator(schema: schema, genres: ["pop", "rock"])
                .problems(in: CSVReader(path: "\(folder)/s.csv")).problems, [])
        }
    }

    /// Rows picked out of a table (a genre's, in any order, more than a block's prefetch distance
    /// and fewer) are written as the rows they name, each value from its own row.
    func testPickedRowsAreWrittenFromTheirOwnRows() throws {
        let count = 50
        var csv = "uri,genre,key,energy,track_name,artists,album_name\n"
        for i in 0..<count {
            let name = i % 5 == 0 ? "" : i % 7 == 0 ? "\"name, \(i)\"" : "name \(i)"
            csv += "\(id("c\(i)x")),\(i % 3 == 0 ? "rock" : "pop"),\(i % 12),0.\(i)1,\(name),artist \(i),\n"
        }
        let (table, _) = try SongBaseBuilder(schema: schema, genres: ["pop", "rock"]).build(csv: Array(csv.utf8), file: "s.csv")
        XCTAssertEqual(table.count, count)
        let lines = csv.split(separator: "\n", omittingEmptySubsequences: false)
        try withTemporaryFolder { folder in
            // With the feature text made beforehand, and formatted as the rows are written.
            for featureText in [table.featureText(), nil] {
                for rows in [[3, 0, 2], Array((0..<count).reversed()), (0..<count).filter { $0 % 3 == 1 }, []] {
                    try table.writeCSV(to: "\(folder)/p.csv", rows: rows, featureText: featureText, idName: "uri", targetName: "genre")
                    let expected = ([lines[0]] + rows.map { lines[$0 + 1] }).joined(separator: "\n") + "\n"
                    XCTAssertEqual(try String(contentsOfFile: "\(folder)/p.csv", encoding: .utf8), expected, "\(rows)")
                }
            }
        }
    }

    func testASongBaseWithoutNamesStillWorks() throws {
        let csv = "uri,genre,key,energy\n\(id("b1")),pop,1,0.5\n"
        let (built, counts) = try SongBaseBuilder(schema: schema, genres: ["pop"]).build(csv: Array(csv.utf8), file: "s.csv")
        XCTAssertEqual(built.descriptive, [])
        XCTAssertEqual(IngestStage.unprintableText(counts, file: "s.csv"), "", "a clean dataset's summary is unchanged")
        try withTemporaryFolder { folder in
            try built.writeCSV(to: "\(folder)/s.csv", featureText: built.featureText(), idName: "uri", targetName: "genre")
            XCTAssertEqual(try String(contentsOfFile: "\(folder)/s.csv", encoding: .utf8), csv, "the same bytes as before names")
            XCTAssertEqual(try SongTable.read(path: "\(folder)/s.csv", schema: schema).descriptive, [])
            XCTAssertEqual(try SchemaValidator(schema: schema, genres: ["pop"]).problems(in: CSVReader(path: "\(folder)/s.csv")).problems, [])
        }
    }

    func testAppendingKeepsTheNamesOfEither() throws {
        let named = try SongTable.read(csv: "uri,genre,key,energy,track_name\n\(id("c1")),pop,1,0.5,\"One, two\"\n", schema: schema)
        let bare = try SongTable.read(csv: "uri,genre,key,energy\n\(id("c2")),pop,1,0.5\n\(id("c3")),pop,2,0.5\n", schema: schema)
        let both = bare.appending(named, rows: [0])
        XCTAssertEqual(both.descriptive.map(\.name), ["track_name"])
        XCTAssertEqual(both.descriptive[0].values.strings, ["", "", "One, two"])
        XCTAssertEqual(named.appending(bare, rows: [1]).descriptive[0].values.strings, ["One, two", ""])
    }

    func testValidateAcceptsPrintableNamesOnly() throws {
        let csv = Array("uri,genre,key,energy,artists\n\(id("d1")),pop,1,0.5,\"A, \"\"B\"\"\"\n\(id("d2")),pop,1,0.5,\n\(id("d3")),pop,1,0.5,x".utf8)
            + [0xFF] + Array("\n".utf8)
        let problems = try SchemaValidator(schema: schema, genres: ["pop"]).problems(in: CSVReader(bytes: csv, file: "s.csv")).problems
        XCTAssertEqual(problems.map { "\($0.line) \($0.column) \($0.rule.rawValue)" }, ["4 artists type"])
        XCTAssertEqual(problems[0].message, "column 'artists': expected printable text (valid UTF-8, no control characters), got \"x\u{FFFD}\"")
    }

    func testSchemaDeclaresDescriptiveColumnsBesideTheColumns() throws {
        try withTemporaryFolder { folder in
            let columns = "id: uri\ntarget: genre\ncolumns:\n  uri: {type: str}\n  genre: {type: str}\n  energy: {type: float64}\n"
            try (columns + "descriptive: [track_name, artists]\n").write(toFile: "\(folder)/schema.yaml", atomically: true, encoding: .utf8)
            let schema = try Schema.load(path: "\(folder)/schema.yaml")
            XCTAssertEqual(schema.descriptive, ["track_name", "artists"])
            XCTAssertEqual(schema.features.map(\.name), ["energy"], "not features")
            try columns.write(toFile: "\(folder)/schema.yaml", atomically: true, encoding: .utf8)
            XCTAssertEqual(try Schema.load(path: "\(folder)/schema.yaml").descriptive, [], "optional")
            try (columns + "descriptive: [track_name, energy]\n").write(toFile: "\(folder)/schema.yaml", atomically: true, encoding: .utf8)
            XCTAssertEqual(errorMessage { _ = try Schema.load(path: "\(folder)/schema.yaml") },
                           "\(folder)/schema.yaml:7:27: descriptive[1]: 'energy' is one of the columns: a descriptive column is text beside them")
        }
    }
}

extension SongTable {
    /// Reads a song base from CSV text (through a temporary file, as `read(path:)` reads it).
    static func read(csv: String, schema: Schema) throws -> SongTable {
        try withTemporaryFolder { folder in
            try csv.write(toFile: "\(folder)/t.csv", atomically: true, encoding: .utf8)
            return try SongTable.read(path: "\(folder)/t.csv", schema: schema)
        }
    }
}
