import ArgumentParser
import MSRCore

/// The options every stage takes: where config.yaml and params.yaml are.
public struct StageOptions: ParsableArguments {
    @Option(help: "The paths file: where each stage reads and writes.")
    public var config = "config.yaml"

    @Option(help: "The parameters file: one section per stage.")
    public var params = "params.yaml"

    public init() {}

    /// Loads config.yaml.
    public func loadConfig() throws -> ProjectConfig { try ProjectConfig.load(path: config) }

    /// Loads params.yaml.
    public func loadParams() throws -> Params { try Params.load(path: params) }
}
