import ArgumentParser
import MSRCLI
import MSRCore
import MSRNetwork

@main
struct Factorize: StageCommand {
    static let configuration = CommandConfiguration(
        commandName: "msr-factorize",
        abstract: "Factorise the playlist x track matrix (MPD slices and logged playlists) by implicit-feedback ALS into track factors.")

    @OptionGroup var stage: StageOptions
    @OptionGroup var tracking: TrackingOptions

    func run() throws {
        try StageRunner.run(.factorize, stage) { try FactorizeStage.run($0, tracking: .fromEnvironment(mode: tracking.tracking)) }
    }
}
