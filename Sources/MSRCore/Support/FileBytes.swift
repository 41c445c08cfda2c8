import FoundationEssentials
import Glibc

/// Reads whole files straight into `[UInt8]`, with no intermediate `Data` copy.
public enum FileBytes {
    /// The bytes of the file at `path`; `what` names it in the missing-file error.
    /// A file larger than `maxBytes` is refused before it is read.
    public static func read(_ path: String, what: String, maxBytes: Int = .max) throws -> [UInt8] {
        let (descriptor, size) = try openRegular(path, what: what)
        defer { close(descriptor) }
        guard size <= maxBytes else { throw tooLarge(path, what: what, maxBytes: maxBytes) }
        return try read(descriptor, count: size, at: 0, path: path)
    }

    /// `count` bytes of the regular file open as `descriptor` from `offset` on (the errors of
    /// `read(_:into:at:path:)`).
    static func read(_ descriptor: Int32, count: Int, at offset: Int, path: String) throws -> [UInt8] {
        var failure: (any Error)?
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            do {
                try read(descriptor, into: UnsafeMutableRawBufferPointer(buffer), at: offset, path: path)
                initialized = count
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return bytes
    }

    /// Fills `buffer` with the bytes of the regular file open as `descriptor` from `offset` on;
    /// `path` names it in the errors (an I/O error, or a file that ends before the buffer does:
    /// it shrank since its size was taken).
    static func read(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int, path: String) throws {
        var filled = 0
        while filled < buffer.count {
            let got = pread(descriptor, buffer.baseAddress! + filled, buffer.count - filled, off_t(offset + filled))
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else {
                throw got < 0 ? AtomicFile.ioError(path, "cannot read the file")
                              : MSRError(.io, "\(path): the file shrank while being read")
            }
            filled += got
        }
    }

    /// Every byte of standard input, to its end; `what` names what was being read in the errors.
    /// More than `maxBytes` is refused as soon as it is read past (an endless stream included). A
    /// non-blocking standard input (left so by the program that started msr) is waited on.
    public static func readStandardInput(what: String, maxBytes: Int = .max) throws -> [UInt8] {
        try readAll(0, name: "stdin", what: what, maxBytes: maxBytes)
    }

    /// `readStandardInput` of any descriptor (a pipe, in the tests), named `name` in the errors.
    static func readAll(_ descriptor: Int32, name: String, what: String, maxBytes: Int) throws -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let got = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress!, $0.count) }
            if got < 0 && errno == EINTR { continue }
            if got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                var ready = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                _ = poll(&ready, 1, -1)
                continue
            }
            guard got >= 0 else { throw MSRError(.io, "\(name): cannot read \(what) (\(String(cString: strerror(errno))))") }
            if got == 0 { return bytes }
            guard bytes.count + got <= maxBytes else { throw tooLarge(name, what: what, maxBytes: maxBytes) }
            bytes.append(contentsOf: chunk[..<got])
        }
    }

    /// The error for an input past its size limit.
    static func tooLarge(_ name: String, what: String, maxBytes: Int) -> MSRError {
        MSRError(.badData, "\(name): more than \(maxBytes >> 20) MiB, the most read as one \(what): split it")
    }

    /// Runs `body` on the file's bytes mapped read-only (and pre-faulted) into memory: no copy
    /// into a buffer of our own, which halves the cost of loading a model. The bytes are valid
    /// only during `body`.
    public static func withMapped<T>(_ path: String, what: String, _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T {
        let (descriptor, size) = try openRegular(path, what: what)
        defer { close(descriptor) }
        guard size > 0 else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        #if os(Linux)
        let flags = MAP_PRIVATE | MAP_POPULATE
        #else
        let flags = MAP_PRIVATE
        #endif
        let address = mmap(nil, size, PROT_READ, flags, descriptor, 0)
        guard let address, address != MAP_FAILED else { throw AtomicFile.ioError(path, "cannot map the file") }
        defer { munmap(address, size) }
        return try body(UnsafeRawBufferPointer(start: address, count: size))
    }

    /// An open descriptor of a regular file and its size; the caller closes it.
    ///
    /// Opened without blocking, so that a FIFO given as an input is refused instead of waiting
    /// for a writer forever.
    static func openRegular(_ path: String, what: String) throws -> (descriptor: Int32, size: Int) {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw errno == ENOENT ? MSRError.missing(path, what) : AtomicFile.ioError(path, "cannot open the file")
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw MSRError(.missingInput, "\(path): is \(FileKind.describe(info)), not a regular file (expected a \(what))")
        }
        return (descriptor, Int(info.st_size))
    }
}
