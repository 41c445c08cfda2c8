import ArgumentParser
import MSRCore

public struct Feed: StageCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "msr-feed",
        abstract: "Merge the new songs of feed.new_dir into the song base; measure growth and drift; flag retraining (params: feed).")

    @OptionGroup var stage: StageOptions

    public func run() throws {
        try StageRunner.run(.feed, stage) { try FeedStage.run($0) }
    }
}
