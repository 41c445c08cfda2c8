import FoundationEssentials
import Glibc

/// The playlists msr-factorize learns from: every MPD slice (`*.json`) of a folder, in name
/// order, then the playlists logged in the recommendations log. Tracks are numbered in the
/// order they first appear; a playlist is kept as the numbers of its tracks.
public struct TrainingPlaylists: Sendable, Equatable {
    /// The tracks' Spotify ids, by number.
    public var uris = TextColumn()
    /// Playlist p holds `tracks[starts[p]..<starts[p + 1]]`, in its order, repeats kept.
    public var starts: [Int] = [0]
    public var tracks: [Int32] = []
    /// The slice files read, and the playlists that came from them and from the log.
    public var files = 0
    public var filePlaylists = 0
    public var loggedPlaylists = 0
    /// The log's unreadable lines, skipped (`RecommendationLog.Playlists`).
    public var skippedLines = 0
    public var firstSkipped: String?

    public var count: Int { starts.count - 1 }

    /// Reads the slices of `folder` (several files at once, at most one per core in memory) and
    /// the log at `log`. A slice that is not a valid playlist file is refused with its file and
    /// JSON path (`PlaylistReader`); an absent folder or log holds none. A playlist without
    /// tracks is left out.
    public static func read(folder: String, log: String, progress: @Sendable (String) -> Void = { _ in }) throws -> TrainingPlaylists {
        let names = try FolderListing.files(in: folder, suffix: ".json", key: "factorization.playlists_dir", unread: "nothing factorized")
        var result = TrainingPlaylists()
        var numbers = ByteStringTable()
        var next = 0
        while next < names.count {
            let batch = Array(names[next..<min(names.count, next + Parallel.width)])
            let parsed = Parallel.map(batch.count) { k in
                Result {
                    let path = "\(folder)/\(batch[k])"
                    let bytes = try FileBytes.read(path, what: "playlist file")
                    return try SliceTracks.scan(bytes) ?? SliceTracks(PlaylistReader(file: path, featureNames: []).parse(bytes))
                }
            }
            for outcome in parsed {
                let file = try outcome.get()
                let global = (0..<file.ids.count).map { Int32(numbers.insert(file.ids.keys, $0).id) }
                for p in 0..<file.starts.count - 1 where file.starts[p] < file.starts[p + 1] {
                    result.tracks.append(contentsOf: file.tracks[file.starts[p]..<file.starts[p + 1]].map { global[Int($0)] })
                    result.starts.append(result.tracks.count)
                    result.filePlaylists += 1
                }
            }
            next += batch.count
            result.files = next
            progress("\(next)/\(names.count) playlist files")
        }
        let logged = try RecommendationLog(path: log).playlists()
        for playlist in logged.values {
            for uri in playlist { result.tracks.append(Int32(numbers.insert(uri))) }
            result.starts.append(result.tracks.count)
        }
        result.uris = numbers.keys
        result.loggedPlaylists = logged.values.count
        result.skippedLines = logged.skipped
        result.firstSkipped = logged.firstSkipped
        return result
    }
}
