import ArgumentParser
import MSRCLI
import MSRCore

public struct Evaluate: StageCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "msr-evaluate",
        abstract: "Score the classifier on the test split: classification report, DVC metrics and confusion plot.")

    @OptionGroup var stage: StageOptions
    @OptionGroup var tracking: TrackingOptions

    @Flag(help: "Evaluate the recommender instead: held-out playlists from the test split, msr against the reference method (params: evaluate_recommender).")
    var recommender = false

    public func run() throws {
        if recommender {
            try StageRunner.run(.evaluateRecommender, stage) { try RecommenderEvaluationStage.run($0) }
        } else {
            try StageRunner.run(.evaluate, stage) { try EvaluateStage.run($0, tracking: .fromEnvironment(mode: tracking.tracking)) }
        }
    }
}
