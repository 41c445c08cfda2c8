import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import MSRCore
import MSRService
import MSRTestSupport
import XCTest

/// A project with models built by the real stages (embedded data, 20 boosting rounds; the
/// embedded playlists factorised with 16 factors and 4 iterations), made
/// once per test run; each test gets its own copy (its own database, log and params), with
/// every path in its config.yaml absolute, so that nothing depends on the working directory.
final class ServiceFixture: @unchecked Sendable {
    static let repository = TestPaths.repository
    /// The folder of the built executables.
    static let binaries = TestPaths.binaries

    /// Where the template is built: one per test process.
    static let templatePath = NSTemporaryDirectory() + "msr-serve-template-\(UUID().uuidString)"

    /// The project every fixture copies, built once.
    static let template: Result<String, any Error> = Result {
        let path = templatePath
        // Removed when the test process exits (atexit takes no context: it reads the static).
        atexit { try? FileManager.default.removeItem(atPath: ServiceFixture.templatePath) }
        try FileManager.default.createDirectory(atPath: "\(path)/data/raw", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: "\(path)/data/playlists", withIntermediateDirectories: true)
        for file in ["config.yaml", "params.yaml", "schema.yaml", "data/raw/dataset.zip", "data/playlists/mpd.slice.0-999.json"] {
            try FileManager.default.copyItem(atPath: "\(repository)/\(file)", toPath: "\(path)/\(file)")
        }
        var params = try String(contentsOfFile: "\(path)/params.yaml", encoding: .utf8)
        params = params.replacingOccurrences(of: "n_estimators: 250", with: "n_estimators: 20")
            .replacingOccurrences(of: "  factors: 64\n", with: "  factors: 16\n").replacingOccurrences(of: "  iterations: 15\n", with: "  iterations: 4\n")
        try params.write(toFile: "\(path)/params.yaml", atomically: true, encoding: .utf8)
        for stage in ["ingest", "validate", "transform", "train", "evaluate", "cluster", "factorize"] {
            let status = try run("\(binaries)/msr-\(stage)", [], in: path)
            guard status == 0 else { throw MSRError(.io, "msr-\(stage) failed with \(status) building the test project") }
        }
        return path
    }

    static func run(_ executable: String, _ arguments: [String], in folder: String, stdin: String? = nil) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        if let stdin {
            let pipe = Pipe()
            process.standardInput = pipe
            try process.run()
            pipe.fileHandleForWriting.write(Data(stdin.utf8))
            try pipe.fileHandleForWriting.close()
        } else {
            try process.run()
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    let path: String
    var config: String { "\(path)/config.yaml" }
    var params: String { "\(path)/params.yaml" }
    var log: String { "\(path)/data/reco/recommendations.jsonl" }

    /// A copy of the template. Its `serve` section has the given `limits` (by default generous
    /// ones, so that only the tests of a limit meet it) and the extra `serve` lines.
    init(limits: [String: Int] = [:], serve: [String] = []) throws {
        let template = try Self.template.get()
        path = NSTemporaryDirectory() + "msr-serve-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: template, toPath: path)
        var text = try String(contentsOfFile: "\(path)/config.yaml", encoding: .utf8)
        // The repository's serve section (last in the file) gives way to the test's.
        if let serve = text.range(of: "\nserve:\n") { text = String(text[..<serve.lowerBound]) + "\n" }
        for folder in ["data/", "models/", "metrics/"] {
            text = text.replacingOccurrences(of: ": \(folder)", with: ": \(path)/\(folder)")
        }
        text = text.replacingOccurrences(of: "schema: schema.yaml", with: "schema: \(path)/schema.yaml")
        let allLimits = ["recommendations_per_minute": 1000, "logins_per_minute": 1000, "requests_per_minute": 0]
            .merging(limits) { $1 }
        text += "\nserve:\n  database: \(path)/data/serve/msr.sqlite\n  jwt_key_file: \(path)/.msr/jwt.key\n"
            + serve.map { "  \($0)\n" }.joined() + "  limits:\n"
            + allLimits.keys.sorted().map { "    \($0): \(allLimits[$0]!)\n" }.joined()
        try text.write(toFile: "\(path)/config.yaml", atomically: true, encoding: .utf8)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// The service over this project.
    func state(environment: [String: String] = [:], logger given: Logger? = nil) async throws -> ServiceState {
        var options = ServiceState.Options()
        options.configFile = config
        options.paramsFile = params
        options.binaries = Self.binaries
        options.environment = environment
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return try await ServiceState(options, logger: given ?? logger)
    }

    /// Runs `body` with a router test client of a fresh service.
    func test(_ body: @Sendable (ServiceState, any TestClientProtocol) async throws -> Void) async throws {
        let state = try await state()
        let app = Application(router: state.router())
        try await app.test(.router) { client in try await body(state, client) }
    }
}
