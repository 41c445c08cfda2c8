import FoundationEssentials
import Glibc

/// The HTTP msr needs, implemented outside MSRCore (MSRNetwork's `URLSessionClient`) so that
/// the commands without network use do not load the networking libraries at start-up.
public protocol HTTPClient: Sendable {
    /// Downloads `url` to the file `path`; a failed connection or a status outside 2xx is a
    /// missing-input error naming the URL, and a body longer than `maxBytes` is stopped as soon
    /// as it passes the cap, a bad-data error naming the URL: either way nothing is left at `path`.
    func download(_ url: URL, to path: String, maxBytes: Int) throws

    /// Sends one request and returns the server's answer whatever its status; only a request
    /// that gets no answer (refused, timed out) throws.
    func send(_ request: HTTPRequest) throws -> HTTPResponse
}

/// One HTTP request.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: URL
    public var headers: [String: String]
    public var body: [UInt8]

    public init(method: String, url: URL, headers: [String: String] = [:], body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// A server's answer.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var body: [UInt8]

    public init(status: Int, body: [UInt8]) {
        self.status = status
        self.body = body
    }
}
