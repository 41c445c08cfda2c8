/// The params each tracked stage logs, as the strings MLflow stores: every key of the section's
/// table with its value as params.yaml writes it.
extension BoostingParams {
    public var mlflowParams: [String: String] {
        Dictionary(uniqueKeysWithValues: values)
    }
}

extension MixtureParams {
    /// The params of genre `label`'s mixture: its own `n_components`.
    public func mlflowParams(label: Int) -> [String: String] {
        var params = Dictionary(uniqueKeysWithValues: values)
        params["n_components"] = "\(components(forLabel: label))"
        return params
    }
}

extension FactorizeParams {
    public var mlflowParams: [String: String] {
        Dictionary(uniqueKeysWithValues: values)
    }
}
