import Foundation

/// Writes artifacts all at once or not at all: to a temporary file in the same folder, then
/// renamed over the target, so a reader (or DVC) never sees half a file.
public enum AtomicFile {
    /// Writes `bytes` to `path`, creating the parent folders.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        try bytes.withUnsafeBufferPointer { try write(UnsafeRawBufferPointer($0), to: path) }
    }

    /// Writes a string's UTF-8 to `path`.
    public static func write(_ text: String, to path: String) throws {
        try write(Array(text.utf8), to: path)
    }

    public static func write(_ buffer: UnsafeRawBufferPointer, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw MSRError(.io, "\(path): cannot create the folder \(folder)")
        }
        let temporary = "\(folder)/.\(url.lastPathComponent).tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw ioError(path, "cannot create a temporary file") }
        var offset = 0
        while offset < buffer.count {
            let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                let error = ioError(path, "cannot write")
                close(descriptor)
                unlink(temporary)
                throw error
            }
            offset += written
        }
        guard close(descriptor) == 0 else {
            let error = ioError(path, "cannot write")
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let error = ioError(path, "cannot rename the temporary file into place")
            unlink(temporary)
            throw error
        }
    }

    /// Moves a finished file (a download) over `path` in one rename; both in the same folder.
    public static func move(_ source: String, to path: String) throws {
        guard rename(source, path) == 0 else {
            let error = ioError(path, "cannot move \(source) into place")
            unlink(source)
            throw error
        }
    }

    static func ioError(_ path: String, _ what: String) -> MSRError {
        MSRError(.io, "\(path): \(what): \(String(cString: strerror(errno)))")
    }
}
