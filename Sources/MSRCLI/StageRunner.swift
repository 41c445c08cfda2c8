import ArgumentParser
import CMemory
import FoundationEssentials
import Glibc
import MSRCore

/// Runs a stage's work and reports the way every msr command does: any report on stdout, then
/// the summary line `command: summary`; an error as one line `command: message` on stderr with
/// the error's exit code.
public enum StageRunner {
    /// Loads config, params and schema, checks the stage's outputs and takes its lock
    /// (`StageInputs.prepare`; `part` names a lock of a part of the stage), then runs `work`
    /// and reports.
    public static func run(_ stage: Stage, _ options: StageOptions, extraInputs: [StageFile] = [], part: String? = nil,
                           _ work: (StageInputs) throws -> StageOutput) throws {
        try run(stage, options.settings, extraInputs: extraInputs, part: part, work)
    }

    /// `run` with the options' values.
    public static func run(_ stage: Stage, _ options: StageSettings, extraInputs: [StageFile] = [], part: String? = nil,
                           _ work: (StageInputs) throws -> StageOutput) throws {
        try run(stage.command) {
            var inputs = try options.load()
            inputs.events = .standardError(stage.command)
            if options.stamp { return StageOutput(report: inputs.stamp(of: stage), summary: "") }
            let lock = try inputs.prepare(stage, extraInputs: extraInputs, part: part)
            return try withExtendedLifetime(lock) { try work(inputs) }
        }
    }

    /// `run` for a stage whose output is its summary line alone.
    public static func run(_ stage: Stage, _ options: StageOptions, _ work: (StageInputs) throws -> String) throws {
        try run(stage, options) { StageOutput(summary: try work($0)) }
    }

    public static func run(_ command: String, _ work: () throws -> String) throws {
        try run(command) { StageOutput(summary: try work()) }
    }

    public static func run(_ command: String, _ work: () throws -> StageOutput) throws {
        // Inputs are mapped, not read (CSV files, the song index, the factors, the dataset
        // archive): one that something truncates in place under the stage (or a disk error under a
        // mapped page) would end it with a bare SIGBUS.
        msr_report_bus_errors("\(command): an input file could not be read where it was mapped (something cut it short by " +
                              "rewriting it in place, or the disk failed); run again once it is whole (replace files by " +
                              "writing a new one and renaming it)\n")
        do {
            let output = try work()
            try StandardOutput.write(output.report + (output.summary.isEmpty ? "" : "\(command): \(output.summary)\n"))
        } catch let error as MSRError {
            throw fail(command, error.message, exitCode: error.exitCode)
        } catch {
            // MSRCore reports every failure as an MSRError; anything else is a bug of msr's.
            throw fail(command, "internal error: \(error) (please report it)", exitCode: 70)
        }
    }

    private static func fail(_ command: String, _ message: String, exitCode: Int32) -> ExitCode {
        StandardError.write("\(command): \(message)\n")
        return ExitCode(exitCode)
    }
}
