import Foundation
import MSRTestSupport
import XCTest
@testable import MSRCore

/// Artifacts are written whole or not at all, never over a node that is not a regular file.
final class AtomicFileTests: XCTestCase {
    func testAFIFOIsNotReplaced() throws {
        try withTemporaryFolder { folder in
            XCTAssertEqual(mkfifo("\(folder)/pipe", 0o644), 0)
            XCTAssertEqual(errorMessage { try AtomicFile.write("x", to: "\(folder)/pipe") },
                           "\(folder)/pipe: is a FIFO, not a regular file: refusing to replace it")
            var info = stat()
            XCTAssertEqual(lstat("\(folder)/pipe", &info), 0)
            XCTAssertEqual(info.st_mode & S_IFMT, S_IFIFO)
        }
    }

    func testTemporariesOfKilledWritersAreRemovedAndLiveOnesKept() throws {
        try withTemporaryFolder { folder in
            // A pid that cannot be running (above Linux's pid_max), and this process's parent.
            let dead = "\(folder)/.a.json.tmp-99999999", live = "\(folder)/.a.json.tmp-\(getppid())"
            let other = "\(folder)/.b.json.tmp-99999999"
            for path in [dead, live, other] { XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data())) }
            try AtomicFile.write("{}\n", to: "\(folder)/a.json")
            XCTAssertFalse(FileManager.default.fileExists(atPath: dead), "a dead writer's temporary is removed")
            XCTAssertTrue(FileManager.default.fileExists(atPath: live), "a running writer's temporary is kept")
            XCTAssertTrue(FileManager.default.fileExists(atPath: other), "another file's temporary is left to its writer")
            XCTAssertEqual(try String(contentsOfFile: "\(folder)/a.json", encoding: .utf8), "{}\n")
        }
    }
}
