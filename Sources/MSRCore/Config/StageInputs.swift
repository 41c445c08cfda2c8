/// What every stage reads first: config.yaml, params.yaml and the schema config.yaml names.
public struct StageInputs: Sendable {
    public var config: ProjectConfig
    public var params: Params
    public var schema: Schema

    public init(config: ProjectConfig, params: Params, schema: Schema) {
        self.config = config
        self.params = params
        self.schema = schema
    }

    /// Loads the three files; the first error (missing file, bad YAML, bad value) is thrown.
    public static func load(config configPath: String, params paramsPath: String) throws -> StageInputs {
        let config = try ProjectConfig.load(path: configPath)
        return StageInputs(config: config, params: try Params.load(path: paramsPath),
                           schema: try Schema.load(path: config.schema))
    }
}
