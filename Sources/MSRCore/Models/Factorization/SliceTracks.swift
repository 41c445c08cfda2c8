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
            try Self.expect(UInt8(ascii: "{"), &parser)
            var playlists = 0
            try parser.members { parser, key in
                guard let key = key.bytes else { throw Unread() }
                guard parser.bytes(key, equal: "playlists") else { return try parser.skipValue() }
                playlists += 1
                guard playlists == 1 else { throw Unread() }
                try result.playlists(&parser)
            }
            parser.skipSpace()
            guard playlists == 1, parser.position == bytes.count, result.starts.count > 1 else { return nil }
            return result
        } catch {
            return nil
        }
    }

    /// Not read here: `PlaylistReader` decides.
    private struct Unread: Error {}

    /// Moves past blanks to `byte`, the start of the value read next; anything else is `Unread`.
    private static func expect(_ byte: UInt8, _ parser: inout JSONParser) throws {
        parser.skipSpace()
        guard parser.next(is: byte) else { throw Unread() }
    }

    private mutating func playlists(_ parser: inout JSONParser) throws {
        try Self.expect(UInt8(ascii: "["), &parser)
        try parser.elements { parser in
            try Self.expect(UInt8(ascii: "{"), &parser)
            var lists = 0
            try parser.members { parser, key in
                guard let key = key.bytes else { throw Unread() }
                guard parser.bytes(key, equal: "tracks") else { return try parser.skipValue() }
                lists += 1
                guard lists == 1 else { throw Unread() }
                try Self.expect(UInt8(ascii: "["), &parser)
                try parser.elements { try self.track(&$0) }
            }
            guard lists == 1 else { throw Unread() }
            starts.append(tracks.count)
        }
    }

    /// One track: a string, or an object naming it by one of `PlaylistReader.trackKeys`, in their order.
    private mutating func track(_ parser: inout JSONParser) throws {
        parser.skipSpace()
        if parser.next(is: UInt8(ascii: "\"")) { return try add(string: &parser) }
        try Self.expect(UInt8(ascii: "{"), &parser)
        // Where each key's value starts, when it is a string; a key seen twice is left to the reader.
        var found: [Int?] = [nil, nil, nil, nil]
        var seen = 0
        try parser.members { parser, key in
            guard let key = key.bytes else { throw Unread() }
            guard let index = PlaylistReader.trackKeys.firstIndex(where: { parser.bytes(key, equal: $0) }) else {
                return try parser.skipValue()
            }
            guard seen & (1 << index) == 0 else { throw Unread() }
            seen |= 1 << index
            parser.skipSpace()
            if parser.next(is: UInt8(ascii: "\"")) { found[index] = parser.position }
            try parser.skipValue()
        }
        guard let start = found.lazy.compactMap({ $0 }).first else { throw Unread() }
        var at = JSONParser(bytes: parser.bytes)
        at.position = start
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
        guard let id = Playlist.trackID(try parser.string()) else { throw Unread() }
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
