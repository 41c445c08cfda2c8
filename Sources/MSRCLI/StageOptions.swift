import ArgumentParser
import MSRCore

/// The options every stage takes: where config.yaml and params.yaml are.
public struct StageOptions: ParsableArguments {
    @Option(help: "The paths file: where each stage reads and writes.")
    public var config = "config.yaml"

    @Option(help: "The parameters file: one section per stage.")
    public var params = "params.yaml"

    @Flag(help: "Print the config paths and params values this stage reads, and nothing else (make's stamp of the stage).")
    public var stamp = false

    public init() {}

    /// Loads config.yaml, params.yaml and the schema.
    public func load() throws -> StageInputs { try StageInputs.load(config: config, params: params) }
}
