import Foundation

/// Reads the playlist formats msr-predict accepts (DESIGN.md): a Million Playlist Dataset
/// playlist (`{"name", "pid", "tracks": [{"track_uri", ...}]}`) or slice (`{"info",
/// "playlists": [...]}`), a Spotify Web API playlist object (`tracks.items[].track.uri`), or a
/// plain array of track ids, `spotify:track:` URIs or open.spotify.com track URLs. A track object
/// may carry audio features inline under the schema's feature names.
///
/// Errors name the file and the JSON path of what is wrong (`tracks[3].track_uri: expected ...`).
public struct PlaylistReader {
    public let file: String
    /// Feature names read inline from track objects.
    public let featureNames: [String]

    public init(file: String, featureNames: [String]) {
        self.file = file
        self.featureNames = featureNames
    }

    /// Reads every playlist in the file.
    public func read() throws -> [Playlist] {
        try parse(FileBytes.read(file, what: "playlist file"))
    }

    public func parse(_ bytes: [UInt8]) throws -> [Playlist] {
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            throw MSRError.badData(file: file, "not valid JSON (\(Self.reason(error)))")
        }
        if let list = root as? [Any] {
            return [Playlist(tracks: try list.enumerated().map { try track($1, path: "[\($0)]") })]
        }
        guard let object = root as? [String: Any] else {
            throw fail("", "expected a playlist object or an array of tracks")
        }
        if let playlists = object["playlists"] {
            guard let list = playlists as? [Any] else { throw fail("playlists", "expected a list of playlists") }
            return try list.enumerated().map { index, value in
                guard let playlist = value as? [String: Any] else { throw fail("playlists[\(index)]", "expected a playlist object") }
                return try mpdPlaylist(playlist, path: "playlists[\(index)]")
            }
        }
        if let tracks = object["tracks"] as? [String: Any], tracks["items"] != nil {
            return [try webAPIPlaylist(object, tracks: tracks)]
        }
        if object["tracks"] != nil { return [try mpdPlaylist(object, path: "")] }
        throw fail("", "expected \"tracks\" (a playlist), \"playlists\" (a Million Playlist Dataset slice), or an array of tracks")
    }

    private func mpdPlaylist(_ object: [String: Any], path: String) throws -> Playlist {
        let prefix = path.isEmpty ? "" : path + "."
        guard let tracks = object["tracks"] as? [Any] else { throw fail(prefix + "tracks", "expected a list of tracks") }
        return Playlist(name: object["name"] as? String, pid: (object["pid"] as? NSNumber)?.intValue,
                        tracks: try tracks.enumerated().map { try track($1, path: "\(prefix)tracks[\($0)]") })
    }

    private func webAPIPlaylist(_ object: [String: Any], tracks: [String: Any]) throws -> Playlist {
        guard let items = tracks["items"] as? [Any] else { throw fail("tracks.items", "expected a list") }
        let parsed = try items.enumerated().map { index, item -> Playlist.Track in
            guard let entry = item as? [String: Any], let inner = entry["track"] else {
                throw fail("tracks.items[\(index)]", "expected an object with a \"track\"")
            }
            return try track(inner, path: "tracks.items[\(index)].track")
        }
        return Playlist(name: object["name"] as? String, tracks: parsed)
    }

    /// One track: a string, or an object with `track_uri`, `uri`, `id` or `track_id`, and
    /// optionally inline features.
    private func track(_ value: Any, path: String) throws -> Playlist.Track {
        if let text = value as? String {
            guard let id = Playlist.trackID(text) else { throw expectedTrack(path, text) }
            return Playlist.Track(id: id, given: text)
        }
        guard let object = value as? [String: Any] else { throw fail(path, "expected a track id, URI, URL or object") }
        guard let key = ["track_uri", "uri", "id", "track_id"].first(where: { object[$0] is String }),
              let text = object[key] as? String else {
            throw fail(path, "expected one of track_uri, uri, id, track_id")
        }
        guard let id = Playlist.trackID(text) else { throw expectedTrack("\(path).\(key)", text) }
        var features: [String: Double] = [:]
        for name in featureNames {
            guard let raw = object[name] else { continue }
            guard !Self.isBoolean(raw), let number = raw as? NSNumber, number.doubleValue.isFinite else {
                let shown = Self.isBoolean(raw) ? ((raw as? NSNumber)?.boolValue == true ? "true" : "false") : "\(raw)"
                throw fail("\(path).\(name)", "expected a number, got \(shown)")
            }
            features[name] = number.doubleValue
        }
        return Playlist.Track(id: id, given: text, features: features)
    }

    private func expectedTrack(_ path: String, _ text: String) -> MSRError {
        fail(path, "expected a Spotify track id, spotify:track: URI or open.spotify.com track URL, got \"\(text)\"")
    }

    private func fail(_ path: String, _ message: String) -> MSRError {
        MSRError.badData(file: file, (path.isEmpty ? "" : path + ": ") + message)
    }

    /// Whether a JSONSerialization value was `true` or `false` (on Linux a JSON 0 or 1 also
    /// answers `is Bool`; only the boolean's own class tells them apart).
    static func isBoolean(_ value: Any) -> Bool {
        type(of: value as AnyObject) == type(of: NSNumber(value: true) as AnyObject)
    }

    private static func reason(_ error: Error) -> String {
        let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
        return text.split(separator: "\n").first.map(String.init) ?? text
    }
}
