import ArgumentParser
import MSRCore

extension Tracking.Mode: ExpressibleByArgument {
    // ArgumentParser's default witnesses go through a generic key path and reflection: about a
    // million instructions at every start of the command. The raw values, directly.
    public static var allValueStrings: [String] { allCases.map { $0.rawValue } }
    public static var allValueDescriptions: [String: String] { [:] }
    public var defaultValueDescription: String { rawValue }
}

/// `--tracking`, for the stages that log to MLflow when MLFLOW_TRACKING_URI is set (the client
/// itself comes from MSRNetwork, which only those stages link).
public struct TrackingOptions: ParsableArguments {
    @Option(help: "With MLFLOW_TRACKING_URI set: 'required' (a failure to log fails the stage, exit 69) or 'optional' (a warning).")
    public var tracking = Tracking.Mode.required

    public init() {}
}
