import Foundation
import MSRCore
import NIOPosix

/// Runs a retrain job: the pipeline's stages in order (the executables beside msr-serve, with
/// the service's --config and --params), or `dvc repro`; then loads the new models. One job at
/// a time (the database refuses a second). On any failure the old models keep serving and the
/// job records the failing stage's error line.
final class Retrainer: Sendable {
    let mode: ServeSettings.Retrain
    let binaries: String
    let configFile: String
    let paramsFile: String

    /// The stages a retrain runs, in order: the data stages (new songs fed since), the
    /// classifier and the mixtures with the song index the service loads.
    static let stages = ["msr-ingest", "msr-validate", "msr-transform", "msr-train", "msr-evaluate", "msr-cluster"]
    /// The most of each job's log kept (its end).
    static let maxLog = 64 * 1024

    init(mode: ServeSettings.Retrain, binaries: String, configFile: String, paramsFile: String) {
        self.mode = mode
        self.binaries = binaries
        self.configFile = configFile
        self.paramsFile = paramsFile
    }

    /// The commands the job runs.
    var commands: [[String]] {
        switch mode {
        case .stages: return Self.stages.map { ["\(binaries)/\($0)", "--config", configFile, "--params", paramsFile] }
        case .dvc: return [["/usr/bin/env", "dvc", "repro"]]
        }
    }

    /// Runs job `id` to its end (call it in a task of its own).
    func run(_ id: Int64, state: ServiceState) async {
        var log = ""
        func record(_ status: Job.Status, error: String? = nil, version: String? = nil) async {
            if log.utf8.count > Self.maxLog { log = "...\n" + String(log.suffix(Self.maxLog)) }
            do {
                try await state.database.updateJob(id, status: status, log: log, error: error, modelVersion: version)
            } catch {
                state.logger.error("cannot record retrain job", metadata: ["job": .stringConvertible(id), "error": .string("\(error)")])
            }
        }
        await record(.running)
        for command in commands {
            let name = URL(fileURLWithPath: command[0]).lastPathComponent
            log += "$ \(([name] + command.dropFirst()).joined(separator: " "))\n"
            await record(.running)
            let (status, output) = await Self.execute(command)
            log += output
            guard status == 0 else {
                let line = output.split(separator: "\n").last(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty })
                    .map(String.init) ?? "exit status \(status)"
                await record(.failed, error: "\(name) failed (exit \(status)): \(line)")
                state.metrics.job("failed")
                return
            }
        }
        do {
            let previous = state.models.models?.version
            // Reading and checking the models is long work: off the event loops.
            let models = try await NIOThreadPool.singleton.runIfActive { try state.models.reload() }
            state.metrics.modelVersion(models.version, previous: previous)
            log += "models reloaded: version \(models.version)\n"
            await record(.succeeded, version: models.version)
            state.metrics.job("succeeded")
        } catch {
            let message = (error as? MSRError)?.message ?? "\(error)"
            await record(.failed, error: "the new models did not load, the previous ones keep serving: \(message)")
            state.metrics.job("failed")
        }
    }

    /// Runs a command on a thread of its own (not the request threads), its output and errors
    /// merged; the exit status (127 when it cannot start).
    static func execute(_ command: [String]) async -> (Int32, String) {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: command[0])
                process.arguments = Array(command.dropFirst())
                let pipe = Pipe()
                process.standardOutput = pipe
                process.standardError = pipe
                process.standardInput = FileHandle.nullDevice
                do {
                    try process.run()
                } catch {
                    continuation.resume(returning: (127, "cannot start \(command[0]): \(error.localizedDescription)\n"))
                    return
                }
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(returning: (process.terminationStatus, String(decoding: data, as: UTF8.self)))
            }
            thread.start()
        }
    }
}
