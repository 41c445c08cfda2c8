import ArgumentParser
import MSRCLI
import MSRCore

@main
struct Validate: StageCommand {
    static let configuration = CommandConfiguration(
        commandName: "msr-validate",
        abstract: "Check the song base against schema.yaml; write the status file and the report; exit 65 when invalid.")

    @OptionGroup var stage: StageOptions

    func run() throws {
        try StageRunner.run(.validate, stage) { try ValidateStage.run($0) }
    }
}
