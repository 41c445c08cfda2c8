import Foundation
import MSRCore

/// Recommending for a signed-in user, shared by `POST /v1/recommendations` and the page: the
/// playlist read from any format msr-predict reads (or pasted ids and URLs), the per-user
/// limit, the user's already-seen songs left out on request, the answer logged to the
/// recommendations log msr-monitor reads and kept in the user's history.
struct Recommendations {
    let state: ServiceState

    /// The most tracks a pasted list may hold.
    static let maxPastedTracks = 10_000

    /// The playlist a request names: a JSON playlist (MPD playlist or one-playlist slice, or
    /// `pid` to pick one of a slice's, Web API object, array of tracks), or a string of track
    /// ids, URIs or URLs separated by spaces, commas or new lines. Errors are 422 naming the
    /// JSON path under `playlist`.
    func playlist(_ value: JSONValue, pid: Int?) throws -> Playlist {
        if case .string(let text) = value { return try pasted(text) }
        do {
            return try choose(try reader.playlists(value), pid: pid)
        } catch let error as MSRError {
            throw APIError.from(error, field: "playlist")
        }
    }

    /// Reads playlists as JSON values, naming the request field `playlist` in errors.
    let reader: PlaylistReader

    init(state: ServiceState) {
        self.state = state
        reader = PlaylistReader(file: "playlist", features: state.schema.features, schemaFile: state.config.schema)
    }

    /// A request body whose `playlist` is a playlist JSON that `PlaylistReader.scanBody` reads
    /// (the playlists `playlist(_:pid:)` would read, before its `pid` check: `choose`); nil for
    /// any other body.
    func scan(_ bytes: [UInt8]) -> PlaylistBody? {
        reader.scanBody(bytes, playlistKey: "playlist")
    }

    /// The one playlist of `playlists` (a slice's playlists, by `pid` when given).
    func choose(_ playlists: [Playlist], pid: Int?) throws -> Playlist {
        var playlists = playlists
        if let pid {
            playlists = playlists.filter { $0.pid == pid }
            guard !playlists.isEmpty else { throw APIError.unprocessable("pid", "no playlist with pid \(pid) in the slice") }
        }
        guard playlists.count == 1 else {
            throw APIError.unprocessable("playlist.playlists", "the slice holds \(playlists.count) playlists: give the pid of one")
        }
        return playlists[0]
    }

    private func pasted(_ text: String) throws -> Playlist {
        // Any white space (a browser sends a text area's lines ending in "\r\n", one Character),
        // commas and semicolons.
        let separators: (Character) -> Bool = { $0.isWhitespace || $0 == "," || $0 == ";" }
        let items = text.split(whereSeparator: separators)
        guard !items.isEmpty else { throw APIError.unprocessable("playlist", "expected track ids, spotify:track: URIs or open.spotify.com track URLs, got nothing") }
        guard items.count <= Self.maxPastedTracks else {
            throw APIError.unprocessable("playlist", "expected at most \(Self.maxPastedTracks) tracks, got \(items.count)")
        }
        var tracks: [Playlist.Track] = []
        for (index, item) in items.enumerated() {
            let given = String(item)
            guard let id = Playlist.trackID(given) else {
                let hint = given.contains("/playlist/") ? " (a playlist URL needs Spotify's API: paste its track links or ids)" : ""
                throw APIError.unprocessable("playlist[\(index)]", "expected a Spotify track id, spotify:track: URI or open.spotify.com "
                                             + "track URL, got \(MessageText.quoted(given, limit: 80))\(hint)")
            }
            tracks.append(Playlist.Track(id: id, given: given))
        }
        return Playlist(tracks: tracks)
    }

    /// The method a request names (`content`, `cf` or `hybrid`; nil or empty: the models'
    /// standard one), refused (422 naming `field`) when unknown or when it needs the factors and
    /// the service runs without them.
    static func method(_ name: String?, models: ModelStore.Models, field: String = "method") throws -> RecommendMethod {
        guard let name, !name.isEmpty else { return models.standardMethod }
        guard let method = RecommendMethod(rawValue: name) else {
            throw APIError.unprocessable(field, "expected one of " + RecommendMethod.allCases.map(\.rawValue).joined(separator: ", ")
                                         + ", got " + MessageText.quoted(name, limit: 40))
        }
        guard method == .content || models.recommender.collaborative != nil else {
            throw APIError.unprocessable(field, "the \(method.rawValue) method needs the track factors, which the service has not "
                                         + "loaded (run msr-factorize, then reload the models)")
        }
        return method
    }

    /// Recommends for the user by `method` (nil: the standard one), under their per-minute
    /// limit; logs and records the answer.
    func recommend(_ playlist: Playlist, k: Int, method: String?, excludeSeen: Bool, user: User) async throws -> (result: JSONValue, models: ModelStore.Models) {
        let answer = try await answer(playlist, k: k, method: method, excludeSeen: excludeSeen, user: user)
        return (answer.result.json(details: answer.models.recommender.catalog, modelVersion: answer.models.version), answer.models)
    }

    /// `recommend`'s answer as the API sends it: compact JSON bytes, serialised once for the
    /// response and the history.
    func recommendBytes(_ playlist: Playlist, k: Int, method: String?, excludeSeen: Bool, user: User) async throws -> [UInt8] {
        try await answer(playlist, k: k, method: method, excludeSeen: excludeSeen, user: user).bytes
    }

    private func answer(_ playlist: Playlist, k: Int, method name: String?, excludeSeen: Bool, user: User)
        async throws -> (result: Recommender.Result, bytes: [UInt8], models: ModelStore.Models) {
        if let wait = state.recommendationLimiter.take("user:\(user.id)") {
            throw APIError.tooManyRequests("recommendations for this user", retryAfter: wait)
        }
        guard let models = state.models.models else { throw APIError(.serviceUnavailable, "not_ready", "the models are not loaded") }
        let method = try Self.method(name, models: models)
        guard excludeSeen else { return try answer(playlist, k: k, method: method, excluding: [], models: models, user: user) }
        // The seen songs read and the new ones recorded before the user's next such request reads
        // them: two at once would otherwise both pick songs neither had seen.
        return try await state.seenSongs.run(user.id) {
            let excluded = try await state.database.seen(userID: user.id).compactMap { models.recommender.row(of: $0) }
            return try answer(playlist, k: k, method: method, excluding: excluded, models: models, user: user)
        }
    }

    /// The answer without `excluding` (catalogue rows), logged and recorded.
    private func answer(_ playlist: Playlist, k: Int, method: RecommendMethod, excluding excluded: [Int],
                        models: ModelStore.Models, user: User) throws
        -> (result: Recommender.Result, bytes: [UInt8], models: ModelStore.Models) {
        let recommender = models.recommender
        let result: Recommender.Result
        do {
            result = try recommender.recommend(playlist, k: k, method: method, hybrid: models.hybrid, excluding: excluded)
        } catch let error as MSRError {
            throw APIError.from(error, field: "playlist")
        }
        let bytes = result.compactJSON(details: recommender.catalog, modelVersion: models.version)
        try state.recommendationLog.append([result], user: user.name)
        state.database.recordRecommendation(userID: user.id, result: .record(result.answerRecord(details: recommender.catalog,
                                                                                                  modelVersion: models.version)))
        state.metrics.recommendations.increment()
        return (result, bytes, models)
    }
}
