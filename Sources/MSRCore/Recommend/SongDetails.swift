/// What msr-predict shows of a song besides its id: its name, artists and album when the song
/// index carries them (schema.yaml's descriptive columns `track_name`, `artists`,
/// `album_name`, as the Kaggle dataset has them), and its open.spotify.com link.
public struct SongDetails: Sendable, Equatable {
    /// The descriptive column shown as each field.
    public static let nameColumn = "track_name", artistsColumn = "artists", albumColumn = "album_name"

    /// `nil` when unknown (no such column, or an empty value).
    public var name: String?
    public var artists: String?
    public var album: String?
    /// `https://open.spotify.com/track/<id>` (`Playlist.link`); `nil` for an id that is no
    /// Spotify track id.
    public var url: String?

    public init(name: String? = nil, artists: String? = nil, album: String? = nil, url: String?) {
        self.name = name
        self.artists = artists
        self.album = album
        self.url = url
    }

    /// `name — artists`, either alone when the other is unknown, or `nil` when both are.
    public var title: String? {
        switch (name, artists) {
        case let (name?, artists?): return "\(name) — \(artists)"
        case let (name?, nil): return name
        case let (nil, artists?): return artists
        case (nil, nil): return nil
        }
    }

    /// The known descriptive fields as JSON members: `name`, `artists`, `album`, each when known
    /// (`url` is the output object's own, from `Playlist.link`).
    public var jsonMembers: [String: JSONValue] {
        var members: [String: JSONValue] = [:]
        if let name { members["name"] = .string(name) }
        if let artists { members["artists"] = .string(artists) }
        if let album { members["album"] = .string(album) }
        return members
    }
}

extension SongIndex {
    /// Song `row`'s details.
    public func details(_ row: Int) -> SongDetails {
        SongDetails.Columns(self).details(row)
    }
}

extension SongDetails {
    /// A song index's descriptive columns that details show, found once for many songs.
    struct Columns {
        let catalog: SongIndex
        let name: MappedText?, artists: MappedText?, album: MappedText?

        init(_ catalog: SongIndex) {
            func column(_ name: String) -> MappedText? { catalog.descriptive.first { $0.name == name }?.values }
            self.catalog = catalog
            (name, artists, album) = (column(SongDetails.nameColumn), column(SongDetails.artistsColumn), column(SongDetails.albumColumn))
        }

        /// Song `row`'s details.
        func details(_ row: Int) -> SongDetails {
            let (name, artists, album) = texts(row)
            return SongDetails(name: name, artists: artists, album: album, url: Playlist.link(catalog.uris[row]))
        }

        /// Song `row`'s descriptive texts, without its link.
        func texts(_ row: Int) -> (name: String?, artists: String?, album: String?) {
            func value(_ values: MappedText?) -> String? {
                guard let values, !values.isEmpty(row) else { return nil }
                return values[row]
            }
            return (value(name), value(artists), value(album))
        }
    }
}

extension Recommender.Result {
    /// `json` with each recommendation's name, artists and album, when known, from `catalog`
    /// (the song index it came from), and `model_version` when given (the service's answer).
    public func json(details catalog: SongIndex, modelVersion: String? = nil) -> JSONValue {
        guard case .object(var members) = json, case .array(let picksJSON)? = members["recommendations"] else { return json }
        let columns = SongDetails.Columns(catalog)
        members["recommendations"] = .array(zip(picks, picksJSON).map { pick, value in
            guard case .object(let fields) = value else { return value }
            return .object(fields.merging(columns.details(pick.row).jsonMembers) { _, new in new })
        })
        if let modelVersion { members["model_version"] = .string(modelVersion) }
        return .object(members)
    }
}

extension Recommender.Result {
    /// `json(details:modelVersion:)` written compactly: the same bytes as that value's
    /// `compact()`, written straight (keys in sorted order) instead of through a tree of values,
    /// as the service answers every request with it.
    /// Each pick's link is its row's (`details(row).url`): a pick's uri is its row's, as the
    /// recommender makes them.
    public func compactJSON(details catalog: SongIndex, modelVersion: String? = nil) -> [UInt8] {
        var out = JSONBytes(capacity: 1024 + 256 * picks.count)
        out.beginObject()
        out.key("genre_probabilities")
        out.beginObject()
        for genre in probabilities.keys.sorted() {
            out.key(escaping: genre)
            out.double(probabilities[genre]!)
        }
        out.endObject()
        out.member("method", method.rawValue)
        out.member("model_version", modelVersion)
        out.key("playlist")
        out.beginObject()
        out.key("known_tracks")
        out.int(knownTracks)
        out.member("name", playlist.name)
        if let pid = playlist.pid {
            out.key("pid")
            out.int(pid)
        }
        out.key("tracks")
        out.int(playlist.tracks.count)
        out.endObject()
        out.member("predicted_genre", genre)
        out.key("recommendations")
        out.beginArray()
        let columns = SongDetails.Columns(catalog)
        for pick in picks {
            let details = columns.texts(pick.row)
            out.beginObject()
            out.member("album", details.album)
            out.member("artists", details.artists)
            out.member("genre", pick.genre)
            out.member("name", details.name)
            out.key("score")
            out.double(pick.score)
            out.member("source", pick.source.rawValue)
            out.member("uri", pick.uri)
            if TrackIDForm.spotify.accepts(pick.uri) {  // `Playlist.link(pick.uri)`: the pick's uri is its row's
                out.key("url")
                out.string(Playlist.linkPrefix, pick.uri)
            }
            out.endObject()
        }
        out.endArray()
        out.key("similarity")
        out.double(similarity)
        out.key("unknown_tracks")
        out.beginArray()
        for track in unknownTracks { out.string(track) }
        out.endArray()
        out.endObject()
        return out.bytes
    }
}
