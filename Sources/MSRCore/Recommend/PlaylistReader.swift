import FoundationEssentials
import Glibc

/// Reads the playlist formats msr-predict accepts (DESIGN.md): a Million Playlist Dataset
/// playlist (`{"name", "pid", "tracks": [{"track_uri", ...}]}`) or slice (`{"info",
/// "playlists": [...]}`), a Spotify Web API playlist object (`tracks.items[].track.uri`), or a
/// plain array of track ids, `spotify:track:` URIs or open.spotify.com track URLs. A track object
/// may carry audio features inline under the schema's feature names.
///
/// A file of JSON Lines holds one of these per line; `-` reads standard input.
///
/// Errors name the file (and line, for JSON Lines) and the JSON path of what is wrong
/// (`tracks[3].track_uri: expected ...`).
public struct PlaylistReader: Sendable {
    public let file: String
    /// The features read inline from track objects, with the schema's bounds: a value outside
    /// them, or not finite, is refused (one such value once made every later msr-monitor fail).
    public let features: [Schema.Column]

    /// Feature names read inline from track objects.
    public var featureNames: [String] { features.map(\.name) }

    /// The largest magnitude an inline feature without schema bounds may have: far beyond any
    /// audio feature, and small enough that standardising and averaging it cannot overflow.
    public static let unboundedLimit = 1e15
    /// `unboundedLimit` as messages write it.
    public static let unboundedLimitText = "1e15"

    /// The schema file the bounds come from, named in errors.
    public let schemaFile: String

    /// Each feature name's length and first byte (`lengthAndFirst`), when every name is ASCII:
    /// a track object none of whose keys is non-ASCII or matches one holds no feature, found
    /// without hashing its keys (nil: every track's features are looked up). A non-ASCII key
    /// may still equal an ASCII name (`"\u{212A}ey"`, a Kelvin sign, is `"Key"` to Swift's
    /// string equality, as it is to the dictionary).
    let featureKeys: [UInt16]?

    public init(file: String, features: [Schema.Column], schemaFile: String = "schema.yaml") {
        self.file = file
        self.features = features
        self.schemaFile = schemaFile
        featureKeys = features.allSatisfy { Self.isASCII($0.name) } ? features.map { Self.lengthAndFirst($0.name.utf8) } : nil
    }

    static func lengthAndFirst(_ key: some Collection<UInt8>) -> UInt16 {
        UInt16(min(key.count, 255)) << 8 | UInt16(key.first ?? 0)
    }

    private static func isASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 < 0x80 }
    }

    /// Whether a track object's keys may name a feature (`featureKeys`).
    private func mayHoldFeatures(_ object: [String: JSONValue]) -> Bool {
        guard let featureKeys else { return true }
        return object.keys.contains { !Self.isASCII($0) || featureKeys.contains(Self.lengthAndFirst($0.utf8)) }
    }

    /// A reader of features without bounds (only finite values within `unboundedLimit`).
    public init(file: String, featureNames: [String]) {
        self.init(file: file, features: featureNames.map { Schema.Column(name: $0, type: .float64) })
    }

    /// The file name that reads standard input.
    public static let standardInput = "-"

    /// How errors name the input: the file, or `stdin`.
    var name: String { file == Self.standardInput ? "stdin" : file }

    /// The line of a JSON Lines input being read, for errors.
    private var line: Int?

    /// The most bytes read as playlists in one call (a file, or standard input): some 27 Million
    /// Playlist Dataset slices; more is refused before it fills the memory, not after.
    public static let maxBytes = 512 << 20

    /// Reads every playlist in the file, or in standard input for `-`.
    public func read() throws -> [Playlist] {
        guard file == Self.standardInput else {
            return try parse(FileBytes.read(file, what: "playlist file", maxBytes: Self.maxBytes))
        }
        return try parse(FileBytes.readStandardInput(what: "playlist input", maxBytes: Self.maxBytes))
    }

    /// The playlists of a JSON document, or of JSON Lines (one playlist, array of tracks or
    /// slice per line) when the whole is not one JSON value but its first line is.
    public func parse(_ bytes: [UInt8]) throws -> [Playlist] {
        let blank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        guard !bytes.allSatisfy(blank) else { throw MSRError.badData(file: name, "no playlist (empty input)") }
        let whole: JSONValue
        do {
            whole = try JSONParser.parse(bytes)
        } catch let error as JSONParser.ParseError {
            let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
            let filled = lines.enumerated().filter { !$0.element.allSatisfy(blank) }
            guard filled.count > 1, (try? JSONParser.parse(Array(filled[0].element))) != nil else {
                throw MSRError.badData(file: name, "not valid JSON (\(error.message))")
            }
            var playlists: [Playlist] = []
            for (index, text) in filled {
                var reader = self
                reader.line = index + 1
                let value: JSONValue
                do {
                    value = try JSONParser.parse(Array(text))
                } catch let error as JSONParser.ParseError {
                    throw MSRError.badData(file: name, line: index + 1, "not valid JSON (\(error.message))")
                }
                playlists += try reader.playlists(value)
            }
            return playlists
        }
        return try playlists(whole)
    }

    /// The playlists of one JSON value: a playlist, an array of tracks or a slice. Errors carry
    /// the JSON path of the value at fault in `MSRError.field`.
    public func playlists(_ root: JSONValue) throws -> [Playlist] {
        if case .array(let list) = root {
            return [Playlist(tracks: try list.enumerated().map { try track($1, path: "[\($0)]") })]
        }
        guard case .object(let object) = root else {
            throw fail("", "expected a playlist object or an array of tracks")
        }
        if let playlists = object["playlists"] {
            guard case .array(let list) = playlists else { throw fail("playlists", "expected a list of playlists") }
            guard !list.isEmpty else { throw fail("playlists", "no playlist (an empty slice)") }
            return try list.enumerated().map { index, value in
                guard case .object(let playlist) = value else { throw fail("playlists[\(index)]", "expected a playlist object") }
                return try mpdPlaylist(playlist, path: "playlists[\(index)]")
            }
        }
        if case .object(let tracks)? = object["tracks"], tracks["items"] != nil {
            return [try webAPIPlaylist(object, tracks: tracks)]
        }
        if object["tracks"] != nil { return [try mpdPlaylist(object, path: "")] }
        throw fail("", "expected \"tracks\" (a playlist), \"playlists\" (a Million Playlist Dataset slice), or an array of tracks")
    }

    private func mpdPlaylist(_ object: [String: JSONValue], path: String) throws -> Playlist {
        let prefix = path.isEmpty ? "" : path + "."
        guard case .array(let tracks)? = object["tracks"] else { throw fail(prefix + "tracks", "expected a list of tracks") }
        return Playlist(name: Self.string(object["name"]), pid: Self.integer(object["pid"]),
                        tracks: try tracks.enumerated().map { try track($1, path: "\(prefix)tracks[\($0)]") })
    }

    private func webAPIPlaylist(_ object: [String: JSONValue], tracks: [String: JSONValue]) throws -> Playlist {
        guard case .array(let items)? = tracks["items"] else { throw fail("tracks.items", "expected a list") }
        let parsed = try items.enumerated().map { index, item -> Playlist.Track in
            guard case .object(let entry) = item, let inner = entry["track"] else {
                throw fail("tracks.items[\(index)]", "expected an object with a \"track\"")
            }
            return try track(inner, path: "tracks.items[\(index)].track")
        }
        return Playlist(name: Self.string(object["name"]), tracks: parsed)
    }

    /// One track: a string, or an object with `track_uri`, `uri`, `id` or `track_id`, and
    /// optionally inline features. `path` is built only when a message or an inline feature
    /// needs it: a playlist's tracks are read at every request of a service.
    private func track(_ value: JSONValue, path: @autoclosure () -> String) throws -> Playlist.Track {
        if case .string(let text) = value {
            guard let id = Playlist.trackID(text) else { throw expectedTrack(path(), text) }
            return Playlist.Track(id: id, given: text)
        }
        guard case .object(let object) = value else { throw fail(path(), "expected a track id, URI, URL or object") }
        guard let key = Self.trackKeyNames.first(where: { Self.string(object[$0]) != nil }),
              let text = Self.string(object[key]) else {
            throw fail(path(), "expected one of " + Self.trackKeyNames.joined(separator: ", "))
        }
        guard let id = Playlist.trackID(text) else { throw expectedTrack("\(path()).\(key)", text) }
        var values: [String: Double] = [:]
        let mayHoldFeatures = mayHoldFeatures(object)
        for column in features where mayHoldFeatures {
            guard let raw = object[column.name] else { continue }
            let number: Double
            switch raw {
            case .double(let value): number = value
            case .int(let value): number = Double(value)
            default: throw fail("\(path()).\(column.name)", "expected a number, got \(JSONFileReader.describe(raw))")
            }
            try check(number, column, path: "\(path()).\(column.name)")
            values[column.name] = number
        }
        return Playlist.Track(id: id, given: text, features: values)
    }

    /// The members a track object may name its track by, in the order they are looked for.
    static let trackKeys: [StaticString] = ["track_uri", "uri", "id", "track_id"]
    /// `trackKeys` as strings.
    private static let trackKeyNames = trackKeys.map(\.description)

    /// The text of a string value; nil for any other value or none.
    static func string(_ value: JSONValue?) -> String? {
        guard case .string(let text)? = value else { return nil }
        return text
    }

    /// An integer value; nil for any other value (`2.0` included) or none.
    static func integer(_ value: JSONValue?) -> Int? {
        guard case .int(let number)? = value else { return nil }
        return number
    }

    /// Refuses a value that is not finite, outside the schema's bounds (or `unboundedLimit`),
    /// or not whole for an integer column.
    private func check(_ value: Double, _ column: Schema.Column, path: String) throws {
        let bounded = column.min != nil || column.max != nil
        let low = bounded ? column.min : -Self.unboundedLimit, high = bounded ? column.max : Self.unboundedLimit
        let integer = column.type == .int64
        let valid = value.isFinite && value >= (low ?? -.infinity) && value <= (high ?? .infinity)
            && (!integer || value.rounded() == value)
        guard !valid else { return }
        let kind = integer ? "an integer" : "a finite number"
        let range = bounded ? ParamKind.describe(kind, min: low.map(NumberFormat.compact), max: high.map(NumberFormat.compact))
            : "\(kind) in [-\(Self.unboundedLimitText), \(Self.unboundedLimitText)]"
        let got = value.isFinite ? NumberFormat.compact(value) : "a number beyond the range of a double"
        throw fail(path, "expected \(range)\(bounded ? " (\(schemaFile))" : ""), got \(got)")
    }

    private func expectedTrack(_ path: String, _ text: String) -> MSRError {
        fail(path, "expected a Spotify track id, spotify:track: URI or open.spotify.com track URL, got \"\(text)\"")
    }

    private func fail(_ path: String, _ message: String) -> MSRError {
        var error = MSRError.badData(file: name, line: line, (path.isEmpty ? "" : path + ": ") + message)
        error.field = path
        return error
    }

}
