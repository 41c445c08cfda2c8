import Foundation
import MSRCore

extension Tracking {
    /// The tracking this process's environment asks for (MLFLOW_TRACKING_URI and credentials),
    /// over URLSession.
    public static func fromEnvironment(mode: Mode) throws -> Tracking {
        Tracking(client: try MLflowClient(environment: ProcessInfo.processInfo.environment, http: URLSessionClient()), mode: mode)
    }
}
