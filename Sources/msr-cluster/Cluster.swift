import ArgumentParser
import MSRCLI
import MSRCore
import MSRNetwork

@main
struct Cluster: StageCommand {
    static let configuration = CommandConfiguration(
        commandName: "msr-cluster",
        abstract: "Fit a Gaussian mixture per genre on the standardised features, with silhouette, Calinski-Harabasz and Davies-Bouldin scores.")

    @OptionGroup var stage: StageOptions
    @OptionGroup var tracking: TrackingOptions

    func run() throws {
        try StageRunner.run(.cluster, stage) { try ClusterStage.run($0, tracking: .fromEnvironment(mode: tracking.tracking)) }
    }
}
