import ArgumentParser
import MSRCLI
import MSRCore

@main
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "msr-validate",
        abstract: "Check the song base against schema.yaml; write the status file and the report; exit 65 when invalid.")

    @OptionGroup var stage: StageOptions

    func run() throws {
        try StageRunner.run("msr-validate") {
            let config = try stage.loadConfig()
            return try ValidateStage.run(config: config, params: try stage.loadParams(),
                                         schema: try Schema.load(path: config.schema))
        }
    }
}
