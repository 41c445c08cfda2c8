import Foundation
import MSRCore
import ZIPFoundation

/// The message of the `MSRError` the body throws, "no error" when it throws none.
public func errorMessage(_ body: () throws -> Void) -> String {
    do {
        try body()
        return "no error"
    } catch let error as MSRError {
        return error.message
    } catch {
        return "\(error)"
    }
}

/// A fresh temporary folder, removed after the body.
public func withTemporaryFolder<T>(_ body: (String) throws -> T) rethrows -> T {
    let folder = NSTemporaryDirectory() + "msr-test-\(UUID().uuidString)"
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    return try body(folder)
}

/// `withTemporaryFolder` for an async body.
public func withTemporaryFolderAsync<T>(_ body: (String) async throws -> T) async rethrows -> T {
    let folder = NSTemporaryDirectory() + "msr-test-\(UUID().uuidString)"
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    return try await body(folder)
}

/// The message of the error loading `text` from a file named `name` throws; the temporary
/// path is replaced by `name` in the message.
public func loadError(_ text: String, as name: String, _ load: (String) throws -> Void) -> String {
    withTemporaryFolder { folder in
        let path = "\(folder)/\(name)"
        try? Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return errorMessage { try load(path) }.replacingOccurrences(of: path, with: name)
    }
}

/// Writes a zip archive holding `entries` (name, text), deflated.
public func makeZip(at path: String, _ entries: [(name: String, text: String)]) throws {
    try? FileManager.default.removeItem(atPath: path)
    let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
    for (name, text) in entries {
        let data = Data(text.utf8)
        try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count),
                             compressionMethod: .deflate) { position, size in
            data.subdata(in: Int(position)..<Int(position) + size)
        }
    }
}

/// Where the tests find the repository and the built executables.
public enum TestPaths {
    /// The repository's root folder.
    public static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    /// The folder of the built executables (beside the test bundle).
    public static let binaries: String = {
        var url = Bundle.main.bundleURL
        for _ in 0..<3 {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("msr-ingest").path) { return url.path }
            url = url.deletingLastPathComponent()
        }
        return Bundle.main.bundleURL.path
    }()
}
