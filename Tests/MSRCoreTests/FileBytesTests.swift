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

/// Standard input is read through `FileBytes.readAll`: past its limit it is refused as soon as it
/// is read past, and a non-blocking descriptor is waited on, not reported as an error.
final class StandardInputTests: XCTestCase {
    func testMoreThanTheLimitIsRefused() throws {
        var ends: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&ends), 0)
        let writer = ends[1]
        let feeding = Thread {
            let bytes = [UInt8](repeating: UInt8(ascii: "["), count: (1 << 20) + 1)
            _ = bytes.withUnsafeBytes { write(writer, $0.baseAddress!, $0.count) }
            close(writer)
        }
        feeding.start()
        XCTAssertEqual(errorMessage { _ = try FileBytes.readAll(ends[0], name: "stdin", what: "playlist input", maxBytes: 1 << 20) },
                       "stdin: more than 1 MiB, the most read as one playlist input: split it")
        close(ends[0])
    }

    func testANonBlockingDescriptorIsWaitedOn() throws {
        var ends: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&ends), 0)
        XCTAssertEqual(fcntl(ends[0], F_SETFL, fcntl(ends[0], F_GETFL) | O_NONBLOCK), 0)
        let writer = ends[1]
        let feeding = Thread {
            usleep(100_000)  // the reader finds the pipe empty first (EAGAIN)
            _ = "[\"x\"]".utf8CString.withUnsafeBytes { write(writer, $0.baseAddress!, 5) }
            close(writer)
        }
        feeding.start()
        XCTAssertEqual(try FileBytes.readAll(ends[0], name: "stdin", what: "playlist input", maxBytes: 1 << 20), Array("[\"x\"]".utf8))
        close(ends[0])
    }
}
