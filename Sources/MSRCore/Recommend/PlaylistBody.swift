/// A request body holding one playlist: a JSON object with the playlist under one key and
/// scalars (numbers, strings, booleans, null) under the others, as msr-serve's
/// `POST /v1/recommendations` takes it.
///
/// `PlaylistReader.scanBody` reads the common case, a Million Playlist Dataset playlist object
/// or an array of tracks, straight from the bytes: no JSON tree, no dictionary but the
/// scalars'. Whatever it does not read exactly as `JSONParser.parse` and
/// `PlaylistReader.playlists` would (another layout, a repeated or escaped or non-ASCII key, a
/// key that may name an inline feature, a track it cannot name, more than `maxMembers` members,
/// invalid JSON) it leaves to them, which give the same playlist or the error with its JSON
/// path; a fuzz target holds the two to the same answer.
public struct PlaylistBody: Equatable, Sendable {
    /// The playlist under the body's playlist key: `PlaylistReader.playlists`' only one.
    public var playlist: Playlist
    /// The body's other members.
    public var scalars: [String: JSONValue]
}

extension PlaylistReader {
    /// The body when `bytes` are a JSON object whose `playlistKey` member is a playlist object
    /// or an array of tracks that `scanBody` reads exactly as the general way, and whose other
    /// members are scalars; nil otherwise.
    public func scanBody(_ bytes: [UInt8], playlistKey: StaticString) -> PlaylistBody? {
        // Feature names that are not all ASCII: any key may name one.
        guard let featureKeys else { return nil }
        var parser = JSONParser(bytes: bytes)
        var playlist: Playlist?
        var scalars: [String: JSONValue] = [:]
        var keys: [Range<Int>] = []
        do {
            try parser.expectScanned(UInt8(ascii: "{"))
            try parser.members { parser, key in
                let key = try Self.plainKey(key, parser)
                // Each key against those before it: a few, or a body of many keys would cost their square.
                guard keys.count < Self.maxMembers, !keys.contains(where: { parser.bytes[$0] == parser.bytes[key] }) else {
                    throw ScanUnread()
                }
                keys.append(key)
                if parser.bytes(key, equal: playlistKey) { return playlist = try Self.scanPlaylist(&parser, featureKeys) }
                parser.skipSpace()
                guard !parser.next(is: UInt8(ascii: "{")), !parser.next(is: UInt8(ascii: "[")) else { throw ScanUnread() }
                scalars[String(decoding: parser.bytes[key], as: UTF8.self)] = try parser.value()
            }
            parser.skipSpace()
            guard parser.position == bytes.count, let playlist else { return nil }
            return PlaylistBody(playlist: playlist, scalars: scalars)
        } catch {
            return nil
        }
    }

    /// The most members a body `scanBody` reads may have (a request names a handful).
    static let maxMembers = 16

    /// A key's bytes when it holds no escape and only ASCII (whose bytes are equal exactly when
    /// the strings are); anything else is `ScanUnread`.
    private static func plainKey(_ key: JSONParser.Key, _ parser: JSONParser) throws -> Range<Int> {
        guard let range = key.bytes, !parser.bytes[range].contains(where: { $0 >= 0x80 }) else { throw ScanUnread() }
        return range
    }

    /// A playlist object (`playlists`' Million Playlist Dataset playlist: `tracks` a list) or an
    /// array of tracks.
    private static func scanPlaylist(_ parser: inout JSONParser, _ featureKeys: [UInt16]) throws -> Playlist {
        parser.skipSpace()
        if parser.next(is: UInt8(ascii: "[")) { return Playlist(tracks: try scanTracks(&parser, featureKeys)) }
        try parser.expectScanned(UInt8(ascii: "{"))
        var name: String?, pid: Int?, tracks: [Playlist.Track]?
        var seen = 0
        try parser.members { parser, key in
            let key = try Self.plainKey(key, parser)
            guard let index = Self.playlistKeys.firstIndex(where: { parser.bytes(key, equal: $0) }) else { return try parser.skipValue() }
            guard seen & (1 << index) == 0 else { throw ScanUnread() }
            seen |= 1 << index
            switch index {
            case 0: tracks = try scanTracks(&parser, featureKeys)
            case 1: name = Self.string(try parser.value())
            case 2: pid = Self.integer(try parser.value())
            default: throw ScanUnread()  // `playlists`: a slice
            }
        }
        guard let tracks else { throw ScanUnread() }
        return Playlist(name: name, pid: pid, tracks: tracks)
    }

    /// The members of a playlist object `playlists` reads, in `scanPlaylist`'s order
    /// (`playlists` makes it a slice).
    private static let playlistKeys: [StaticString] = ["tracks", "name", "pid", "playlists"]

    /// An array of tracks.
    private static func scanTracks(_ parser: inout JSONParser, _ featureKeys: [UInt16]) throws -> [Playlist.Track] {
        try parser.expectScanned(UInt8(ascii: "["))
        var tracks: [Playlist.Track] = []
        try parser.elements { tracks.append(try scanTrack(&$0, featureKeys)) }
        return tracks
    }

    /// One track (`scanTrackName`).
    private static func scanTrack(_ parser: inout JSONParser, _ featureKeys: [UInt16]) throws -> Playlist.Track {
        var at = parser
        at.position = try parser.scanTrackName(featureKeys: featureKeys)
        return try Self.track(named: try at.string())
    }

    /// The track a string names; `ScanUnread` when it names none (the general way's error).
    private static func track(named text: String) throws -> Playlist.Track {
        guard let id = Playlist.trackID(text) else { throw ScanUnread() }
        return Playlist.Track(id: id, given: text)
    }
}
