import Foundation
import MSRTestSupport
import XCTest
@testable import MSRCore

/// Inputs are regular files: a FIFO, a folder or a device is refused at once, never waited on.
final class FileBytesTests: XCTestCase {
    func testAFIFOIsRefusedWithoutWaitingForAWriter() throws {
        try withTemporaryFolder { folder in
            XCTAssertEqual(mkfifo("\(folder)/params.yaml", 0o644), 0)
            XCTAssertEqual(errorMessage { _ = try FileBytes.read("\(folder)/params.yaml", what: "YAML file") },
                           "\(folder)/params.yaml: is a FIFO, not a regular file (expected a YAML file)")
        }
    }

    func testAFolderAndADeviceAreRefused() throws {
        try withTemporaryFolder { folder in
            XCTAssertEqual(errorMessage { _ = try FileBytes.read(folder, what: "model file") },
                           "\(folder): is a directory, not a regular file (expected a model file)")
        }
        XCTAssertEqual(errorMessage { try FileBytes.withMapped("/dev/zero", what: "song index") { _ in } },
                       "/dev/zero: is a character device, not a regular file (expected a song index)")
    }
}
