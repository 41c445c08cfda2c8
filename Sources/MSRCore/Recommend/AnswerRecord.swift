/// An answer as the service's history keeps it: the members of `compactJSON(details:
/// modelVersion:)` in a binary form, about 40% of the JSON's bytes (no keys, numbers as their
/// eight bytes, a pick's genre as its place among the probabilities' genres, no links, which
/// `Playlist.link(uri)` gives back). Under load the history's bytes were most of what recording
/// an answer cost (SQLite's pages, its write-ahead log and checkpoints).
///
/// Layout (little-endian): `magic`; the genres and their probabilities (a count, then each
/// genre's text and Float64, in sorted order); the method; the model version (optional); the
/// playlist's known tracks, name (optional), pid (optional) and track count; the predicted
/// genre; the picks (a count, then each one's album, artists (optional texts), genre (its
/// place among the genres plus one, or 0 and its text), name (optional), score (Float64),
/// source (0 content, 1 cf, 2 both) and uri); the similarity (Float64); the unknown tracks (a
/// count, then each text). Counts and lengths are LEB128 varints, whole numbers zigzag varints,
/// an optional text its length plus one (0: absent).
public enum AnswerRecord {
    /// The first bytes of a record: a NUL (no JSON text starts so) and a version.
    static let magic: [UInt8] = [0, UInt8(ascii: "m"), UInt8(ascii: "s"), UInt8(ascii: "r"), 1]

    /// Whether `bytes` start as a record does (anything else is an entry kept as JSON text).
    public static func isRecord(_ bytes: some Collection<UInt8>) -> Bool {
        bytes.starts(with: magic)
    }

    /// The answer's value, the same as `json(details:modelVersion:)` of the result it was made
    /// from (its `compact()` the bytes that were sent); nil for bytes that are not a whole
    /// record (cut short, a count beyond what is left, text that is not UTF-8, bytes after it).
    public static func answer(_ bytes: [UInt8]) -> JSONValue? {
        guard isRecord(bytes) else { return nil }
        var reader = Reader(bytes: bytes, at: magic.count)
        return reader.answer()
    }
}

extension Recommender.Result {
    /// The answer `compactJSON(details: catalog, modelVersion:)` writes, as an `AnswerRecord`.
    public func answerRecord(details catalog: SongIndex, modelVersion: String?) -> [UInt8] {
        var out = AnswerRecord.Writer(capacity: 64 + 24 * probabilities.count + 64 * picks.count)
        out.bytes += AnswerRecord.magic
        let sorted = probabilities.sorted { $0.key < $1.key }
        out.count(sorted.count)
        for (genre, probability) in sorted {
            out.text(genre)
            out.double(probability)
        }
        out.text(method.rawValue)
        out.optionalText(modelVersion)
        out.int(knownTracks)
        out.optionalText(playlist.name)
        out.count(playlist.pid == nil ? 0 : 1)
        if let pid = playlist.pid { out.int(pid) }
        out.int(playlist.tracks.count)
        out.text(genre)
        out.count(picks.count)
        let columns = SongDetails.Columns(catalog)
        for pick in picks {
            let details = columns.texts(pick.row)
            out.optionalText(details.album)
            out.optionalText(details.artists)
            if let place = sorted.firstIndex(where: { $0.key.hasSameBytes(as: pick.genre) }) {
                out.count(place + 1)
            } else {
                out.count(0)
                out.text(pick.genre)
            }
            out.optionalText(details.name)
            out.double(pick.score)
            out.count(AnswerRecord.code(pick.source))
            out.text(pick.uri)
        }
        out.double(similarity)
        out.count(unknownTracks.count)
        for track in unknownTracks { out.text(track) }
        return out.bytes
    }
}

extension AnswerRecord {
    /// A pick's source by its code.
    static let sources: [Recommender.Pick.Source] = [.content, .cf, .both]

    /// A source's code (its place in `sources`).
    static func code(_ source: Recommender.Pick.Source) -> Int {
        switch source {
        case .content: return 0
        case .cf: return 1
        case .both: return 2
        }
    }

    struct Writer {
        var bytes: [UInt8]

        init(capacity: Int) {
            bytes = []
            bytes.reserveCapacity(capacity)
        }

        mutating func count(_ value: Int) { varint(UInt64(value)) }

        mutating func int(_ value: Int) { varint(UInt64(bitPattern: Int64((value << 1) ^ (value >> 63)))) }

        /// LEB128: seven bits a byte, low first, the high bit set on all but the last.
        mutating func varint(_ value: UInt64) {
            var value = value
            while value >= 0x80 {
                bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
                value >>= 7
            }
            bytes.append(UInt8(value))
        }

        mutating func double(_ value: Double) {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        }

        mutating func text(_ value: String) {
            var value = value
            value.withUTF8 { utf8 in
                count(utf8.count)
                bytes.append(contentsOf: utf8)
            }
        }

        mutating func optionalText(_ value: String?) {
            guard var value else { return count(0) }
            value.withUTF8 { utf8 in
                count(utf8.count + 1)
                bytes.append(contentsOf: utf8)
            }
        }
    }

    /// Reads a record's members; every read is checked against the bytes left.
    struct Reader {
        let bytes: [UInt8]
        var at: Int

        mutating func answer() -> JSONValue? {
            guard let genreCount = count(each: 9) else { return nil }
            var genres: [String] = []
            var probabilities: [String: JSONValue] = [:]
            for _ in 0..<genreCount {
                guard let genre = text(), let probability = double() else { return nil }
                genres.append(genre)
                probabilities[genre] = .double(probability)
            }
            var members: [String: JSONValue] = ["genre_probabilities": .object(probabilities)]
            guard let method = text(), let version = optionalText() else { return nil }
            members["method"] = .string(method)
            if let version { members["model_version"] = .string(version) }
            guard let known = int(), let name = optionalText(), let hasPID = count(each: 0), hasPID <= 1 else { return nil }
            var playlist: [String: JSONValue] = ["known_tracks": .int(known)]
            if let name { playlist["name"] = .string(name) }
            if hasPID == 1 {
                guard let pid = int() else { return nil }
                playlist["pid"] = .int(pid)
            }
            guard let tracks = int(), let genre = text(), let pickCount = count(each: 13) else { return nil }
            playlist["tracks"] = .int(tracks)
            members["playlist"] = .object(playlist)
            members["predicted_genre"] = .string(genre)
            var picks: [JSONValue] = []
            for _ in 0..<pickCount {
                guard let album = optionalText(), let artists = optionalText(), let place = count(each: 0), place <= genres.count
                else { return nil }
                var fields: [String: JSONValue] = [:]
                if let album { fields["album"] = .string(album) }
                if let artists { fields["artists"] = .string(artists) }
                if place > 0 {
                    fields["genre"] = .string(genres[place - 1])
                } else {
                    guard let genre = text() else { return nil }
                    fields["genre"] = .string(genre)
                }
                guard let name = optionalText(), let score = double(), let source = count(each: 0),
                      source < AnswerRecord.sources.count, let uri = text() else { return nil }
                if let name { fields["name"] = .string(name) }
                fields["score"] = .double(score)
                fields["source"] = .string(AnswerRecord.sources[source].rawValue)
                fields["uri"] = .string(uri)
                if let link = Playlist.link(uri) { fields["url"] = .string(link) }
                picks.append(.object(fields))
            }
            members["recommendations"] = .array(picks)
            guard let similarity = double(), let unknownCount = count(each: 1) else { return nil }
            members["similarity"] = .double(similarity)
            var unknown: [JSONValue] = []
            for _ in 0..<unknownCount {
                guard let track = text() else { return nil }
                unknown.append(.string(track))
            }
            members["unknown_tracks"] = .array(unknown)
            return at == bytes.count ? .object(members) : nil
        }

        /// A varint of at most 63 bits; for a count, at most what the bytes left can hold at
        /// `each` bytes an item (0: no bound but the varint's).
        mutating func count(each: Int) -> Int? {
            guard let value = varint(maxBytes: 9), value <= UInt64(Int.max),
                  each == 0 || Int(value) <= (bytes.count - at) / each else { return nil }
            return Int(value)
        }

        mutating func int() -> Int? {
            guard let value = varint(maxBytes: 10) else { return nil }
            return Int(Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1))
        }

        /// A LEB128 varint of at most `maxBytes` bytes; nil when cut short or longer.
        mutating func varint(maxBytes: Int) -> UInt64? {
            var value: UInt64 = 0, shift: UInt64 = 0
            for _ in 0..<maxBytes {
                guard at < bytes.count else { return nil }
                let byte = bytes[at]
                at += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return value }
                shift += 7
            }
            return nil
        }

        mutating func double() -> Double? {
            guard bytes.count - at >= 8 else { return nil }
            var bits: UInt64 = 0
            for k in 0..<8 { bits |= UInt64(bytes[at + k]) << (8 * UInt64(k)) }
            at += 8
            return Double(bitPattern: bits)
        }

        mutating func text() -> String? {
            guard let length = count(each: 1) else { return nil }
            return utf8(length)
        }

        /// An optional text (`.some(nil)` when absent); nil when malformed.
        mutating func optionalText() -> String?? {
            guard let stored = count(each: 0), stored <= bytes.count - at + 1 else { return nil }
            guard stored > 0 else { return .some(nil) }
            guard let text = utf8(stored - 1) else { return nil }
            return .some(text)
        }

        mutating func utf8(_ length: Int) -> String? {
            let slice = bytes[at..<(at + length)]
            at += length
            return String(validating: slice, as: UTF8.self)
        }
    }
}
