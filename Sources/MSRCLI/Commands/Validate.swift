import ArgumentParser
import MSRCore

public struct Validate: StageCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "msr-validate",
        abstract: "Check the song base against schema.yaml; write the status file and the report; exit 65 when invalid.")

    @OptionGroup var stage: StageOptions

    public func run() throws {
        try StageRunner.run(.validate, stage) { try ValidateStage.run($0) }
    }
}
