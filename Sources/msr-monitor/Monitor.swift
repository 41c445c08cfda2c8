import ArgumentParser
import MSRCLI
import MSRCore

@main
struct Monitor: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "msr-monitor",
        abstract: "Summarise the recommendations log: monitoring.json, a trend CSV and an HTML chart.")

    @OptionGroup var stage: StageOptions

    @Option(name: .customLong("fail-under"), help: "Exit 1 when the rolling mean similarity is below this.")
    var failUnder: Double?

    @Flag(help: "Fail (exit 65, naming the line) on a log line that cannot be read, instead of skipping and counting it.")
    var strict = false

    func run() throws {
        try StageRunner.run("msr-monitor") { try MonitorStage.run(try stage.load(), failUnder: failUnder, strict: strict) }
    }
}
