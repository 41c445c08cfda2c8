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

    /// Downloads through a data task whose delegate writes each piece to `temporary` as it
    /// arrives and counts the bytes, so a body past `maxBytes` (a wrong URL, an endless stream) is
    /// stopped there instead of filling the disk.
    public func download(_ url: URL, to temporary: String, maxBytes: Int) throws {
        let receiver = DownloadReceiver(source: url.absoluteString, path: temporary, maxBytes: maxBytes)
        let session = URLSession(configuration: .default, delegate: receiver, delegateQueue: nil)
        // The session keeps its delegate until invalidated: invalidate once the task is over.
        defer { session.finishTasksAndInvalidate() }
        let task = session.dataTask(with: url)
        task.resume()
        // On a terminal, the bytes received so far, twice a second.
        let showProgress = isatty(STDERR_FILENO) != 0
        while receiver.done.wait(timeout: .now() + 0.5) == .timedOut {
            guard showProgress else { continue }
            let received = Double(task.countOfBytesReceived) / 1_048_576
            let expected = task.countOfBytesExpectedToReceive
            let total = expected > 0 ? String(format: " of %.1f", Double(expected) / 1_048_576) : ""
            FileHandle.standardError.write(Data(String(format: "\rdownloading %@: %.1f%@ MiB", url.absoluteString, received, total).utf8))
        }
        if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        if let error = receiver.error {
            unlink(temporary)
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

/// The delegate of one download: opens the file when a 2xx answer arrives, appends each piece,
/// and cancels the task at the first byte past the cap. URLSession calls it on its own serial
/// queue; the waiting caller reads `error` only after `done` is signalled.
private final class DownloadReceiver: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    let source: String
    let path: String
    let maxBytes: Int
    let done = DispatchSemaphore(value: 0)
    private(set) var error: MSRError?
    private var descriptor: Int32 = -1
    private var received = 0

    init(source: String, path: String, maxBytes: Int) {
        self.source = source
        self.path = path
        self.maxBytes = maxBytes
    }

    private var tooLarge: MSRError {
        MSRError(.badData, "\(source): the download exceeds \(maxBytes >> 20) MiB (data_ingestion.max_uncompressed_mb)")
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void) {
        if let http = response as? HTTPURLResponse, !(200..<300).contains(http.statusCode) {
            error = MSRError(.missingInput, "\(source): the server answered HTTP \(http.statusCode)")
            return completionHandler(.cancel)
        }
        // A declared length past the cap is refused before a byte of the body is read.
        if response.expectedContentLength > Int64(maxBytes) {
            error = tooLarge
            return completionHandler(.cancel)
        }
        descriptor = AtomicFile.createNew(path)
        guard descriptor >= 0 else {
            error = MSRError(.io, "\(path): cannot create the download file: \(String(cString: strerror(errno)))")
            return completionHandler(.cancel)
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard error == nil, descriptor >= 0 else { return }
        received += data.count
        guard received <= maxBytes else {
            error = tooLarge
            return dataTask.cancel()
        }
        let written = data.withUnsafeBytes { writeWhole($0, to: descriptor) }
        if !written {
            error = MSRError(.io, "\(path): cannot write the download: \(String(cString: strerror(errno)))")
            dataTask.cancel()
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        if let error, self.error == nil {
            self.error = MSRError(.missingInput, "\(source): download failed: \(error.localizedDescription)")
        }
        if descriptor >= 0 {
            if close(descriptor) != 0, self.error == nil {
                self.error = MSRError(.io, "\(path): cannot write the download: \(String(cString: strerror(errno)))")
            }
            descriptor = -1
        }
        done.signal()
    }
}
