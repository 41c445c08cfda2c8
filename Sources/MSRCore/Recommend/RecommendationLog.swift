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
        if let bad = results.first(where: { !$0.similarity.isFinite }) {
            throw MSRError(.badData, "\(Recommender.name(bad.playlist)): its similarity is not a finite number: nothing logged (\(path))")
        }
        let time = utcTimestamp(date)
        var bytes: [UInt8] = []
        for result in results {
            var record: [String: JSONValue] = [
                "time": .string(time),
                "predicted_genre": .string(result.genre),
                "similarity": .double(result.similarity),
                "recommendations": .array(result.picks.map { .string($0.uri) }),
            ]
            if let pid = result.playlist.pid { record["pid"] = .int(pid) }
            if let name = result.playlist.name { record["name"] = .string(name) }
            if let user { record["user"] = .string(user) }
            if playlists { record["tracks"] = .array(result.playlist.tracks.map { .string($0.id) }) }
            bytes += Array(JSONValue.object(record).compact().utf8)
            bytes.append(UInt8(ascii: "\n"))
        }
        try write(bytes)
    }

    private func write(_ bytes: [UInt8]) throws {
        var descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        if descriptor < 0, errno == ENOENT {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        }
        guard descriptor >= 0 else { throw AtomicFile.ioError(path, "cannot open the recommendations log (prediction.log)") }
        defer { close(descriptor) }
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress!, $0.count) }
        guard written == bytes.count else { throw AtomicFile.ioError(path, "cannot append to the recommendations log (prediction.log)") }
    }
}
