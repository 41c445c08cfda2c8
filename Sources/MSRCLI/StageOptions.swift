import ArgumentParser
import MSRCore

/// The options every stage takes: where config.yaml and params.yaml are.
public struct StageOptions: ParsableArguments {
    @Option(name: .customLong(StageSettings.Name.config), help: "The paths file: where each stage reads and writes.")
    public var config = StageSettings.defaultConfig

    @Option(name: .customLong(StageSettings.Name.params), help: "The parameters file: one section per stage.")
    public var params = StageSettings.defaultParams

    @Flag(name: .customLong(StageSettings.Name.stamp),
          help: "Print the config paths and params values this stage reads, and nothing else (make's stamp of the stage).")
    public var stamp = false

    public init() {}

    /// The values parsed.
    public var settings: StageSettings { StageSettings(config: config, params: params, stamp: stamp) }

    /// Loads config.yaml, params.yaml and the schema.
    public func load() throws -> StageInputs { try settings.load() }
}

/// `StageOptions`' values, plain: what a command parsed without ArgumentParser passes on.
public struct StageSettings: Equatable, Sendable {
    /// The options' long names.
    public enum Name {
        public static let config = "config", params = "params", stamp = "stamp"
    }

    /// The options' defaults.
    public static let defaultConfig = "config.yaml", defaultParams = "params.yaml"

    public var config = defaultConfig
    public var params = defaultParams
    /// Print the stage's stamp instead of running it.
    public var stamp = false

    public init(config: String = defaultConfig, params: String = defaultParams, stamp: Bool = false) {
        self.config = config
        self.params = params
        self.stamp = stamp
    }

    /// Loads config.yaml, params.yaml and the schema.
    public func load() throws -> StageInputs { try StageInputs.load(config: config, params: params) }
}
