import ArgumentParser
import MSRCore

public struct Transform: StageCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "msr-transform",
        abstract: "Label-encode genres, split train/test with a seed, write scaling statistics and per-genre song files.")

    @OptionGroup var stage: StageOptions

    public func run() throws {
        try StageRunner.run(.transform, stage) { try TransformStage.run($0) }
    }
}
