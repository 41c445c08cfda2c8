import FoundationEssentials
import Glibc

/// Whether and how a stage logs to MLflow: on when MLFLOW_TRACKING_URI is an http(s) URL.
/// With `required` (the default) a failure to log is the stage's failure (exit 69, the local
/// artifacts already written); with `optional` it is a warning.
public struct Tracking: Sendable {
    public enum Mode: String, Sendable, CaseIterable {
        case required, optional
    }

    public let client: MLflowClient?
    public let mode: Mode

    public init(client: MLflowClient?, mode: Mode = .required) {
        self.client = client
        self.mode = mode
    }

    /// Tracking off.
    public static let off = Tracking(client: nil)

    /// Runs `body` with the client when tracking is on and returns its note for the summary; an
    /// optional tracking that fails is a warning to `events`.
    public func record(events: StageEvents, _ body: (MLflowClient) throws -> String) throws -> String? {
        guard let client else { return nil }
        do {
            return try body(client)
        } catch let error as MSRError {
            let message = error.message + " (the local artifacts are written)"
            guard mode == .optional else { throw MSRError(error.kind, message) }
            events.warning("\(message); --tracking optional: going on")
            return nil
        }
    }

    /// The tags every run gets: the command, the git commit when the project is a git
    /// checkout, and a fingerprint of the params file.
    public static func tags(command: String, paramsFile: String) -> [String: String] {
        var tags = ["mlflow.source.name": command, "mlflow.source.type": "LOCAL"]
        if let commit = GitCommit.current() { tags["mlflow.source.git.commit"] = commit }
        if let bytes = try? FileBytes.read(paramsFile, what: "params file") {
            tags["msr.params_fnv1a64"] = String(Numerics.fnv1a(bytes), radix: 16)
        }
        return tags
    }
}

extension MLflowClient {
    /// One run: created in `experiment` (made if needed), params and metrics logged (with the
    /// histories of `steps`, a value per step from 1), `artifacts` (local file, artifact path)
    /// uploaded, finished; a run that fails midway is marked FAILED.
    public func logRun(experiment: String, name: String, params: [String: String], metrics: [String: Double],
                       steps: [String: [Double]] = [:], tags: [String: String], artifacts: [(file: String, path: String)],
                       now: Date = Date()) throws -> (id: String, artifactURI: String) {
        let milliseconds = Int(now.timeIntervalSince1970 * 1000)
        let experimentID = try experimentID(named: experiment)
        let run = try createRun(experimentID: experimentID, name: name, tags: tags, startTime: milliseconds)
        do {
            try log(runID: run.id, params: params, metrics: metrics, steps: steps, timestamp: milliseconds)
            for artifact in artifacts {
                try uploadArtifact(artifactURI: run.artifactURI, path: artifact.path,
                                   bytes: try FileBytes.read(artifact.file, what: "artifact"))
            }
            try finishRun(run.id, endTime: Int(Date().timeIntervalSince1970 * 1000))
        } catch {
            try? finishRun(run.id, status: "FAILED", endTime: Int(Date().timeIntervalSince1970 * 1000))
            throw error
        }
        return run
    }
}

/// The commit a git checkout is at, read from `.git` (no git process).
enum GitCommit {
    static func current(from folder: String = FileManager.default.currentDirectoryPath) -> String? {
        var url = URL(fileURLWithPath: folder)
        while true {
            let git = url.appendingPathComponent(".git").path
            if let head = try? String(contentsOfFile: "\(git)/HEAD", encoding: .utf8) {
                let line = head.trimmingWhitespace()
                guard line.hasPrefix("ref: ") else { return line.isEmpty ? nil : line }
                let ref = String(line.dropFirst(5))
                if let commit = try? String(contentsOfFile: "\(git)/\(ref)", encoding: .utf8) {
                    return commit.trimmingWhitespace()
                }
                let packed = (try? String(contentsOfFile: "\(git)/packed-refs", encoding: .utf8)) ?? ""
                return packed.split(separator: "\n").first { $0.hasSuffix(" \(ref)") }.map { String($0.prefix { $0 != " " }) }
            }
            let parent = url.deletingLastPathComponent()
            guard parent.path != url.path else { return nil }
            url = parent
        }
    }
}
