import ArgumentParser
import Foundation
import MSRCore

/// Runs a stage's work and reports the way every msr command does: any report on stdout, then
/// the summary line `command: summary`; an error as one line `command: message` on stderr with
/// the error's exit code.
public enum StageRunner {
    public static func run(_ command: String, _ work: () throws -> String) throws {
        try run(command) { StageOutput(summary: try work()) }
    }

    public static func run(_ command: String, _ work: () throws -> StageOutput) throws {
        do {
            let output = try work()
            print(output.report + (output.summary.isEmpty ? "" : "\(command): \(output.summary)\n"), terminator: "")
        } catch let error as MSRError {
            FileHandle.standardError.write(Data("\(command): \(error.message)\n".utf8))
            throw ExitCode(error.exitCode)
        }
    }
}
