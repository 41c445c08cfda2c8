import FoundationEssentials
import Glibc

/// A playlist as msr-predict reads it, whatever format it came in.
public struct Playlist: Sendable, Equatable {
    /// One track: its 22-character Spotify id, the text it was given as, and audio features
    /// given inline (by schema feature name), if any.
    public struct Track: Sendable, Equatable {
        public var id: String
        public var given: String
        public var features: [String: Double]

        public init(id: String, given: String, features: [String: Double] = [:]) {
            self.id = id
            self.given = given
            self.features = features
        }
    }

    public var name: String?
    public var pid: Int?
    public var tracks: [Track]

    public init(name: String? = nil, pid: Int? = nil, tracks: [Track]) {
        self.name = name
        self.pid = pid
        self.tracks = tracks
    }

    /// What a Spotify track URI starts with.
    static let uriPrefix = "spotify:track:"
    /// `uriPrefix`'s bytes, compared by `memcmp` (a sequence's `starts(with:)` took 540
    /// instructions a track id).
    private static let uriPrefixBytes = Array(uriPrefix.utf8)

    /// The open.spotify.com page of a Spotify track id; `nil` for a catalogue id that is not one.
    /// (`trackID(id) == id` exactly when `id` is in the Spotify form: 22 base62 characters.)
    public static func link(_ id: String) -> String? {
        TrackIDForm.spotify.accepts(id) ? "\(linkPrefix)\(id)" : nil
    }

    /// What a track's page address (`link`) is before its id.
    public static let linkPrefix: StaticString = "https://open.spotify.com/track/"

    /// The Spotify track id in an id, a `spotify:track:` URI or an open.spotify.com track URL;
    /// `nil` when the text is none of these.
    public static func trackID(_ text: String) -> String? {
        // An id or a URI as they come (every track of a Million Playlist Dataset playlist): no
        // trimming, no substrings.
        let uriPrefix = Self.uriPrefix.utf8
        var copy = text
        if let exact = copy.withUTF8({ bytes -> String? in
            guard let base = bytes.baseAddress else { return nil }
            if bytes.count == 22 { return TrackIDForm.spotify.accepts(base, count: 22) ? text : nil }
            guard bytes.count == uriPrefix.count + 22, memcmp(base, Self.uriPrefixBytes, uriPrefix.count) == 0,
                  TrackIDForm.spotify.accepts(base + uriPrefix.count, count: 22) else { return nil }
            return String(decoding: UnsafeBufferPointer(start: base + uriPrefix.count, count: 22), as: UTF8.self)
        }) {
            return exact
        }
        // The URI prefix is ASCII, so its end falls between Unicode scalars.
        var candidate = text[...].trimmingBlanks()
        if candidate.utf8.starts(with: uriPrefix) {
            candidate = candidate[candidate.utf8.index(candidate.startIndex, offsetBy: uriPrefix.count)...]
        } else if candidate.utf8.count != 22 {
            // Only then a URL, parsed by Foundation (slow: ids and URIs never get here).
            guard let url = URL(string: String(candidate)), let host = url.host, host.hasSuffix("spotify.com") else { return nil }
            let parts = url.path.split(separator: "/")
            guard let index = parts.firstIndex(of: "track"), index + 1 < parts.count else { return nil }
            candidate = parts[index + 1]
        }
        let id = String(candidate)
        return TrackIDForm.spotify.accepts(id) ? id : nil
    }
}
