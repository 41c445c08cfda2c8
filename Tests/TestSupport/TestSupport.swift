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

/// A zip archive written byte by byte, for the reader's edge cases a zip library will not write:
/// each entry stored (not deflated) with `method` and `flags` as given, the whole in the ZIP64
/// form (sizes and offsets in extra fields, a ZIP64 end record) when `zip64` is set.
public func storedZip(_ entries: [(name: String, text: String)], method: UInt16 = 0, flags: UInt16 = 0x800,
                      zip64: Bool = false) -> [UInt8] {
    var file: [UInt8] = []
    var directory: [UInt8] = []
    func put<T: FixedWidthInteger>(_ value: T, _ bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
    let all: UInt32 = 0xFFFF_FFFF
    for (name, text) in entries {
        let data = Data(text.utf8)
        let crc = data.crc32(checksum: 0)
        let offset = file.count
        put(UInt32(0x0403_4b50), &file); put(UInt16(zip64 ? 45 : 20), &file); put(flags, &file); put(method, &file)
        put(UInt32(0), &file); put(crc, &file)
        put(zip64 ? all : UInt32(data.count), &file); put(zip64 ? all : UInt32(data.count), &file)
        put(UInt16(name.utf8.count), &file); put(UInt16(zip64 ? 20 : 0), &file)
        file += Array(name.utf8)
        if zip64 { put(UInt16(1), &file); put(UInt16(16), &file); put(UInt64(data.count), &file); put(UInt64(data.count), &file) }
        file += Array(data)

        put(UInt32(0x0201_4b50), &directory); put(UInt16(0x031E), &directory); put(UInt16(zip64 ? 45 : 20), &directory)
        put(flags, &directory); put(method, &directory); put(UInt32(0), &directory); put(crc, &directory)
        put(zip64 ? all : UInt32(data.count), &directory); put(zip64 ? all : UInt32(data.count), &directory)
        put(UInt16(name.utf8.count), &directory); put(UInt16(zip64 ? 28 : 0), &directory)
        put(UInt16(0), &directory); put(UInt16(0), &directory); put(UInt16(0), &directory)
        put(UInt32(0o100644) << 16, &directory); put(zip64 ? all : UInt32(offset), &directory)
        directory += Array(name.utf8)
        if zip64 {
            put(UInt16(1), &directory); put(UInt16(24), &directory)
            put(UInt64(data.count), &directory); put(UInt64(data.count), &directory); put(UInt64(offset), &directory)
        }
    }
    let directoryOffset = file.count
    file += directory
    if zip64 {
        let record = file.count
        put(UInt32(0x0606_4b50), &file); put(UInt64(44), &file); put(UInt16(45), &file); put(UInt16(45), &file)
        put(UInt32(0), &file); put(UInt32(0), &file)
        put(UInt64(entries.count), &file); put(UInt64(entries.count), &file)
        put(UInt64(directory.count), &file); put(UInt64(directoryOffset), &file)
        put(UInt32(0x0706_4b50), &file); put(UInt32(0), &file); put(UInt64(record), &file); put(UInt32(1), &file)
    }
    put(UInt32(0x0605_4b50), &file); put(UInt16(0), &file); put(UInt16(0), &file)
    put(zip64 ? UInt16.max : UInt16(entries.count), &file); put(zip64 ? UInt16.max : UInt16(entries.count), &file)
    put(zip64 ? all : UInt32(directory.count), &file); put(zip64 ? all : UInt32(directoryOffset), &file)
    put(UInt16(0), &file)
    return file
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
