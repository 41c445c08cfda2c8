import ArgumentParser
import Foundation
import MSRCore

/// Runs a stage's work and reports the way every msr command does: the summary line on stdout,
/// an error as one line `command: message` on stderr with the error's exit code.
public enum StageRunner {
    public static func run(_ command: String, _ work: () throws -> String) throws {
        do {
            let summary = try work()
            print("\(command): \(summary)")
        } catch let error as MSRError {
            FileHandle.standardError.write(Data("\(command): \(error.message)\n".utf8))
            throw ExitCode(error.exitCode)
        }
    }
}
