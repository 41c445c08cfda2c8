import ArgumentParser
import MSRCLI
import MSRCore

@main
struct Transform: StageCommand {
    static let configuration = CommandConfiguration(
        commandName: "msr-transform",
        abstract: "Label-encode genres, split train/test with a seed, write scaling statistics and per-genre song files.")

    @OptionGroup var stage: StageOptions

    func run() throws {
        try StageRunner.run(.transform, stage) { try TransformStage.run($0) }
    }
}
