/// The track ids of one playlist file's playlists, numbered in order of first appearance: what
/// msr-factorize keeps of a Million Playlist Dataset slice.
///
/// `scan` reads the common case, a slice (`{"playlists": [{"tracks": [...]}, ...]}`), straight
/// from the bytes: no JSON tree, no dictionary, no string for a key or a skipped value, an id
/// interned from the bytes of its `spotify:track:` URI. Whatever it does not read exactly as
/// `PlaylistReader` would (another layout, a repeated key, an escaped key, a track it cannot
/// name, invalid JSON) it leaves to `PlaylistReader`, which gives the same playlists or the
/// error with its JSON path; a fuzz target holds the two to the same answer.
public struct SliceTracks: Equatable, Sendable {
    /// The distinct track ids, by number.
    var ids = ByteStringTable()
    /// Playlist p holds `tracks[starts[p]..<starts[p + 1]]`, in its order, repeats kept.
    var starts: [Int] = [0]
    var tracks: [Int32] = []

    /// The tracks of the playlists `PlaylistReader` read.
    public init(_ playlists: [Playlist]) {
        for playlist in playlists {
            for track in playlist.tracks { add(track.id) }
            starts.append(tracks.count)
        }
    }

    private init() {}

    /// The tracks of `bytes` when they are a slice `scan` reads exactly as `PlaylistReader`;
    /// nil otherwise.
    public static func scan(_ bytes: [UInt8]) -> SliceTracks? {
        var result = SliceTracks()
        var parser = JSONParser(bytes: bytes)
        do {
            try parser.expectScanned(UInt8(ascii: "{"))
            var playlists = 0
            try parser.members { parser, key in
                guard let key = key.bytes else { throw ScanUnread() }
                guard parser.bytes(key, equal: "playlists") else { return try parser.skipValue() }
                playlists += 1
                guard playlists == 1 else { throw ScanUnread() }
                try result.playlists(&parser)
            }
            parser.skipSpace()
            guard playlists == 1, parser.position == bytes.count, result.starts.count > 1 else { return nil }
            return result
        } catch {
            return nil
        }
    }

    private mutating func playlists(_ parser: inout JSONParser) throws {
        try parser.expectScanned(UInt8(ascii: "["))
        try parser.elements { parser in
            try parser.expectScanned(UInt8(ascii: "{"))
            var lists = 0
            try parser.members { parser, key in
                guard let key = key.bytes else { throw ScanUnread() }
                guard parser.bytes(key, equal: "tracks") else { return try parser.skipValue() }
                lists += 1
                guard lists == 1 else { throw ScanUnread() }
                try parser.expectScanned(UInt8(ascii: "["))
                try parser.elements { try self.track(&$0) }
            }
            guard lists == 1 else { throw ScanUnread() }
            starts.append(tracks.count)
        }
    }

    /// One track (`scanTrackName`: no inline features, as msr-factorize reads none).
    private mutating func track(_ parser: inout JSONParser) throws {
        var at = parser
        at.position = try parser.scanTrackName(featureKeys: [])
        try add(string: &at)
    }

    /// The track named by the string at the parser's position.
    private mutating func add(string parser: inout JSONParser) throws {
        let start = parser.position
        if let range = try parser.skipString(), let id = Self.uriID(parser.bytes, range) {
            parser.bytes.withUnsafeBufferPointer { add($0.baseAddress! + id.lowerBound, count: id.count) }
            return
        }
        parser.position = start
        guard let id = Playlist.trackID(try parser.string()) else { throw ScanUnread() }
        add(id)
    }

    /// The id's bytes when `range` holds exactly `spotify:track:` and a Spotify track id.
    private static func uriID(_ bytes: [UInt8], _ range: Range<Int>) -> Range<Int>? {
        let prefix = "spotify:track:".utf8
        guard range.count > prefix.count, bytes[range.lowerBound..<(range.lowerBound + prefix.count)].elementsEqual(prefix) else {
            return nil
        }
        let id = (range.lowerBound + prefix.count)..<range.upperBound
        let valid = bytes.withUnsafeBufferPointer { TrackIDForm.spotify.accepts($0.baseAddress! + id.lowerBound, count: id.count) }
        return valid ? id : nil
    }

    private mutating func add(_ id: String) {
        var id = id
        id.withUTF8 { add($0.baseAddress!, count: $0.count) }
    }

    private mutating func add(_ pointer: UnsafePointer<UInt8>, count: Int) {
        tracks.append(Int32(ids.insert(pointer, count: count).id))
    }

    public static func == (a: SliceTracks, b: SliceTracks) -> Bool {
        a.ids.keys == b.ids.keys && a.starts == b.starts && a.tracks == b.tracks
    }
}
