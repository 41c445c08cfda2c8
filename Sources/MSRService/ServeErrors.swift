import Foundation
import MSRCore
import NIOCore

/// Start-up failures as one line each.
public enum ServeErrors {
    /// The error as msr reports it: a taken port says so.
    public static func explain(_ error: any Error, address: String) -> any Error {
        if let error = error as? IOError, error.errnoCode == EADDRINUSE {
            return MSRError(.unavailable, "cannot listen on \(address): the port is taken (another msr-serve?); pick another with --port")
        }
        if let error = error as? IOError, error.errnoCode == EACCES {
            return MSRError(.unavailable, "cannot listen on \(address): permission denied (ports under 1024 need privileges)")
        }
        return error
    }
}
