import FoundationEssentials
import Glibc

/// The recommendations log (`prediction.log`): one JSON line per recommended playlist, appended
/// by msr-predict and msr-serve and read by msr-monitor and, for the playlists' tracks, by
/// msr-factorize.
public struct RecommendationLog: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// Appends one JSON line per result in a single write with O_APPEND, so concurrent writers
    /// (processes or threads) never interleave within a line. `user` names the service's user
    /// who asked. Each line holds the playlist's track ids in order (`tracks`), which make it a
    /// training playlist of msr-factorize, unless `playlists` is false (a `--similar-to` query is
    /// no one's playlist). A result without a finite similarity refuses the whole call:
    /// msr-monitor could not use its line.
    public func append(_ results: [Recommender.Result], user: String? = nil, date: Date = Date(), playlists: Bool = true) throws {
        let bytes = try lines(results, user: user, date: date, playlists: playlists)
        let (descriptor, _) = try openForAppending()
        defer { close(descriptor) }
        try write(bytes, to: descriptor)
    }

    /// The lines `append` writes for `results`.
    public func lines(_ results: [Recommender.Result], user: String? = nil, date: Date = Date(), playlists: Bool = true) throws -> [UInt8] {
        if let bad = results.first(where: { !$0.similarity.isFinite }) {
            throw MSRError(.badData, "\(Recommender.name(bad.playlist)): its similarity is not a finite number: nothing logged (\(path))")
        }
        let time = utcTimestamp(date)
        var out = JSONBytes(capacity: 1024 * results.count)
        for result in results {
            // Keys in sorted order, as `JSONValue.compact` writes them.
            out.beginObject()
            out.member("name", result.playlist.name)
            if let pid = result.playlist.pid {
                out.key("pid")
                out.int(pid)
            }
            out.member("predicted_genre", result.genre)
            out.key("recommendations")
            out.beginArray()
            for pick in result.picks { out.string(pick.uri) }
            out.endArray()
            out.key("similarity")
            out.double(result.similarity)
            out.member("time", time)
            if playlists {
                out.key("tracks")
                out.beginArray()
                for track in result.playlist.tracks { out.string(track.id) }
                out.endArray()
            }
            out.member("user", user)
            out.endObject()
            out.newline()
        }
        return out.bytes
    }

    /// The log opened for appending (O_APPEND; made, with its folder, when absent), and what it
    /// is (`fstat`); the caller closes the descriptor. Opened without blocking, so that a FIFO
    /// at the path is refused instead of waiting for a reader forever; anything but a regular
    /// file (a FIFO, a device, a directory) is refused, naming what it is.
    public func openForAppending() throws -> (descriptor: Int32, info: stat) {
        let flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NONBLOCK
        var descriptor = open(path, flags, 0o644)
        if descriptor < 0, errno == ENOENT {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            descriptor = open(path, flags, 0o644)
        }
        var info = stat()
        func notRegular() -> MSRError {
            MSRError(.io, "\(path): is \(FileKind.describe(info)), not a regular file (the recommendations log, prediction.log)")
        }
        if descriptor < 0, errno == ENXIO || errno == EISDIR, stat(path, &info) == 0 { throw notRegular() }
        guard descriptor >= 0 else { throw AtomicFile.ioError(path, "cannot open the recommendations log (prediction.log)") }
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw notRegular()
        }
        return (descriptor, info)
    }

    /// Writes `bytes` (whole lines) to the log opened as `descriptor`, in one write.
    public func write(_ bytes: [UInt8], to descriptor: Int32) throws {
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress!, $0.count) }
        guard written == bytes.count else { throw AtomicFile.ioError(path, "cannot append to the recommendations log (prediction.log)") }
    }
}
