import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Brings the dataset archive to its local path from an http(s):// URL, a file:// URL or a path.
///
/// The copy lands in a temporary file beside the target and is renamed into place only when
/// complete, so an interrupted download never leaves a partial archive.
public enum DatasetFetcher {
    /// Copies or downloads `source` to `destination`.
    public static func fetch(_ source: String, to destination: String) throws {
        let folder = URL(fileURLWithPath: destination).deletingLastPathComponent().path
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let temporary = "\(folder)/.\(URL(fileURLWithPath: destination).lastPathComponent).download-\(getpid())"
        if source.hasPrefix("http://") || source.hasPrefix("https://") {
            guard let url = URL(string: source) else {
                throw MSRError(.badData, "data_ingestion.source_url: '\(source)' is not a valid URL")
            }
            try download(url, to: temporary)
        } else {
            let path = source.hasPrefix("file://") ? (URL(string: source)?.path ?? "") : source
            guard FileManager.default.fileExists(atPath: path) else {
                throw MSRError.missing(path, "dataset (data_ingestion.source_url)")
            }
            try? FileManager.default.removeItem(atPath: temporary)
            do {
                try FileManager.default.copyItem(atPath: path, toPath: temporary)
            } catch {
                try? FileManager.default.removeItem(atPath: temporary)
                throw MSRError(.io, "\(path): cannot copy to \(destination): \(error.localizedDescription)")
            }
        }
        try AtomicFile.move(temporary, to: destination)
    }

    /// The outcome of a download, handed from URLSession's queue to the waiting caller.
    private final class Outcome: @unchecked Sendable {
        var error: MSRError?
    }

    private static func download(_ url: URL, to temporary: String) throws {
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
}
