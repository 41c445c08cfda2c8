import Foundation
import XCTest

extension Workspace {
    /// Runs `msr-<stage>` in the workspace with `input` on its standard input.
    func run(_ stage: String, input: String, _ arguments: String...) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "\(Self.binaries)/msr-\(stage)")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: path)
        let stdin = Pipe(), out = Pipe(), err = Pipe()
        process.standardInput = stdin
        process.standardOutput = out
        process.standardError = err
        // A process that exits before reading everything must not kill the tests with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        try process.run()
        // Written from another thread: a large input must not wait on a full output pipe.
        let writer = stdin.fileHandleForWriting
        let bytes = Data(input.utf8)
        let feeding = Thread {
            try? writer.write(contentsOf: bytes)
            try? writer.close()
        }
        feeding.start()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }
}

extension Workspace {
    /// Runs `msr-<stage>` with its standard output on /dev/full (every write fails: ENOSPC);
    /// returns its exit status and standard error.
    func runWithFullStandardOutput(_ stage: String, _ arguments: String...) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "\(Self.binaries)/msr-\(stage)")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: path)
        let err = Pipe()
        process.standardOutput = try XCTUnwrap(FileHandle(forWritingAtPath: "/dev/full"))
        process.standardError = err
        try process.run()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: "", stderr: String(decoding: stderr, as: UTF8.self))
    }
}
