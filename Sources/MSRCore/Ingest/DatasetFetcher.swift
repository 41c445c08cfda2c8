import Foundation

/// Brings the dataset archive to its local path from an http(s):// URL, a file:// URL or a path.
///
/// The copy lands in a temporary file beside the target and is renamed into place only when
/// complete, so an interrupted download never leaves a partial archive.
public enum DatasetFetcher {
    /// Copies `source` to `destination`, or downloads it through `http`.
    public static func fetch(_ source: String, to destination: String, http: any HTTPClient) throws {
        let folder = URL(fileURLWithPath: destination).deletingLastPathComponent().path
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let temporary = "\(folder)/.\(URL(fileURLWithPath: destination).lastPathComponent).download-\(getpid())"
        if source.hasPrefix("http://") || source.hasPrefix("https://") {
            guard let url = URL(string: source) else {
                throw MSRError(.badData, "data_ingestion.source_url: '\(source)' is not a valid URL")
            }
            try http.download(url, to: temporary)
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
}
