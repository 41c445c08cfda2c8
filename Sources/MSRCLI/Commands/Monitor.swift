import ArgumentParser
import FoundationEssentials
import Glibc
import MSRCore

public struct Monitor: StageCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "msr-monitor",
        abstract: "Summarise the recommendations log: monitoring.json, a trend CSV and an HTML chart.")

    @OptionGroup var stage: StageOptions

    // Read as text, unconditionally: a negative threshold (`--fail-under -0.5`) is a value, not
    // an option, and a refused value gets one line naming the option.
    @Option(name: .customLong("fail-under"), parsing: .unconditional,
            help: "Exit 1 when the rolling mean similarity (a cosine, in [-1, 1]) is below this.")
    var failUnder: String?

    @Flag(help: "Fail (exit 65, naming the line) on a log line that cannot be read, instead of skipping and counting it.")
    var strict = false

    /// `--fail-under` as a number: finite, within a cosine's range. Checked when the command runs
    /// (not in `validate()`, which also runs for `--help`, where its line would print).
    var threshold: Double? {
        get throws {
            guard let failUnder else { return nil }
            guard let value = Double(failUnder), value.isFinite, (-1...1).contains(value) else {
                StandardError.write("msr-monitor: --fail-under: expected a cosine similarity in [-1, 1], got \(failUnder)\n")
                throw ExitCode(64)
            }
            return value
        }
    }

    public func run() throws {
        let threshold = try threshold
        try StageRunner.run(.monitor, stage) { try MonitorStage.run($0, failUnder: threshold, strict: strict) }
    }
}
