import ArgumentParser
import MSRCLI
import MSRCore

public struct Cluster: StageCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "msr-cluster",
        abstract: "Fit a Gaussian mixture per genre on the standardised features, with silhouette, Calinski-Harabasz and Davies-Bouldin scores.")

    @OptionGroup var stage: StageOptions
    @OptionGroup var tracking: TrackingOptions

    @Option(parsing: .unconditional, help: "Fit only this genre's mixture and scores (its label: its line in genres.txt, from 0); the song index is left as it is.")
    var genre: Int?

    @Flag(help: "Write only the song index, from the mixtures already fitted (after --genre N for every genre).")
    var indexOnly = false

    public func validate() throws {
        if genre != nil && indexOnly { throw ValidationError("--genre and --index-only exclude each other") }
    }

    public func run() throws {
        let scope: ClusterStage.Scope = genre.map { .genre($0) } ?? (indexOnly ? .indexOnly : .all)
        try StageRunner.run(.cluster, stage, part: scope.lockPart) {
            try ClusterStage.run($0, tracking: .fromEnvironment(mode: tracking.tracking), scope: scope)
        }
    }
}
