import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import MSRCore

/// msr's HTTP through URLSession. A target of its own because on Linux URLSession brings
/// FoundationNetworking, libcurl and some thirty shared libraries, whose loading costs every
/// process about 13 ms: only the commands that go on the network link it.
public struct URLSessionClient: HTTPClient {
    public init() {}

    /// The outcome of a download, handed from URLSession's queue to the waiting caller.
    private final class Outcome: @unchecked Sendable {
        var error: MSRError?
    }

    public func download(_ url: URL, to temporary: String) throws {
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        let source = url.absoluteString
        let task = URLSession.shared.downloadTask(with: url) { location, response, error in
            defer { done.signal() }
            if let error {
                outcome.error = MSRError(.missingInput, "\(source): download failed: \(error.localizedDescription)")
                return
            }
            if let http = response as? HTTPURLResponse, !(200..<300).contains(http.statusCode) {
                outcome.error = MSRError(.missingInput, "\(source): the server answered HTTP \(http.statusCode)")
                return
            }
            guard let location else {
                outcome.error = MSRError(.io, "\(source): the download produced no file")
                return
            }
            do {
                try? FileManager.default.removeItem(atPath: temporary)
                try FileManager.default.moveItem(at: location, to: URL(fileURLWithPath: temporary))
            } catch {
                outcome.error = MSRError(.io, "\(temporary): cannot keep the download: \(error.localizedDescription)")
            }
        }
        task.resume()
        // On a terminal, the bytes received so far, twice a second.
        let showProgress = isatty(STDERR_FILENO) != 0
        while done.wait(timeout: .now() + 0.5) == .timedOut {
            guard showProgress else { continue }
            let received = Double(task.countOfBytesReceived) / 1_048_576
            let expected = task.countOfBytesExpectedToReceive
            let total = expected > 0 ? String(format: " of %.1f", Double(expected) / 1_048_576) : ""
            FileHandle.standardError.write(Data(String(format: "\rdownloading %@: %.1f%@ MiB", source, received, total).utf8))
        }
        if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        if let error = outcome.error {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
    }

    /// The answer to a request, handed from URLSession's queue to the waiting caller.
    private final class Answer: @unchecked Sendable {
        var response: HTTPResponse?
        var error: String?
    }

    public func send(_ request: HTTPRequest) throws -> HTTPResponse {
        var urlRequest = URLRequest(url: request.url, timeoutInterval: 60)
        urlRequest.httpMethod = request.method
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        if !request.body.isEmpty { urlRequest.httpBody = Data(request.body) }
        let answer = Answer()
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: urlRequest) { data, response, error in
            if let error {
                answer.error = error.localizedDescription
            } else if let http = response as? HTTPURLResponse {
                answer.response = HTTPResponse(status: http.statusCode, body: [UInt8](data ?? Data()))
            } else {
                answer.error = "no HTTP response"
            }
            done.signal()
        }.resume()
        done.wait()
        guard let response = answer.response else {
            // The caller names the server (without credentials): the message says what happened.
            throw MSRError(.missingInput, "no answer (\(answer.error ?? "unknown error"))")
        }
        return response
    }
}
