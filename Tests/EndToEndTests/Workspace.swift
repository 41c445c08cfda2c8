import Foundation
import MSRTestSupport
import XCTest

/// A temporary project folder holding copies of the repository's config.yaml, params.yaml,
/// schema.yaml and embedded dataset, where the built executables run as a user runs them.
final class Workspace {
    static let repository = TestPaths.repository
    /// The folder of the built executables.
    static let binaries = TestPaths.binaries

    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "msr-e2e-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: "\(path)/data/raw", withIntermediateDirectories: true)
        for file in ["config.yaml", "params.yaml", "schema.yaml", "data/raw/dataset.zip"] {
            try FileManager.default.copyItem(atPath: "\(Self.repository)/\(file)", toPath: "\(path)/\(file)")
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// What a run printed and how it exited.
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `msr-<stage>` in the workspace.
    @discardableResult
    func run(_ stage: String, _ arguments: String...) throws -> Result {
        try run(stage, arguments: arguments)
    }

    /// Runs `msr-<stage>` in the workspace with these variables added to the environment.
    @discardableResult
    func run(_ stage: String, arguments: [String], environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "\(Self.binaries)/msr-\(stage)")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: path)
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Runs the three data stages, failing the test if one fails.
    func runPipeline(file: StaticString = #filePath, line: UInt = #line) throws {
        for stage in ["ingest", "validate", "transform"] {
            let result = try run(stage)
            XCTAssertEqual(result.status, 0, "msr-\(stage): \(result.stderr)", file: file, line: line)
        }
    }

    /// msr-train with 5 rounds instead of params.yaml's 250: a classifier enough for the stages
    /// after it, in a fraction of the time.
    func trainQuickly(file: StaticString = #filePath, line: UInt = #line) throws {
        try edit("params.yaml", "n_estimators: 250", "n_estimators: 5")
        let result = try run("train")
        XCTAssertEqual(result.status, 0, "msr-train: \(result.stderr)", file: file, line: line)
    }

    func read(_ file: String) -> String? {
        FileManager.default.contents(atPath: "\(path)/\(file)").map { String(decoding: $0, as: UTF8.self) }
    }

    func bytes(_ file: String) -> Data? {
        FileManager.default.contents(atPath: "\(path)/\(file)")
    }

    func write(_ text: String, to file: String) throws {
        let url = URL(fileURLWithPath: "\(path)/\(file)")
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    /// Rewrites `file` in place, replacing every match of the regular expression `pattern`.
    func edit(_ file: String, _ pattern: String, _ replacement: String) throws {
        let text = try XCTUnwrap(read(file), "\(file) is missing")
        let edited = text.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
        XCTAssertNotEqual(edited, text, "\(pattern) does not occur in \(file)")
        try write(edited, to: file)
    }

    /// Points config.yaml's `data_ingestion.source_url` at `source`.
    func setSourceURL(_ source: String) throws {
        try edit("config.yaml", #"source_url: [^\n]*"#, "source_url: \(source)")
    }

    func exists(_ file: String) -> Bool {
        FileManager.default.fileExists(atPath: "\(path)/\(file)")
    }

    /// Every file under the workspace, relative, sorted: to show nothing partial was left. The
    /// stages' lock files (`.msr/`, `.msr-<stage>.lock`) are not artifacts and are left out.
    func files(under folder: String = "") -> [String] {
        let root = folder.isEmpty ? path : "\(path)/\(folder)"
        return (FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? [])
            .filter { !isDirectory("\(root)/\($0)") && !$0.hasPrefix(".msr/") && !$0.hasSuffix(".lock") }
            .sorted()
    }

    private func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }
}

/// Asserts a run failed with `status` and exactly one stderr line equal to `message`.
func XCTAssertFails(_ result: Workspace.Result, status: Int32, _ message: String,
                    file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(result.status, status, result.stderr, file: file, line: line)
    XCTAssertEqual(result.stderr, message + "\n", file: file, line: line)
}
