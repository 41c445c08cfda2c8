/// Reading playlists' tracks straight from JSON bytes, for the scanners that read what
/// `PlaylistReader` reads without its tree of values (`SliceTracks.scan`,
/// `PlaylistReader.scanBody`): whatever they do not read exactly as the reader would, they leave
/// to it by throwing `ScanUnread`.
struct ScanUnread: Error {}

extension JSONParser {
    /// Moves past blanks to `byte`, the start of the value read next; anything else is `ScanUnread`.
    mutating func expectScanned(_ byte: UInt8) throws {
        skipSpace()
        guard next(is: byte) else { throw ScanUnread() }
    }

    /// Consumes one track as `PlaylistReader` reads it, and gives where the string that names
    /// it starts: the track itself when it is a string, otherwise the value of the first of
    /// `PlaylistReader.trackKeys` (in their order) that holds a string. `ScanUnread` for any
    /// other value, an object with an escaped key or a track key twice, none of them holding a
    /// string, or a key that may name an inline feature: one whose length and first byte are
    /// one of `featureKeys` (`PlaylistReader.lengthAndFirst`), a track key included (a schema
    /// may name a feature `id`), or any non-ASCII key when there are features (Swift's string
    /// equality may make it one of their names).
    mutating func scanTrackName(featureKeys: [UInt16]) throws -> Int {
        skipSpace()
        let start = position
        if next(is: UInt8(ascii: "\"")) {
            _ = try skipString()
            return start
        }
        try expectScanned(UInt8(ascii: "{"))
        let trackKeys = PlaylistReader.trackKeys
        // The first of the keys (in their order) whose value is a string, and where that starts.
        var best = trackKeys.count, found = 0
        var seen = 0
        try members { parser, key in
            guard let key = key.bytes else { throw ScanUnread() }
            if !featureKeys.isEmpty {
                guard !parser.bytes[key].contains(where: { $0 >= 0x80 }),
                      !featureKeys.contains(PlaylistReader.lengthAndFirst(parser.bytes[key])) else { throw ScanUnread() }
            }
            guard let index = trackKeys.firstIndex(where: { parser.bytes(key, equal: $0) }) else { return try parser.skipValue() }
            guard seen & (1 << index) == 0 else { throw ScanUnread() }
            seen |= 1 << index
            parser.skipSpace()
            if index < best, parser.next(is: UInt8(ascii: "\"")) {
                best = index
                found = parser.position
            }
            try parser.skipValue()
        }
        guard best < trackKeys.count else { throw ScanUnread() }
        return found
    }
}
