import FoundationEssentials
import MSRTestSupport
import XCTest
@testable import MSRCore

/// The writers that put compact JSON straight into bytes (a service's answer and log lines)
/// write exactly what `JSONValue.compact` writes for the same value.
final class JSONBytesTests: XCTestCase {
    /// Writes `value` through `JSONBytes`, each object's keys in sorted order.
    func write(_ value: JSONValue, to out: inout JSONBytes) {
        switch value {
        case .null: XCTFail("the writers never write a bare null")
        case .bool: XCTFail("the writers never write a boolean")
        case .int(let number): out.int(number)
        case .double(let number): out.double(number)
        case .string(let text): out.string(text)
        case .array(let items):
            out.beginArray()
            for item in items { write(item, to: &out) }
            out.endArray()
        case .object(let members):
            out.beginObject()
            for key in members.keys.sorted() {
                out.key(escaping: key)
                write(members[key]!, to: &out)
            }
            out.endObject()
        }
    }

    /// Random values: nested objects and arrays (empty ones too), every control byte, quotes,
    /// backslashes and UTF-8 in strings and keys, integers to their limits, doubles of every
    /// magnitude, signed zeros and non-finite ones (null).
    func testRandomValuesAreWrittenAsCompactWritesThem() {
        var generator = SplitMix64(seed: 11)
        let pieces = ["a", "Z", "é", "🎵", "\"", "\\", "/", " ", "\u{7F}", "\u{85}"] + (0..<32).map { String(UnicodeScalar(UInt8($0))) }
        func text() -> String { (0..<generator.below(6)).map { _ in pieces[generator.below(pieces.count)] }.joined() }
        func value(_ depth: Int) -> JSONValue {
            switch generator.below(depth > 3 ? 3 : 5) {
            case 0:
                let specials: [Int] = [0, -1, .max, .min, 42]
                return .int(generator.below(2) == 0 ? specials[generator.below(specials.count)] : Int(generator.below(1 << 40)) - (1 << 39))
            case 1:
                let specials: [Double] = [0, -0.0, .nan, .infinity, -.infinity, .ulpOfOne, .greatestFiniteMagnitude, 1e-320, 0.1]
                return .double(generator.below(3) == 0 ? specials[generator.below(specials.count)]
                               : (generator.unit() - 0.5) * pow(10, Double(generator.below(40)) - 20))
            case 2: return .string(text())
            case 3: return .array((0..<generator.below(4)).map { _ in value(depth + 1) })
            default:
                var members: [String: JSONValue] = [:]
                for _ in 0..<generator.below(5) { members[text()] = value(depth + 1) }
                return .object(members)
            }
        }
        for round in 0..<2000 {
            let original = value(0)
            var out = JSONBytes()
            write(original, to: &out)
            XCTAssertEqual(String(decoding: out.bytes, as: UTF8.self), original.compact(), "round \(round)")
        }
    }

    /// Strings are escaped as JSON requires, independently of `JSONValue` (which shares the
    /// escaping): quotes, backslashes and every control byte; DEL, C1 and the rest as they are.
    func testStringsAreEscaped() {
        var out = JSONBytes()
        out.string("a\"b\\c/\u{7F}\u{85}é🎵\t\r\n\u{0}\u{8}\u{C}\u{1F}")
        XCTAssertEqual(String(decoding: out.bytes, as: UTF8.self), #""a\"b\\c/\#u{7F}\#u{85}é🎵\t\r\n\u0000\u0008\u000c\u001f""#)
        var all = JSONBytes()
        all.string(String(decoding: Array(0..<0x20), as: UTF8.self))
        let expected = (0..<0x20).map { byte -> String in
            switch byte {
            case 0x09: return #"\t"#
            case 0x0A: return #"\n"#
            case 0x0D: return #"\r"#
            default: return #"\u00"# + String(byte >> 4, radix: 16) + String(byte & 15, radix: 16)
            }
        }.joined()
        XCTAssertEqual(String(decoding: all.bytes, as: UTF8.self), "\"" + expected + "\"")
        XCTAssertEqual(try JSONParser.parse(all.bytes), .string(String(decoding: Array(0..<0x20), as: UTF8.self)))
        // Whole numbers as their decimal digits, at the limits too.
        for number in [0, -1, 42, Int.max, Int.min] {
            var out = JSONBytes()
            out.int(number)
            XCTAssertEqual(String(decoding: out.bytes, as: UTF8.self), String(number))
        }
    }

    /// The escaping looks at eight bytes at a time: every byte it must escape, and the bytes
    /// next to them in value (space, `!`, `#`, `[`, `]`, DEL, UTF-8), at every position of
    /// strings of 0 to 40 bytes, are written as a byte-by-byte reference escapes them.
    func testEveryEscapedByteIsFoundAtEveryPosition() {
        func reference(_ bytes: [UInt8]) -> [UInt8] {
            var out: [UInt8] = [UInt8(ascii: "\"")]
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "\""): out += Array(#"\""#.utf8)
                case UInt8(ascii: "\\"): out += Array(#"\\"#.utf8)
                case 0x0A: out += Array(#"\n"#.utf8)
                case 0x0D: out += Array(#"\r"#.utf8)
                case 0x09: out += Array(#"\t"#.utf8)
                case ..<0x20: out += Array(#"\u00"#.utf8) + Array(String(byte >> 4, radix: 16).utf8) + Array(String(byte & 15, radix: 16).utf8)
                default: out.append(byte)
                }
            }
            return out + [UInt8(ascii: "\"")]
        }
        let specials: [[UInt8]] = (0..<0x20).map { [UInt8($0)] } + [[0x22], [0x5C], [0x20], [0x21], [0x23], [0x5B], [0x5D], [0x7F],
                                                                    Array("é".utf8), Array("🎵".utf8)]
        var checked = 0
        for length in 0...40 {
            for position in 0..<max(length, 1) {
                for special in specials where position + special.count <= max(length, special.count) {
                    var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: max(length, special.count))
                    bytes.replaceSubrange(position..<(position + special.count), with: special)
                    var out = JSONBytes()
                    out.string(String(decoding: bytes, as: UTF8.self))
                    XCTAssertEqual(out.bytes, reference(bytes), "\(special) at \(position) of \(bytes.count)")
                    checked += 1
                }
            }
        }
        // Two at once, a word apart and next to each other.
        var out = JSONBytes()
        out.string("abcdefg\"hijklmn\\\u{1}opqrstuvwxyz\"\"")
        XCTAssertEqual(String(decoding: out.bytes, as: UTF8.self), #""abcdefg\"hijklmn\\\u0001opqrstuvwxyz\"\"""#)
        XCTAssertGreaterThan(checked, 30_000)
    }

    /// Lines of JSON Lines: each value starts afresh after `newline`.
    func testLinesStartAfresh() {
        var out = JSONBytes()
        for k in 0..<2 {
            out.beginObject()
            out.key("k")
            out.int(k)
            out.member("none", nil)
            out.endObject()
            out.newline()
        }
        XCTAssertEqual(String(decoding: out.bytes, as: UTF8.self), "{\"k\":0}\n{\"k\":1}\n")
    }

    /// A catalogue with every kind of detail: quoted, control and non-ASCII text, unknown fields,
    /// an id that is not a Spotify id (no link).
    static let catalog = SongIndex(
        genres: ["pop", "rock"], featureNames: ["tempo"],
        uris: TextColumn(["5E30LdtzQTGqRvNd7l6kG5", "not-spotify", "09gysnJpfQ3ublBmJDfcEC"]),
        labels: [0, 0, 1], components: [0, 0, 0], points: [0, 1, 2], probabilities: [0.75, 0.25, 0.5, 0.5, 0.125, 0.875],
        descriptive: [DescriptiveColumn(name: "track_name", values: TextColumn([#"Say "Hi", \ Jo"#, "", "Né\u{1}"])),
                      DescriptiveColumn(name: "artists", values: TextColumn(["Smith, Jo", "X\tY", ""])),
                      DescriptiveColumn(name: "album_name", values: TextColumn(["Best of", "", "🎵"]))])

    static func results() -> [Recommender.Result] {
        let picks = [Recommender.Pick(row: 0, uri: "5E30LdtzQTGqRvNd7l6kG5", genre: "pop", score: 0.5, source: .content),
                     Recommender.Pick(row: 1, uri: "not-spotify", genre: "pop", score: .nan, source: .cf),
                     Recommender.Pick(row: 2, uri: "09gysnJpfQ3ublBmJDfcEC", genre: "rock", score: 1e-7, source: .both)]
        let tracks = [Playlist.Track(id: "1111111111111111111111", given: "a"), Playlist.Track(id: "x\"y", given: "b")]
        return [
            Recommender.Result(playlist: Playlist(name: "mix \"a\"\n\u{2}é", pid: 7, tracks: tracks), knownTracks: 1,
                               unknownTracks: ["x\"y"], genre: "pop", probabilities: ["pop": 0.1 + 0.2, "rock": 0.7, "Zé": 0, "a": -0.0],
                               picks: picks, similarity: 0.123456789012345678, method: .hybrid),
            Recommender.Result(playlist: Playlist(tracks: []), knownTracks: 0, unknownTracks: [], genre: "rock", probabilities: [:],
                               picks: [], similarity: .infinity, method: .content),
            Recommender.Result(playlist: Playlist(name: "", tracks: tracks), knownTracks: 2, unknownTracks: [], genre: "rock",
                               probabilities: ["rock": 1], picks: Array(picks.prefix(1)), similarity: -1, method: .cf),
        ]
    }

    /// The answer the service sends and msr-predict writes as JSON Lines: the bytes of the
    /// result's value (`json(details:)`), with and without the model's version.
    func testAResultsCompactJSONIsItsValuesCompactForm() {
        for (k, result) in Self.results().enumerated() {
            let value = result.json(details: Self.catalog)
            XCTAssertEqual(String(decoding: result.compactJSON(details: Self.catalog), as: UTF8.self), value.compact(), "result \(k)")
            guard case .object(var members) = value else { return XCTFail("an object") }
            members["model_version"] = .string("abc\"1")
            // (Compared as text: a NaN score is not equal to itself.)
            XCTAssertEqual(result.json(details: Self.catalog, modelVersion: "abc\"1").compact(), JSONValue.object(members).compact(),
                           "result \(k) with a version")
            XCTAssertEqual(String(decoding: result.compactJSON(details: Self.catalog, modelVersion: "abc\"1"), as: UTF8.self),
                           JSONValue.object(members).compact(), "result \(k) with a version")
        }
    }

    /// Each logged line is the compact form of the record msr-monitor and msr-factorize read.
    func testLoggedLinesAreTheRecordsCompactForm() throws {
        let results = Self.results().filter { $0.similarity.isFinite }
        let date = Date(timeIntervalSince1970: 1_700_000_000.25)
        try withTemporaryFolder { folder in
            let path = "\(folder)/log.jsonl"
            for (user, playlists) in [(nil, true), ("ann \"b\"", false)] as [(String?, Bool)] {
                try? FileManager.default.removeItem(atPath: path)
                try RecommendationLog(path: path).append(results, user: user, date: date, playlists: playlists)
                let expected = results.map { result -> String in
                    var record: [String: JSONValue] = [
                        "time": .string(utcTimestamp(date)), "predicted_genre": .string(result.genre),
                        "similarity": .double(result.similarity), "recommendations": .array(result.picks.map { .string($0.uri) }),
                    ]
                    if let pid = result.playlist.pid { record["pid"] = .int(pid) }
                    if let name = result.playlist.name { record["name"] = .string(name) }
                    if let user { record["user"] = .string(user) }
                    if playlists { record["tracks"] = .array(result.playlist.tracks.map { .string($0.id) }) }
                    return JSONValue.object(record).compact() + "\n"
                }.joined()
                XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), expected, "user \(user ?? "none")")
            }
        }
    }
}
