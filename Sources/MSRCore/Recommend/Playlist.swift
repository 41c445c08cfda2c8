import Foundation

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

    /// The Spotify track id in an id, a `spotify:track:` URI or an open.spotify.com track URL;
    /// `nil` when the text is none of these.
    public static func trackID(_ text: String) -> String? {
        var candidate = text.trimmingCharacters(in: .whitespaces)
        if candidate.hasPrefix("spotify:track:") {
            candidate.removeFirst("spotify:track:".count)
        } else if let url = URL(string: candidate), let host = url.host, host.hasSuffix("spotify.com") {
            let parts = url.path.split(separator: "/")
            guard let index = parts.firstIndex(of: "track"), index + 1 < parts.count else { return nil }
            candidate = String(parts[index + 1])
        }
        let valid = candidate.count == 22 && candidate.unicodeScalars.allSatisfy {
            ("0"..."9").contains($0) || ("a"..."z").contains($0) || ("A"..."Z").contains($0)
        }
        return valid ? candidate : nil
    }
}
