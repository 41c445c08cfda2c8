import Foundation
import MSRTestSupport
import XCTest

/// Fetching the dataset over HTTP from a server on loopback.
final class DownloadTests: XCTestCase {
    /// Serves `folder` on 127.0.0.1 with Python's http.server for the body's duration.
    func serving<T>(_ folder: String, _ body: (Int) throws -> T) throws -> T {
        let port = 20_000 + Int(getpid() % 20_000)
        return try running(["-m", "http.server", "--bind", "127.0.0.1", "--directory", folder, String(port)], port: port, body)
    }

    /// Serves, on 127.0.0.1, a body of zero bytes that never ends and declares no length (the
    /// network's `/dev/zero`), for the body's duration.
    func servingEndlessZeros<T>(_ body: (Int) throws -> T) throws -> T {
        let port = 20_000 + Int(getpid() % 20_000) + 1
        let script = """
            import http.server
            class Zeros(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    self.send_response(200)
                    self.end_headers()
                    try:
                        while True: self.wfile.write(bytes(65536))
                    except OSError: pass
            http.server.HTTPServer(("127.0.0.1", \(port)), Zeros).serve_forever()
            """
        return try running(["-c", script], port: port, body)
    }

    /// Runs `python3 arguments`, a server on `port`, until the body is done.
    func running<T>(_ arguments: [String], port: Int, _ body: (Int) throws -> T) throws -> T {
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = ["python3"] + arguments
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
        try serving("\(workspace.path)/site") { port in
            try workspace.setSourceURL("http://127.0.0.1:\(port)/nothing.zip")
            XCTAssertFails(try workspace.run("ingest"), status: 66,
                           "msr-ingest: http://127.0.0.1:\(port)/nothing.zip: the server answered HTTP 404")
            XCTAssertEqual(workspace.files(under: "data"), [])

            try workspace.setSourceURL("http://127.0.0.1:\(port)/dataset.zip")
            let result = try workspace.run("ingest")
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertEqual(workspace.bytes("data/raw/dataset.zip"), workspace.bytes("site/dataset.zip"))
            XCTAssertTrue(result.stdout.contains("kept 10674 in 10 genres"))
        }
    }

    /// `msr-ingest --force` from `source` fails with `message` (exit 65), leaving the previous
    /// archive byte-identical and no temporary file beside it.
    func assertForcedFetchKeepsTheArchive(_ workspace: Workspace, _ source: String, _ message: String,
                                          file: StaticString = #filePath, line: UInt = #line) throws {
        let before = try XCTUnwrap(workspace.bytes("data/raw/dataset.zip"))
        try workspace.setSourceURL(source)
        XCTAssertFails(try workspace.run("ingest", "--force"), status: 65, message, file: file, line: line)
        XCTAssertEqual(workspace.bytes("data/raw/dataset.zip"), before, "the previous archive is kept", file: file, line: line)
        XCTAssertEqual(workspace.files(under: "data"), ["raw/dataset.zip"], "no temporary file is left", file: file, line: line)
    }

    func testForcedDownloadOfAnHTMLPageKeepsTheArchive() throws {
        let workspace = try Workspace()
        try workspace.write("<html><body>Sign in to download</body></html>\n", to: "site/page.html")
        try serving("\(workspace.path)/site") { port in
            try assertForcedFetchKeepsTheArchive(workspace, "http://127.0.0.1:\(port)/page.html",
                "msr-ingest: http://127.0.0.1:\(port)/page.html: not a zip archive (expected a zip holding dataset.csv); "
                + "the previous data/raw/dataset.zip is kept")
        }
    }

    func testForcedDownloadLargerThanTheCapStopsAndKeepsTheArchive() throws {
        let workspace = try Workspace()
        try workspace.edit("config.yaml", "max_uncompressed_mb: [0-9]+", "max_uncompressed_mb: 1")
        try workspace.write(String(repeating: "x", count: 3 << 20), to: "site/big.zip")
        try serving("\(workspace.path)/site") { port in
            try assertForcedFetchKeepsTheArchive(workspace, "http://127.0.0.1:\(port)/big.zip",
                "msr-ingest: http://127.0.0.1:\(port)/big.zip: the download exceeds 1 MiB (data_ingestion.max_uncompressed_mb); "
                + "the previous data/raw/dataset.zip is kept")
        }
    }

    func testForcedDownloadOfAnEndlessBodyStopsAtTheCap() throws {
        let workspace = try Workspace()
        try workspace.edit("config.yaml", "max_uncompressed_mb: [0-9]+", "max_uncompressed_mb: 2")
        try servingEndlessZeros { port in
            try assertForcedFetchKeepsTheArchive(workspace, "http://127.0.0.1:\(port)/zeros.zip",
                "msr-ingest: http://127.0.0.1:\(port)/zeros.zip: the download exceeds 2 MiB (data_ingestion.max_uncompressed_mb); "
                + "the previous data/raw/dataset.zip is kept")
        }
    }

    func testForcedCopyFromADeviceAFolderOrTheProjectIsRefused() throws {
        let workspace = try Workspace()
        try assertForcedFetchKeepsTheArchive(workspace, "file:///dev/zero",
            "msr-ingest: /dev/zero: a character device, not a zip archive (data_ingestion.source_url); "
            + "the previous data/raw/dataset.zip is kept")
        try assertForcedFetchKeepsTheArchive(workspace, "\(workspace.path)/data",
            "msr-ingest: \(workspace.path)/data: a folder, not a zip archive (data_ingestion.source_url); "
            + "the previous data/raw/dataset.zip is kept")
        // The project's own folder: copied recursively, it would copy into itself until the disk fills.
        try assertForcedFetchKeepsTheArchive(workspace, "file://\(workspace.path)",
            "msr-ingest: \(workspace.path): a folder, not a zip archive (data_ingestion.source_url); "
            + "the previous data/raw/dataset.zip is kept")
    }

    func testForcedCopyLargerThanTheCapStopsAndKeepsTheArchive() throws {
        let workspace = try Workspace()
        try workspace.edit("config.yaml", "max_uncompressed_mb: [0-9]+", "max_uncompressed_mb: 1")
        try workspace.write(String(repeating: "x", count: 3 << 20), to: "big.zip")
        try assertForcedFetchKeepsTheArchive(workspace, "big.zip",
            "msr-ingest: big.zip: larger than 1 MiB (data_ingestion.max_uncompressed_mb); "
            + "the previous data/raw/dataset.zip is kept")
    }

    func testForcedCopyOfAZipWithoutTheCSVKeepsTheArchive() throws {
        let workspace = try Workspace()
        try makeZip(at: "\(workspace.path)/other.zip", [("readme.txt", "no data here")])
        try assertForcedFetchKeepsTheArchive(workspace, "other.zip",
            "msr-ingest: other.zip: no CSV entry (expected dataset.csv); the previous data/raw/dataset.zip is kept")
    }
}
