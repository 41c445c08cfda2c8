import XCTest
@testable import MSRCore

/// Every bad input gets one clear stderr line, a non-zero exit, and no partial artifact.
final class BadInputTests: XCTestCase {
    func testMissingDatasetAndSource() throws {
        let workspace = try Workspace()
        try FileManager.default.removeItem(atPath: "\(workspace.path)/data/raw/dataset.zip")
        let config = try XCTUnwrap(workspace.read("config.yaml"))
            .replacingOccurrences(of: #"source_url: https://[^\n]*"#, with: "source_url: downloads/nowhere.zip", options: .regularExpression)
        try workspace.write(config, to: "config.yaml")
        XCTAssertFails(try workspace.run("ingest"), status: 66,
                       "msr-ingest: downloads/nowhere.zip: dataset (data_ingestion.source_url) not found")
        XCTAssertEqual(workspace.files(under: "data"), [])
    }

    func testDatasetFetchedFromAPathWhenAbsent() throws {
        let workspace = try Workspace()
        try FileManager.default.moveItem(atPath: "\(workspace.path)/data/raw/dataset.zip", toPath: "\(workspace.path)/elsewhere.zip")
        let config = try XCTUnwrap(workspace.read("config.yaml"))
            .replacingOccurrences(of: #"source_url: https://[^\n]*"#, with: "source_url: file://\(workspace.path)/elsewhere.zip",
                                  options: .regularExpression)
        try workspace.write(config, to: "config.yaml")
        XCTAssertEqual(try workspace.run("ingest").status, 0)
        XCTAssertEqual(workspace.bytes("data/raw/dataset.zip"), workspace.bytes("elsewhere.zip"))
    }

    func testForceFetchThatFailsKeepsTheArchive() throws {
        let workspace = try Workspace()
        let config = try XCTUnwrap(workspace.read("config.yaml"))
            .replacingOccurrences(of: #"source_url: https://[^\n]*"#, with: "source_url: http://127.0.0.1:9/dataset.zip",
                                  options: .regularExpression)
        try workspace.write(config, to: "config.yaml")
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
        XCTAssertEqual(workspace.files(under: "data"), ["raw/dataset.zip"])
    }

    func testZipWithAParentPathEntry() throws {
        let workspace = try Workspace()
        try makeZip(at: "\(workspace.path)/data/raw/dataset.zip", [("dataset.csv", "a\n1\n"), ("../../evil.sh", "rm -rf /")])
        XCTAssertFails(try workspace.run("ingest"), status: 65,
                       "msr-ingest: data/raw/dataset.zip: entry '../../evil.sh' leaves the extraction folder; refusing the archive")
        XCTAssertEqual(workspace.files(under: "data"), ["raw/dataset.zip"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: "\(workspace.path)/../evil.sh"))
    }

    func testCSVWithABadNumericCell() throws {
        let workspace = try Workspace()
        let csv = "track_id,danceability,energy,key,loudness,speechiness,acousticness,instrumentalness,valence,tempo,track_genre\n"
            + "a1,0.5,0.5,1,-5,0.1,0.1,0,0.5,120,pop\n"
            + "a2,0.5,loud,1,-5,0.1,0.1,0,0.5,120,rock\n"
        try makeZip(at: "\(workspace.path)/data/raw/dataset.zip", [("dataset.csv", csv)])
        XCTAssertFails(try workspace.run("ingest"), status: 65,
                       "msr-ingest: data/raw/dataset.zip/dataset.csv:3: column 'energy': expected a number, got \"loud\"")
        XCTAssertEqual(workspace.files(under: "data"), ["raw/dataset.zip"])
    }

    func testBrokenParamsYAML() throws {
        let workspace = try Workspace()
        try workspace.write("ingest:\n  genres: [pop, rock\ntransform:\n  test_size: 0.2\n", to: "params.yaml")
        XCTAssertFails(try workspace.run("ingest"), status: 65,
                       "msr-ingest: params.yaml:3:10: while parsing a flow sequence: did not find expected ',' or ']'")
        XCTAssertEqual(workspace.files(under: "data"), ["raw/dataset.zip"])
    }

    func testWrongParamValueNamesItsKeyPath() throws {
        let workspace = try Workspace()
        try workspace.runPipeline()
        let before = workspace.bytes("data/processed/X_test.csv")
        let params = try XCTUnwrap(workspace.read("params.yaml")).replacingOccurrences(of: "test_size: 0.2", with: "test_size: 20%")
        try workspace.write(params, to: "params.yaml")
        XCTAssertFails(try workspace.run("transform"), status: 65,
                       "msr-transform: params.yaml:6:14: transform.test_size: expected a number in (0, 1), got \"20%\"")
        XCTAssertEqual(workspace.bytes("data/processed/X_test.csv"), before, "the previous artifact is untouched")
    }

    func testMissingConfigFile() throws {
        let workspace = try Workspace()
        XCTAssertFails(try workspace.run("validate", "--config", "nope.yaml"), status: 66,
                       "msr-validate: nope.yaml: YAML file not found")
    }

    func testUnknownGenreFailsValidation() throws {
        let workspace = try Workspace()
        try workspace.runPipeline()
        var songBase = try XCTUnwrap(workspace.read("data/raw/song_df.csv"))
        songBase = songBase.replacingOccurrences(of: "09gysnJpfQ3ublBmJDfcEC,alternative,", with: "09gysnJpfQ3ublBmJDfcEC,polka,")
        try workspace.write(songBase, to: "data/raw/song_df.csv")
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
        let params = try XCTUnwrap(workspace.read("params.yaml")).replacingOccurrences(of: "hip-hop", with: "hiphop")
        try workspace.write(params, to: "params.yaml")
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
        let result = try workspace.run("ingest", "--forse")
        XCTAssertEqual(result.status, 64)
        XCTAssertTrue(result.stderr.contains("Unknown option '--forse'"), result.stderr)
    }
}

/// Fetching the dataset over HTTP from a server on loopback.
final class DownloadTests: XCTestCase {
    /// Serves `folder` on 127.0.0.1 with Python's http.server for the body's duration.
    func serving<T>(_ folder: String, _ body: (Int) throws -> T) throws -> T {
        let port = 20_000 + Int(getpid() % 20_000)
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = ["python3", "-m", "http.server", "--bind", "127.0.0.1", "--directory", folder, String(port)]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { server.terminate(); server.waitUntilExit() }
        // Wait until it answers (at most 10 s).
        for _ in 0..<100 {
            let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(probe, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            close(probe)
            if connected == 0 { break }
            usleep(100_000)
        }
        return try body(port)
    }

    func testIngestDownloadsTheArchiveAndRefusesA404() throws {
        let workspace = try Workspace()
        try FileManager.default.createDirectory(atPath: "\(workspace.path)/site", withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: "\(workspace.path)/data/raw/dataset.zip", toPath: "\(workspace.path)/site/dataset.zip")
        let config = try XCTUnwrap(workspace.read("config.yaml"))
        try serving("\(workspace.path)/site") { port in
            let missing = config.replacingOccurrences(of: #"source_url: https://[^\n]*"#,
                                                      with: "source_url: http://127.0.0.1:\(port)/nothing.zip", options: .regularExpression)
            try workspace.write(missing, to: "config.yaml")
            XCTAssertFails(try workspace.run("ingest"), status: 66,
                           "msr-ingest: http://127.0.0.1:\(port)/nothing.zip: the server answered HTTP 404")
            XCTAssertEqual(workspace.files(under: "data"), [])

            let served = config.replacingOccurrences(of: #"source_url: https://[^\n]*"#,
                                                     with: "source_url: http://127.0.0.1:\(port)/dataset.zip", options: .regularExpression)
            try workspace.write(served, to: "config.yaml")
            let result = try workspace.run("ingest")
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertEqual(workspace.bytes("data/raw/dataset.zip"), workspace.bytes("site/dataset.zip"))
            XCTAssertTrue(result.stdout.contains("kept 10674 in 10 genres"))
        }
    }
}
