@testable import MSRCore
import MSRTestSupport
import XCTest

/// msr-serve's request bodies read straight from their bytes (`PlaylistReader.scanBody`): the
/// same playlist and members as the general way (`JSONParser.parse`, then
/// `PlaylistReader.playlists`) whenever the scan reads a body at all.
final class PlaylistBodyTests: XCTestCase {
    static let a = "5E30LdtzQTGqRvNd7l6kG5", b = "09gysnJpfQ3ublBmJDfcEC", c = "2K7xn816oNHJZ0aVqdQsha"

    /// The reader the service uses: the repository's schema's features, bounded.
    let reader = PlaylistReader(file: "playlist", features: try! Schema.load(path: "\(TestPaths.repository)/schema.yaml").features)

    /// The body as the general way reads it: nil where it refuses, or where the body is not an
    /// object of one playlist and scalars.
    private func general(_ bytes: [UInt8]) -> PlaylistBody? {
        guard case .object(var members)? = try? JSONParser.parse(bytes), let value = members.removeValue(forKey: "playlist"),
              let playlists = try? reader.playlists(value), playlists.count == 1 else { return nil }
        return PlaylistBody(playlist: playlists[0], scalars: members)
    }

    private func scan(_ text: String) -> PlaylistBody? {
        reader.scanBody(Array(text.utf8), playlistKey: "playlist")
    }

    func testAnMPDPlaylistBodyIsScannedAsTheGeneralWayReadsIt() throws {
        // The embedded slice's first playlist, every member of its tracks, as a client sends it
        // (scripts/bench-serve's body has the same layout).
        let slice = try JSONParser.parse(try FileBytes.read("\(TestPaths.repository)/data/playlists/mpd.slice.0-999.json", what: "slice"))
        guard case .object(let members) = slice, case .array(let playlists)? = members["playlists"] else { return XCTFail("a slice") }
        let bytes = Array(#"{"playlist": \#(playlists[0].compact()), "k": 10}"#.utf8)
        let scanned = try XCTUnwrap(reader.scanBody(bytes, playlistKey: "playlist"))
        XCTAssertEqual(scanned, general(bytes))
        XCTAssertEqual(scanned.playlist.tracks.count, 53)
        XCTAssertEqual(scanned.playlist.tracks.first?.id, "5H4bQ14RjOVM4eKtaIpn3B")
        XCTAssertEqual(scanned.playlist.pid, 0)
        XCTAssertEqual(scanned.playlist.name, "r-n-b + jazz")
        XCTAssertEqual(scanned.scalars, ["k": .int(10)])
    }

    func testVariedBodiesAreScannedAsTheGeneralWayReadsThem() throws {
        let bodies = [
            // Ids as strings, URLs, blanks, escapes in values, other keys skipped, keys in any order.
            #"""
            { "k" : 5, "method": "cf", "exclude_seen": true, "pid": null,
              "playlist": {"info": {"deep": [[[true, false, 1e5]]]}, "name": "x\n\u00e9", "pid": 7, "collaborative": "false",
                "tracks": ["\#(Self.a)", " spotify:track:\#(Self.b) ", "https://open.spotify.com/track/\#(Self.c)?si=x",
                  {"uri": "spotify:track:\#(Self.a)", "pos": [1, {"x": null}]}, {"id": 5, "track_id": "\#(Self.b)"},
                  {"track_uri": "spotify:\u0074rack:\#(Self.c)", "uri": "ignored"}, {"uri": "\#(Self.a)", "track_uri": 3},
                  {"id": "\#(Self.c)", "uri": "spotify:track:\#(Self.b)"}]} }
            """#,
            // An array of tracks; a name that is no string, a pid that is no integer.
            #"{"playlist": ["\#(Self.a)", {"track_uri": "spotify:track:\#(Self.b)"}], "k": 1}"#,
            #"{"playlist": {"tracks": [], "name": 5, "pid": 2.0}}"#,
            #"{"playlist": {"tracks": ["\#(Self.a)"], "pid": -3, "name": null}, "unknown": "x"}"#,
            // Keys the general way ignores, repeated: it keeps none of them.
            #"{"playlist": {"tracks": [{"pos": 1, "pos": 2, "uri": "\#(Self.a)"}], "x": 1, "x": 2}}"#,
        ]
        for text in bodies {
            let scanned = scan(text)
            XCTAssertNotNil(scanned, text)
            XCTAssertEqual(scanned, general(Array(text.utf8)), text)
        }
        XCTAssertEqual(scan(bodies[0])?.playlist.tracks.map(\.id), [Self.a, Self.b, Self.c, Self.a, Self.b, Self.c, Self.a, Self.b])
        XCTAssertEqual(scan(bodies[0])?.scalars, ["k": .int(5), "method": .string("cf"), "exclude_seen": .bool(true), "pid": .null])
        XCTAssertEqual(scan(bodies[2])?.playlist, Playlist(tracks: []))
    }

    func testWhatTheScanDoesNotReadIsLeftToTheGeneralWay() {
        let track = #"{"track_uri": "spotify:track:\#(Self.a)"}"#
        for text in [
            // Other layouts: a slice, a Web API object, a pasted string, none, null, not an object.
            #"{"playlist": {"playlists": [{"tracks": [\#(track)]}]}}"#, #"{"playlist": {"tracks": {"items": []}}}"#,
            #"{"playlist": "\#(Self.a)"}"#, #"{"k": 3}"#, #"{"playlist": null}"#, #"[\#(track)]"#, #"{"playlist": {"name": "x"}}"#,
            // Repeated, escaped and non-ASCII keys, at each level.
            #"{"playlist": [\#(track)], "playlist": [\#(track)]}"#, #"{"k": 1, "playlist": [\#(track)], "k": 2}"#,
            #"{"pl\u0061ylist": [\#(track)]}"#, #"{"playlist": [\#(track)], "é": 1}"#,
            #"{"playlist": {"tracks": [\#(track)], "tracks": []}}"#, #"{"playlist": {"tracks": [], "pid": 1, "pid": 2}}"#,
            #"{"playlist": {"tr\u0061cks": [\#(track)]}}"#,
            #"{"playlist": [{"uri": "\#(Self.a)", "uri": "\#(Self.b)"}]}"#, #"{"playlist": [{"tr\u0061ck_uri": "\#(Self.a)"}]}"#,
            #"{"playlist": [{"uri": "\#(Self.a)", "\#("\u{212A}ey")": 1}]}"#, #"{"playlist": {"tracks": [], "\#("na\u{308}me")": 1}}"#,
            // A key that may name an inline feature (one does; one only shares its length and first letter).
            #"{"playlist": [{"uri": "\#(Self.a)", "energy": 0.5}]}"#, #"{"playlist": [{"uri": "\#(Self.a)", "eeeeee": 0.5}]}"#,
            // A track it cannot name; a member that is no scalar; invalid JSON; text after the body.
            #"{"playlist": ["nope"]}"#, #"{"playlist": [{"pos": 1}]}"#, #"{"playlist": [{"uri": 5}]}"#, #"{"playlist": [7]}"#,
            #"{"playlist": [\#(track)], "k": [10]}"#, #"{"playlist": [\#(track)], "k": {}}"#,
#"{"playlist": [\#(track)],}"#, #"{"playlist": ["\#(Self.a)\u0000"]}"#,
            #"{"playlist": [\#(track)]} x"#, #"{"playlist": [\#(track)]"#, "{\"playlist\": [\"\(Self.a)\u{1}\"]}",
        ] {
            XCTAssertNil(scan(text), text)
        }
        // More members than a request has (each key is checked against those before it).
        func body(scalars: Int) -> String { "{" + (0..<scalars).map { #""k\#($0)": \#($0), "# }.joined() + #""playlist": []}"# }
        XCTAssertEqual(scan(body(scalars: PlaylistReader.maxMembers - 1))?.scalars.count, PlaylistReader.maxMembers - 1)
        XCTAssertNil(scan(body(scalars: PlaylistReader.maxMembers)))
        // Invalid UTF-8 in a skipped value.
        XCTAssertNil(reader.scanBody(Array(#"{"playlist": {"tracks": [], "x": ""#.utf8) + [0xFF] + Array(#""}}"#.utf8),
                                     playlistKey: "playlist"))
        // A feature named like a track key (a schema may have one): such a key is no track's name alone.
        let named = PlaylistReader(file: "p", featureNames: ["id"])
        for text in [#"{"playlist": [{"uri": "\#(Self.a)", "id": 5}]}"#, #"{"playlist": [{"id": "\#(Self.a)"}]}"#] {
            XCTAssertNil(named.scanBody(Array(text.utf8), playlistKey: "playlist"), text)
        }
        // Feature names that are not all ASCII: any key may name one, so nothing is scanned.
        let unicode = PlaylistReader(file: "p", featureNames: ["énergie"])
        XCTAssertNil(unicode.scanBody(Array(#"{"playlist": [\#(track)]}"#.utf8), playlistKey: "playlist"))
    }

    /// Bodies mutated at random, byte by byte: whatever the scan reads, the general way reads the same.
    func testMutatedBodiesAreReadAlikeOrLeftToTheGeneralWay() throws {
        let seeds = [
            #"{"k": 12, "playlist": {"name": "n", "pid": 4, "tracks": [{"pos": 0, "track_uri": "spotify:track:\#(Self.a)"}, "\#(Self.b)", {"id": "\#(Self.c)", "uri": null}]}}"#,
            #"{"playlist": ["\#(Self.a)", "spotify:track:\#(Self.b)"], "method": "hybrid", "exclude_seen": false}"#,
        ].map { Array($0.utf8) }
        let alphabet = Array(#"{}[]",:\ u0aé"#.utf8) + [0x80, 0xFF, 0x00]
        var random = SplitMix64(seed: 7)
        var scanned = 0
        for round in 0..<20_000 {
            var bytes = seeds[round % seeds.count]
            for _ in 0...Int.random(in: 0...2, using: &random) {
                let at = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes.remove(at: at)
                case 1: bytes.insert(alphabet.randomElement(using: &random)!, at: at)
                default: bytes[at] = alphabet.randomElement(using: &random)!
                }
                if bytes.isEmpty { bytes = [0x7B] }
            }
            guard let body = reader.scanBody(bytes, playlistKey: "playlist") else { continue }
            scanned += 1
            XCTAssertEqual(body, general(bytes), String(decoding: bytes, as: UTF8.self))
        }
        XCTAssertGreaterThan(scanned, 1_000, "a change inside a value often leaves a body the scan reads")
    }
}
