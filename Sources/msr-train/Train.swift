import ArgumentParser
import MSRCLI
import MSRCore

@main
struct Train: StageCommand {
    static let configuration = CommandConfiguration(
        commandName: "msr-train",
        abstract: "Fit the gradient-boosted trees genre classifier on the training split (params: train).")

    @OptionGroup var stage: StageOptions

    func run() throws {
        try StageRunner.run(.train, stage) { try TrainStage.run($0) }
    }
}
