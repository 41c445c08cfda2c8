import Foundation

extension RecommendationLog {
    /// The playlists the log holds (`tracks` of each line), for msr-factorize.
    public struct Playlists: Sendable, Equatable {
        /// Each logged playlist's track ids, in order.
        public var playlists: [[String]] = []
        /// Lines that could not be read, and the first of them (`file:line: what was expected`).
        public var skipped = 0
        public var firstSkipped: String?
    }

    /// The playlists of the lines that have `tracks`, in log order. Lines without it (written
    /// before msr logged tracks, or by `--similar-to`) are passed over; a line that cannot be
    /// read (cut by a killed process, garbage, a track that is not an id) is skipped and
    /// counted, as msr-monitor does, so the log never blocks a stage. No log yet is none.
    public func playlists() throws -> Playlists {
        var info = stat()
        guard lstat(path, &info) == 0 else { return Playlists() }
        let bytes = try FileBytes.read(path, what: "recommendations log")
        var log = Playlists()
        for (n, line) in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            do {
                if let tracks = try Self.tracks(line) { log.playlists.append(tracks) }
            } catch let problem as UnreadableLine {
                log.skipped += 1
                if log.firstSkipped == nil { log.firstSkipped = MSRError.badData(file: path, line: n + 1, problem.expected).message }
            }
        }
        return log
    }

    /// Why a log line cannot be read.
    struct UnreadableLine: Error {
        var expected: String
    }

    /// A line's track ids; nil when it has none.
    static func tracks(_ line: ArraySlice<UInt8>) throws -> [String]? {
        guard case .object(let record)? = try? JSONParser.parse(Array(line)) else {
            throw UnreadableLine(expected: "expected a logged call (a JSON object)")
        }
        guard let value = record["tracks"] else { return nil }
        guard case .array(let items) = value, !items.isEmpty else {
            throw UnreadableLine(expected: "tracks: expected a list of track ids, got \(JSONFileReader.describe(value))")
        }
        return try items.enumerated().map { index, item in
            guard case .string(let text) = item, let id = Playlist.trackID(text), id == text else {
                throw UnreadableLine(expected: "tracks[\(index)]: expected a Spotify track id, got \(JSONFileReader.describe(item))")
            }
            return id
        }
    }
}
