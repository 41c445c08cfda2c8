import Foundation

/// The HTTP msr needs, implemented outside MSRCore (MSRNetwork's `URLSessionClient`) so that
/// the commands without network use do not load the networking libraries at start-up.
public protocol HTTPClient: Sendable {
    /// Downloads `url` to the file `path`; a failed connection or a status outside 2xx is a
    /// missing-input error naming the URL, with nothing left at `path`.
    func download(_ url: URL, to path: String) throws
}
