import MSRTestSupport
import XCTest
@testable import MSRCore

/// Every bad input gets one clear stderr line, a non-zero exit, and no partial artifact.
final class BadInputTests: XCTestCase {
    /// msr-ingest fails with `status` and exactly `message`, and data/ holds nothing new.
    func assertIngestRefused(_ workspace: Workspace, status: Int32, _ message: String,
                             file: StaticString = #filePath, line: UInt = #line) throws {
        let before = workspace.files(under: "data")
        XCTAssertFails(try workspace.run("ingest"), status: status, message, file: file, line: line)
        XCTAssertEqual(workspace.files(under: "data"), before, "no artifact is left", file: file, line: line)
    }

    func testABadCommandLineIsOneLine() throws {
        let workspace = try Workspace()
        XCTAssertFails(try workspace.run("train", "--bogus"), status: 64, "msr-train: unknown option '--bogus' (see msr-train --help)")
        XCTAssertFails(try workspace.run("predict", "--k", "3", "p.json"), status: 64,
                       "msr-predict: unknown option '--k'. Did you mean '--pid'? (see msr-predict --help)")
        XCTAssertFails(try workspace.run("predict", "-k", "many", "p.json"), status: 64,
                       "msr-predict: -k must be a whole number, got \"many\"")
        let help = try workspace.run("cluster", "--help")
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("USAGE: msr-cluster"), help.stdout)
    }

    func testMissingDatasetAndSource() throws {
        let workspace = try Workspace()
        try FileManager.default.removeItem(atPath: "\(workspace.path)/data/raw/dataset.zip")
        try workspace.setSourceURL("downloads/nowhere.zip")
        try assertIngestRefused(workspace, status: 66, "msr-ingest: downloads/nowhere.zip: dataset (data_ingestion.source_url) not found")
        XCTAssertEqual(workspace.files(under: "data"), [])
    }

    func testDatasetFetchedFromAPathWhenAbsent() throws {
        let workspace = try Workspace()
        try FileManager.default.moveItem(atPath: "\(workspace.path)/data/raw/dataset.zip", toPath: "\(workspace.path)/elsewhere.zip")
        try workspace.setSourceURL("file://\(workspace.path)/elsewhere.zip")
        XCTAssertEqual(try workspace.run("ingest").status, 0)
        XCTAssertEqual(workspace.bytes("data/raw/dataset.zip"), workspace.bytes("elsewhere.zip"))
    }

    func testForceFetchThatFailsKeepsTheArchive() throws {
        let workspace = try Workspace()
        try workspace.setSourceURL("http://127.0.0.1:9/dataset.zip")
        let before = workspace.bytes("data/raw/dataset.zip")
        let result = try workspace.run("ingest", "--force")
        XCTAssertEqual(result.status, 66)
        XCTAssertTrue(result.stderr.hasPrefix("msr-ingest: http://127.0.0.1:9/dataset.zip: download failed: "), result.stderr)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1)
        XCTAssertEqual(workspace.bytes("data/raw/dataset.zip"), before)
        XCTAssertEqual(workspace.files(under: "data"), ["raw/dataset.zip"])
    }

    func testFileThatIsNotAZip() throws {
        let workspace = try Workspace()
        try workspace.write("track_id,track_genre\n", to: "data/raw/dataset.zip")
        XCTAssertFails(try workspace.run("ingest"), status: 65,
                       "msr-ingest: data/raw/dataset.zip: not a zip archive (expected a zip holding dataset.csv)")
    }

    func testZipWithAParentPathEntry() throws {
        let workspace = try Workspace()
        try makeZip(at: "\(workspace.path)/data/raw/dataset.zip", [("dataset.csv", "a\n1\n"), ("../../evil.sh", "rm -rf /")])
        try assertIngestRefused(workspace, status: 65, "msr-ingest: data/raw/dataset.zip: entry \"../../evil.sh\" leaves the extraction folder; refusing the archive")
        XCTAssertFalse(FileManager.default.fileExists(atPath: "\(workspace.path)/../evil.sh"))
    }

    func testCSVWithABadNumericCell() throws {
        let workspace = try Workspace()
        let csv = kaggleHeader + "\n"
            + "a1,0.5,0.5,1,-5,0.1,0.1,0,0.5,120,pop\n"
            + "a2,0.5,loud,1,-5,0.1,0.1,0,0.5,120,rock\n"
        try makeZip(at: "\(workspace.path)/data/raw/dataset.zip", [("dataset.csv", csv)])
        try assertIngestRefused(workspace, status: 65, "msr-ingest: data/raw/dataset.zip/dataset.csv:3:3: column 'energy': expected a number, got \"loud\"")
    }

    let kaggleHeader = "track_id,danceability,energy,key,loudness,speechiness,acousticness,instrumentalness,valence,tempo,track_genre"

    func testIngestDropsAndCountsTrackIDsThatAreNotSpotifyIDs() throws {
        let workspace = try Workspace()
        try workspace.edit("params.yaml", #"genres: \[[^\]]*\]"#, "genres: [pop, rock]")
        var csv = Array((kaggleHeader + "\n5E30LdtzQTGqRvNd7l6kG5,0.5,0.5,1,-5,0.1,0.1,0,0.5,120,pop\n").utf8)
        csv += Array("09gysnJpfQ".utf8) + [0] + Array("ublBmJDfcEC,0.5,0.5,1,-5,0.1,0.1,0,0.5,120,pop\n".utf8)
        csv += Array("2K7xn816oNHJZ0aVqdQsh".utf8) + [0xC3] + Array(",0.5,0.5,1,-5,0.1,0.1,0,0.5,120,pop\n".utf8)
        csv += Array("04Rwlix3S6i0JeprqsC8Cx,0.5,0.5,1,-5,0.1,0.1,0,0.5,120,rock\n".utf8)
        try makeZip(at: "\(workspace.path)/data/raw/dataset.zip", [("dataset.csv", String(decoding: csv, as: UTF8.self))])
        let result = try workspace.run("ingest")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "msr-ingest: read 4 rows, kept 2 in 2 genres (dropped 0 of other genres, 0 with a missing value, "
            + "2 with an invalid track id (not a 22-character base62 Spotify track id, the first on data/raw/dataset.zip/dataset.csv:3), "
            + "0 duplicate tracks) -> data/raw/song_df.csv\n")
        XCTAssertEqual(workspace.read("data/raw/song_df.csv")?.split(separator: "\n").dropFirst().map { String($0.prefix(22)) },
                       ["5E30LdtzQTGqRvNd7l6kG5", "04Rwlix3S6i0JeprqsC8Cx"])
    }

    func testValidateReportsAnInvalidTrackIDWithItsLine() throws {
        let workspace = try Workspace()
        try workspace.runPipeline()
        try workspace.edit("data/raw/song_df.csv", "09gysnJpfQ3ublBmJDfcEC,", "09gysnJpfQ\u{1}3ublBmJDfcEC,")
        XCTAssertFails(try workspace.run("validate"), status: 65,
                       "msr-validate: data/raw/song_df.csv:3: column 'uri': expected a 22-character base62 Spotify track id, "
                       + "got \"09gysnJpfQ\\u{01}3ublBmJDfcEC\" (see data/validation.json)")
        XCTAssertEqual(workspace.read("data/status.txt"), "Validation status: False\n")
    }

    /// A song base that cannot be read as CSV at all is invalid: the verdict on the file before it
    /// does not stand.
    func testAnUnreadableSongBaseTurnsTheVerdictFalse() throws {
        let workspace = try Workspace()
        try workspace.runPipeline()
        XCTAssertEqual(workspace.read("data/status.txt"), "Validation status: True\n")
        try workspace.edit("data/raw/song_df.csv", "\n09gysnJpfQ3ublBmJDfcEC,", "\n\"09gysnJpfQ3ublBmJDfcEC,")
        XCTAssertFails(try workspace.run("validate"), status: 65,
                       "msr-validate: data/raw/song_df.csv:3: a quoted field is never closed")
        XCTAssertEqual(workspace.read("data/status.txt"), "Validation status: False\n")
        let report = try JSONSerialization.jsonObject(with: XCTUnwrap(workspace.bytes("data/validation.json"))) as? [String: Any]
        XCTAssertEqual(report?["valid"] as? Bool, false)
        XCTAssertEqual(report?["error"] as? String, "data/raw/song_df.csv:3: a quoted field is never closed")
    }

    func testADuplicatedColumnIsRefused() throws {
        let workspace = try Workspace()
        let csv = kaggleHeader + ",tempo\n5E30LdtzQTGqRvNd7l6kG5,0.5,0.5,1,-5,0.1,0.1,0,0.5,120,pop,-999\n"
        try makeZip(at: "\(workspace.path)/data/raw/dataset.zip", [("dataset.csv", csv)])
        try assertIngestRefused(workspace, status: 65, "msr-ingest: data/raw/dataset.zip/dataset.csv:1:12: "
                                + "duplicated column 'tempo' (columns 10 and 12; expected each column once)")

        let valid = try Workspace()
        try valid.runPipeline()
        try valid.edit("data/raw/song_df.csv", "^(uri,[^\n]*)", "$1,tempo")
        try valid.edit("data/raw/song_df.csv", "(\n[^\n]+)", "$1,-999")
        XCTAssertFails(try valid.run("validate"), status: 65, "msr-validate: data/raw/song_df.csv:1:12: "
                       + "duplicated column 'tempo' (expected each column once) (see data/validation.json)")
        XCTAssertFails(try valid.run("transform"), status: 65, "msr-transform: data/raw/song_df.csv:1:12: "
                       + "duplicated column 'tempo' (columns 11 and 12; expected each column once)")
    }

    func testANumberBeyondADoubleIsRefusedAndNaNNamed() throws {
        let workspace = try Workspace()
        let csv = kaggleHeader + "\n5E30LdtzQTGqRvNd7l6kG5,0.5,0.5,1,-5,0.1,0.1,0,0.5,120,pop\n09gysnJpfQ3ublBmJDfcEC,0.5,0.5,1,-5,0.1,0.1,0,0.5,1e999,pop\n"
        try makeZip(at: "\(workspace.path)/data/raw/dataset.zip", [("dataset.csv", csv)])
        try assertIngestRefused(workspace, status: 65, "msr-ingest: data/raw/dataset.zip/dataset.csv:3:10: "
                                + "column 'tempo': expected a finite number, got \"1e999\"")

        let valid = try Workspace()
        try valid.runPipeline()
        try valid.edit("data/raw/song_df.csv", "(09gysnJpfQ3ublBmJDfcEC,alternative,[^\n]*),[0-9.]+\n", "$1,nan\n")
        XCTAssertFails(try valid.run("validate"), status: 65, "msr-validate: data/raw/song_df.csv:3: "
                       + "column 'tempo': expected a float64 number, got \"nan\" (see data/validation.json)")
        try valid.edit("data/raw/song_df.csv", ",nan\n", ",-1e999\n")
        XCTAssertFails(try valid.run("validate"), status: 65, "msr-validate: data/raw/song_df.csv:3: "
                       + "column 'tempo': expected a finite float64 number, got \"-1e999\" (see data/validation.json)")
    }

    func testBrokenParamsYAML() throws {
        let workspace = try Workspace()
        try workspace.write("ingest:\n  genres: [pop, rock\ntransform:\n  test_size: 0.2\n", to: "params.yaml")
        try assertIngestRefused(workspace, status: 65, "msr-ingest: params.yaml:3:10: while parsing a flow sequence: did not find expected ',' or ']'")
    }

    func testWrongParamValueNamesItsKeyPath() throws {
        let workspace = try Workspace()
        try workspace.runPipeline()
        let before = workspace.bytes("data/processed/X_test.csv")
        try workspace.edit("params.yaml", "test_size: 0.2", "test_size: 20%")
        XCTAssertFails(try workspace.run("transform"), status: 65,
                       "msr-transform: params.yaml:6:14: transform.test_size: expected a number in (0, 1), got \"20%\"")
        XCTAssertEqual(workspace.bytes("data/processed/X_test.csv"), before, "the previous artifact is untouched")
    }

    func testMissingConfigFile() throws {
        let workspace = try Workspace()
        XCTAssertFails(try workspace.run("validate", "--config", "nope.yaml"), status: 66,
                       "msr-validate: nope.yaml: not found in \(workspace.path) (run from the project folder, or give --config PATH)")
    }

    func testUnknownGenreFailsValidation() throws {
        let workspace = try Workspace()
        try workspace.runPipeline()
        try workspace.edit("data/raw/song_df.csv", "09gysnJpfQ3ublBmJDfcEC,alternative,", "09gysnJpfQ3ublBmJDfcEC,polka,")
        XCTAssertFails(try workspace.run("validate"), status: 65,
                       "msr-validate: data/raw/song_df.csv:3: column 'genre': expected one of ingest.genres (alternative, "
                       + "classical, country, edm, hip-hop, jazz, latin, pop, r-n-b, rock), got \"polka\" (see data/validation.json)")
        XCTAssertEqual(workspace.read("data/status.txt"), "Validation status: False\n")
        let report = try JSONSerialization.jsonObject(with: XCTUnwrap(workspace.bytes("data/validation.json"))) as? [String: Any]
        XCTAssertEqual(report?["valid"] as? Bool, false)
        let problem = (report?["problems"] as? [[String: Any]])?.first
        XCTAssertEqual(problem?["row"] as? Int, 1)
        XCTAssertEqual(problem?["column"] as? String, "genre")
        XCTAssertEqual(problem?["value"] as? String, "polka")
        XCTAssertEqual(problem?["rule"] as? String, "genre")
    }

    func testConfiguredGenreAbsentFromTheDataset() throws {
        let workspace = try Workspace()
        try workspace.edit("params.yaml", "hip-hop", "hiphop")
        let result = try workspace.run("ingest")
        XCTAssertEqual(result.status, 65)
        XCTAssertTrue(result.stderr.hasPrefix("msr-ingest: data/raw/dataset.zip/dataset.csv: column 'track_genre': no track of genre 'hiphop'"),
                      result.stderr)
    }

    func testTransformRefusesASongBaseWithAMissingValue() throws {
        let workspace = try Workspace()
        try workspace.write("uri,genre,key,acousticness,danceability,energy,instrumentalness,loudness,speechiness,valence,tempo\n"
            + "a,pop,1,0.1,0.2,0.3,0.4,-5,0.1,0.5,120\nb,rock,2,0.1,,0.3,0.4,-5,0.1,0.5,120\n", to: "data/raw/song_df.csv")
        XCTAssertFails(try workspace.run("transform"), status: 65,
                       "msr-transform: data/raw/song_df.csv:3: column 'danceability': missing value (expected a number)")
        XCTAssertFalse(workspace.exists("data/processed"))
    }

    func testUnknownOptionIsAUsageError() throws {
        let workspace = try Workspace()
        XCTAssertFails(try workspace.run("ingest", "--forse"), status: 64,
                       "msr-ingest: unknown option '--forse'. Did you mean '--force'? (see msr-ingest --help)")
    }
}
