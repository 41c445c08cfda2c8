import Foundation
import MSRTestSupport
import XCTest

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
}
