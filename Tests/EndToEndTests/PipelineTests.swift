import MSRTestSupport
import XCTest
@testable import MSRCore

/// The data stages on the embedded dataset, as `make pipeline` runs them.
final class PipelineTests: XCTestCase {
    func testEmbeddedDatasetGivesTheSongBaseSplitAndGenreFiles() throws {
        let workspace = try Workspace()
        let ingest = try workspace.run("ingest")
        XCTAssertEqual(ingest.status, 0, ingest.stderr)
        XCTAssertEqual(ingest.stdout, "msr-ingest: read 10674 rows, kept 10674 in 10 genres (dropped 0 of other genres, "
            + "0 with a missing value, 0 duplicate tracks) -> data/raw/song_df.csv\n")

        let songBase = try XCTUnwrap(workspace.read("data/raw/song_df.csv")).split(separator: "\n")
        XCTAssertEqual(songBase.count, 10_675)
        XCTAssertEqual(songBase[0], "uri,genre,key,acousticness,danceability,energy,instrumentalness,loudness,speechiness,valence,tempo")
        XCTAssertEqual(songBase[1], "5E30LdtzQTGqRvNd7l6kG5,alternative,10,0.0678,0.588,0.521,0.149,-9.461,0.0329,0.337,85.012")
        XCTAssertEqual(Set(songBase.dropFirst().map { $0.split(separator: ",")[1] }).count, 10)

        let validate = try workspace.run("validate")
        XCTAssertEqual(validate.status, 0, validate.stderr)
        XCTAssertEqual(workspace.read("data/status.txt"), "Validation status: True\n")
        XCTAssertTrue(try XCTUnwrap(workspace.read("data/validation.json")).contains("\"valid\": true"))

        // What a run with more genres left, and files of the user's own, beside the genres' files.
        for name in ["to_rec_10.csv", "to_rec_11.csv", "to_rec_012.csv", "to_rec_12.csv.bak", "notes.txt"] {
            try workspace.write("old\n", to: "data/to_rec/\(name)")
        }
        let transform = try workspace.run("transform")
        XCTAssertEqual(transform.status, 0, transform.stderr)
        XCTAssertEqual(transform.stdout, "msr-transform: 10674 songs in 10 genres: 8539 train, 2135 test rows -> data/processed, data/to_rec\n")
        XCTAssertEqual(workspace.files(under: "data/to_rec").filter { !$0.hasPrefix("to_rec_") || $0.count > 12 }.sorted(),
                       ["genres.txt", "notes.txt", "to_rec_012.csv", "to_rec_12.csv.bak"],
                       "the earlier run's to_rec_10 and to_rec_11 are gone, nothing else")
        func rows(_ file: String) -> Int { (workspace.read(file) ?? "").split(separator: "\n").count - 1 }
        XCTAssertEqual(rows("data/processed/X_test.csv"), 2_135)
        XCTAssertEqual(rows("data/processed/y_test.csv"), 2_135)
        XCTAssertEqual(rows("data/processed/X_train.csv"), 8_539)
        XCTAssertEqual(rows("data/processed/y_train.csv"), 8_539)
        XCTAssertEqual(workspace.read("data/to_rec/genres.txt"),
                       "alternative\nclassical\ncountry\nedm\nhip-hop\njazz\nlatin\npop\nr-n-b\nrock\n")
        let perGenre = (0..<10).map { rows("data/to_rec/to_rec_\($0).csv") }
        XCTAssertEqual(perGenre, [1174, 1098, 1163, 1089, 1149, 1136, 946, 915, 1122, 882])
        XCTAssertTrue(try XCTUnwrap(workspace.read("data/to_rec/to_rec_7.csv")).split(separator: "\n").dropFirst()
            .allSatisfy { $0.split(separator: ",")[1] == "pop" })

        let labels = try XCTUnwrap(workspace.read("data/processed/labels.json"))
        XCTAssertEqual(labels, "{\n  \"classes\": [\"alternative\", \"classical\", \"country\", \"edm\", \"hip-hop\", \"jazz\", "
            + "\"latin\", \"pop\", \"r-n-b\", \"rock\"]\n}\n")
        let scaler = try JSONSerialization.jsonObject(with: XCTUnwrap(workspace.bytes("data/processed/scaler.json"))) as? [String: Any]
        XCTAssertEqual((scaler?["features"] as? [String])?.count, 9)
        XCTAssertEqual((scaler?["max"] as? [Double])?.first, 11, "key's maximum over the training rows")
        XCTAssertFalse(workspace.files().contains { $0.contains(".tmp-") }, "no temporary file is left")
    }

    func testOutputsAreByteIdenticalAcrossRuns() throws {
        let first = try Workspace(), second = try Workspace()
        try first.runPipeline()
        try second.runPipeline()
        try second.runPipeline()
        let files = first.files(under: "data")
        XCTAssertEqual(files, second.files(under: "data"))
        XCTAssertGreaterThan(files.count, 15)
        for file in files {
            XCTAssertEqual(first.bytes("data/\(file)"), second.bytes("data/\(file)"), file)
        }
    }

    /// msr-transform copies a song base's feature text where it is in the written form, and
    /// formats it where not: a song base whose numbers are spelled otherwise (trailing zeros,
    /// exponents, quotes, `5.0` for an integer) gives byte for byte the same outputs.
    func testTransformOutputsDoNotDependOnHowTheSongBaseSpellsItsNumbers() throws {
        let workspace = try Workspace()
        try workspace.runPipeline()
        let files = workspace.files(under: "data").filter { $0.hasPrefix("processed/") || $0.hasPrefix("to_rec/") }
        let before = files.map { workspace.bytes("data/\($0)") }
        let songBase = try XCTUnwrap(workspace.read("data/raw/song_df.csv"))
        var lines = songBase.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // uri,genre,key,acousticness,danceability,energy,instrumentalness,loudness,speechiness,valence,tempo
        for index in stride(from: 1, to: lines.count - 1, by: 7) {
            var fields = lines[index].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            fields[2] += ".0"
            fields[3] = "\"\(fields[3])\""
            fields[4] += "00"
            fields[5] = String(format: "%.6e", Double(fields[5])!)
            fields[10] = "+" + fields[10]
            lines[index] = fields.joined(separator: ",")
        }
        try workspace.write(lines.joined(separator: "\n"), to: "data/raw/song_df.csv")
        let result = try workspace.run("transform")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(files.map { workspace.bytes("data/\($0)") }, before)
        XCTAssertGreaterThan(files.count, 15)
    }

    func testTransformWritesAllItsOutputsOrNone() throws {
        let workspace = try Workspace()
        try workspace.runPipeline()
        let files = workspace.files(under: "data")
        let before = files.map { workspace.bytes("data/\($0)") }
        // A new split whose per-genre folder cannot be made (its name is too long for the
        // system): the split files are already staged when that fails, and must not replace the
        // previous ones.
        try workspace.edit("params.yaml", "test_size: 0.2", "test_size: 0.3")
        try workspace.edit("config.yaml", "(data_transformation:[^@]*?to_rec_dir: )data/to_rec", "$1data/" + String(repeating: "x", count: 300) + "")
        let result = try workspace.run("transform")
        XCTAssertEqual(result.status, 74, result.stderr)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
        XCTAssertEqual(workspace.files(under: "data"), files, "no temporary is left")
        XCTAssertEqual(files.map { workspace.bytes("data/\($0)") }, before, "every previous output is as it was")
    }

    func testTrainingRowsComeFromTheSongBase() throws {
        let workspace = try Workspace()
        try workspace.runPipeline()
        let base = Set(try XCTUnwrap(workspace.read("data/raw/song_df.csv")).split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",").dropFirst(2).joined(separator: ",") })
        let test = try XCTUnwrap(workspace.read("data/processed/X_test.csv")).split(separator: "\n").dropFirst()
        XCTAssertTrue(test.allSatisfy { base.contains(String($0)) })
    }

    func testStratifiedSplitKeepsGenreShares() throws {
        let workspace = try Workspace()
        try workspace.edit("params.yaml", "stratify: false", "stratify: true")
        try workspace.runPipeline()
        let labels = try XCTUnwrap(workspace.read("data/processed/y_test.csv")).split(separator: "\n").dropFirst()
        var counts = [Int](repeating: 0, count: 10)
        for label in labels { counts[Int(label)!] += 1 }
        // Each genre's share of 2135 test rows from 10674: e.g. alternative 1174 * 0.2 = 234.8.
        XCTAssertEqual(counts, [235, 220, 233, 218, 230, 227, 189, 183, 224, 176])
    }
}
