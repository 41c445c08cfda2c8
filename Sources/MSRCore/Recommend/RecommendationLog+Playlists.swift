import FoundationEssentials
import Glibc

extension RecommendationLog {
    /// The playlists the log holds (`tracks` of each line), for msr-factorize.
    public typealias Playlists = Lines<[String]>

    /// The playlists of the lines that have `tracks`, in log order. Lines without it (written
    /// before msr logged tracks, or by `--similar-to`) are passed over; a line that cannot be
    /// read (cut by a killed process, garbage, a track that is not an id) is skipped and
    /// counted, as msr-monitor does, so the log never blocks a stage. No log yet is none.
    public func playlists() throws -> Playlists {
        try readLines { try Self.tracks($0) }
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
