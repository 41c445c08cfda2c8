import ArgumentParser
import MSRCLI
import MSRCore

@main
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "msr-evaluate",
        abstract: "Score the classifier on the test split: classification report, DVC metrics and confusion plot.")

    @OptionGroup var stage: StageOptions

    func run() throws {
        try StageRunner.run("msr-evaluate") {
            try EvaluateStage.run(try stage.load())
        }
    }
}
