import ArgumentParser
import MSRCLI
import MSRCore

@main
struct Cluster: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "msr-cluster",
        abstract: "Fit a Gaussian mixture per genre on the standardised features, with silhouette, Calinski-Harabasz and Davies-Bouldin scores.")

    @OptionGroup var stage: StageOptions

    func run() throws {
        try StageRunner.run("msr-cluster") {
            let config = try stage.loadConfig()
            return try ClusterStage.run(config: config, params: try stage.loadParams(),
                                        schema: try Schema.load(path: config.schema))
        }
    }
}
