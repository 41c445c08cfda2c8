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

    func run() throws {
        try StageRunner.run(.monitor, stage) { try MonitorStage.run($0, failUnder: failUnder) }
    }
}
