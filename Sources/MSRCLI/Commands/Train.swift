import ArgumentParser
import MSRCore

public struct Train: StageCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "msr-train",
        abstract: "Fit the gradient-boosted trees genre classifier on the training split (params: train).")

    @OptionGroup var stage: StageOptions

    public func run() throws {
        try StageRunner.run(.train, stage) { try TrainStage.run($0) }
    }
}
