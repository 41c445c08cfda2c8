import MSRTestSupport
import XCTest
@testable import MSRCore

final class PlaylistReaderTests: XCTestCase {
    let reader = PlaylistReader(file: "p.json", featureNames: ["energy", "tempo"])

    func parse(_ text: String) throws -> [Playlist] {
        try reader.parse(Array(text.utf8))
    }

    func testTrackIDForms() {
        let id = "04Rwlix3S6i0JeprqsC8Cx"
        XCTAssertEqual(Playlist.trackID(id), id)
        XCTAssertEqual(Playlist.trackID("spotify:track:\(id)"), id)
        XCTAssertEqual(Playlist.trackID(" spotify:track:\(id)\t"), id, "surrounding blanks")
        XCTAssertEqual(Playlist.trackID("https://open.spotify.com/track/\(id)?si=abc"), id)
        XCTAssertEqual(Playlist.trackID("https://open.spotify.com/intl-fr/track/\(id)"), id)
        XCTAssertNil(Playlist.trackID("spotify:album:\(id)"))
        XCTAssertNil(Playlist.trackID("https://example.com/track/\(id)"))
        XCTAssertNil(Playlist.trackID("short"))
        XCTAssertNil(Playlist.trackID("04Rwlix3S6i0JeprqsC8C!"))
        for nothing in ["", " \t ", "spotify:track:", " spotify:track: ", "\u{301}\(id)", "é\(id.dropFirst())"] {
            XCTAssertNil(Playlist.trackID(nothing), nothing)
        }
        XCTAssertEqual(Playlist.trackID("\t\t\(id)  "), id)
        // The exact forms' shortcut: a URI of a bad id, or of one too short or long, is none.
        for bad in ["spotify:track:04Rwlix3S6i0JeprqsC8C!", "spotify:track:\(id.dropLast())", "spotify:track:\(id)x",
                    "spotify:trach:\(id)"] {
            XCTAssertNil(Playlist.trackID(bad), bad)
        }
        XCTAssertEqual(Playlist.link(id), "https://open.spotify.com/track/\(id)")
        for notSpotify in ["not-spotify", "spotify:track:\(id)", " \(id)", "04Rwlix3S6i0JeprqsC8C!"] {
            XCTAssertNil(Playlist.link(notSpotify), notSpotify)
        }
    }

    /// The Spotify form's check of all 22 bytes at once against the byte one: every byte value at
    /// every place.
    func testTheSpotifyFormChecksEveryByte() {
        var id = Array("04Rwlix3S6i0JeprqsC8Cx".utf8)
        XCTAssertTrue(TrackIDForm.spotify.accepts(id, count: 22))
        XCTAssertFalse(TrackIDForm.spotify.accepts(id, count: 21))
        for place in 0..<22 {
            let kept = id[place]
            for byte in 0...255 {
                id[place] = UInt8(byte)
                XCTAssertEqual(TrackIDForm.spotify.accepts(id, count: 22), TrackIDForm.isBase62(UInt8(byte)), "byte \(byte) at \(place)")
            }
            id[place] = kept
        }
        XCTAssertEqual((0...255).filter { TrackIDForm.isBase62(UInt8($0)) }.count, 62)
    }

    func testMillionPlaylistDatasetPlaylistAndSlice() throws {
        let one = try parse(#"{"name": "road", "pid": 834024, "tracks": [{"pos": 0, "track_uri": "spotify:track:04Rwlix3S6i0JeprqsC8Cx"}]}"#)
        XCTAssertEqual(one, [Playlist(name: "road", pid: 834024,
                                      tracks: [.init(id: "04Rwlix3S6i0JeprqsC8Cx", given: "spotify:track:04Rwlix3S6i0JeprqsC8Cx")])])
        let slice = try parse(#"{"info": {}, "playlists": [{"name": "a", "pid": 1, "tracks": []}, {"name": "b", "pid": 2, "tracks": ["5E30LdtzQTGqRvNd7l6kG5"]}]}"#)
        XCTAssertEqual(slice.map(\.pid), [1, 2])
        XCTAssertEqual(slice[1].tracks.map(\.id), ["5E30LdtzQTGqRvNd7l6kG5"])
    }

    func testWebAPIPlaylistObject() throws {
        let text = #"{"name": "mix", "tracks": {"items": [{"track": {"uri": "spotify:track:04Rwlix3S6i0JeprqsC8Cx", "name": "x"}}]}}"#
        XCTAssertEqual(try parse(text).first?.tracks.map(\.id), ["04Rwlix3S6i0JeprqsC8Cx"])
        XCTAssertEqual(try parse(text).first?.name, "mix")
    }

    func testPlainArrayAndInlineFeatures() throws {
        let text = #"["04Rwlix3S6i0JeprqsC8Cx", "https://open.spotify.com/track/5E30LdtzQTGqRvNd7l6kG5", {"id": "09gysnJpfQ3ublBmJDfcEC", "energy": 0.5, "tempo": 120}]"#
        let tracks = try parse(text)[0].tracks
        XCTAssertEqual(tracks.map(\.id), ["04Rwlix3S6i0JeprqsC8Cx", "5E30LdtzQTGqRvNd7l6kG5", "09gysnJpfQ3ublBmJDfcEC"])
        XCTAssertEqual(tracks[2].features, ["energy": 0.5, "tempo": 120])
        XCTAssertEqual(tracks[0].features, [:])
    }

    func testErrorsNameTheJSONPath() {
        XCTAssertEqual(errorMessage { _ = try self.parse("{\"tracks\": [") }.hasPrefix("p.json: not valid JSON ("), true)
        XCTAssertEqual(errorMessage { _ = try self.reader.parse(Array(#"{"name": "a"#.utf8) + [0xE9] + Array(#"", "tracks": []}"#.utf8)) },
                       "p.json: not valid JSON (invalid UTF-8 in the string at byte 9)")
        XCTAssertEqual(errorMessage { _ = try self.parse(#"{"tracks": ["nope"]}"#) },
                       "p.json: tracks[0]: expected a Spotify track id, spotify:track: URI or open.spotify.com track URL, got \"nope\"")
        XCTAssertEqual(errorMessage { _ = try self.parse(#"{"playlists": [{"tracks": [{"track_uri": 5}]}]}"#) },
                       "p.json: playlists[0].tracks[0]: expected one of track_uri, uri, id, track_id")
        XCTAssertEqual(errorMessage { _ = try self.parse(#"[{"id": "04Rwlix3S6i0JeprqsC8Cx", "energy": true}]"#) },
                       "p.json: [0].energy: expected a number, got true")
        // Values that are not numbers are shown as JSON, on one line, the same on every run.
        for (value, shown) in [("null", "null"), (#""fast\nloud""#, #""fast\nloud""#), ("[1, 2]", "a list"),
                               (#"{"b": 1, "a": 2}"#, "an object")] {
            XCTAssertEqual(errorMessage { _ = try self.parse(#"[{"id": "04Rwlix3S6i0JeprqsC8Cx", "energy": "# + value + "}]") },
                           "p.json: [0].energy: expected a number, got \(shown)")
        }
        XCTAssertEqual(errorMessage { _ = try self.parse(#"{"songs": []}"#) },
                       "p.json: expected \"tracks\" (a playlist), \"playlists\" (a Million Playlist Dataset slice), or an array of tracks")
        XCTAssertEqual(errorMessage { _ = try self.parse("42") }, "p.json: expected a playlist object or an array of tracks")
    }

    /// Keys of the features' lengths and first letters that are not features are no features
    /// (the reader looks features up only when such a key is there), and a feature among a
    /// Million Playlist Dataset track's members is read.
    func testFeaturesAmongOtherMembers() throws {
        let tracks = try parse(#"""
            {"tracks": [{"pos": 0, "track_uri": "spotify:track:04Rwlix3S6i0JeprqsC8Cx", "track_name": "a", "duration_ms": 1},
                        {"pos": 1, "track_uri": "spotify:track:5E30LdtzQTGqRvNd7l6kG5", "tempi": "fast", "eNERGY": true},
                        {"pos": 2, "track_uri": "spotify:track:09gysnJpfQ3ublBmJDfcEC", "artist_name": "b", "tempo": 90}]}
            """#)[0].tracks
        XCTAssertEqual(tracks.map(\.features), [[:], [:], ["tempo": 90]])
        // A key that is the name to Swift's string equality in other bytes (a Kelvin sign for K;
        // a decomposed é) is the feature, as a dictionary lookup finds it.
        let upper = PlaylistReader(file: "p.json", featureNames: ["Key", "tempé"])
        let odd = try upper.parse(Array("[{\"id\": \"04Rwlix3S6i0JeprqsC8Cx\", \"\u{212A}ey\": 5, \"tempe\u{301}\": 90}]".utf8))
        XCTAssertEqual(odd[0].tracks[0].features, ["Key": 5, "tempé": 90])
        let kelvin = PlaylistReader(file: "p.json", featureNames: ["Key"])
        XCTAssertEqual(try kelvin.parse(Array("[{\"id\": \"04Rwlix3S6i0JeprqsC8Cx\", \"\u{212A}ey\": 5}]".utf8))[0].tracks[0].features,
                       ["Key": 5], "an ASCII name, a non-ASCII key")
    }

    func testInlineFeatureZeroAndOneAreNumbers() throws {
        let tracks = try parse(#"[{"id": "04Rwlix3S6i0JeprqsC8Cx", "energy": 1, "tempo": 0}]"#)[0].tracks
        XCTAssertEqual(tracks[0].features, ["energy": 1, "tempo": 0])
    }

    /// The schema's bounds: a feature outside them, or beyond a double, is refused with its JSON
    /// path (a 1e999 tempo once wrote `"similarity": null` to the log and blocked msr-monitor).
    func testInlineFeaturesMustBeFiniteAndWithinTheSchema() {
        let bounded = PlaylistReader(file: "playlist.json", features: [
            Schema.Column(name: "key", type: .int64, min: -1, max: 11),
            Schema.Column(name: "tempo", type: .float64, min: 0, max: 300),
            Schema.Column(name: "energy", type: .float64),
        ])
        func message(_ text: String) -> String { errorMessage { _ = try bounded.parse(Array(text.utf8)) } }
        let id = #""id": "04Rwlix3S6i0JeprqsC8Cx""#
        XCTAssertEqual(message(#"{"tracks": ["5E30LdtzQTGqRvNd7l6kG5", "5E30LdtzQTGqRvNd7l6kG5", "5E30LdtzQTGqRvNd7l6kG5", {"# + id + #", "tempo": 1e999}]}"#),
                       "playlist.json: tracks[3].tempo: expected a finite number in [0, 300] (schema.yaml), got a number beyond the range of a double")
        XCTAssertEqual(message("[{" + id + #", "tempo": -1e999}]"#),
                       "playlist.json: [0].tempo: expected a finite number in [0, 300] (schema.yaml), got a number beyond the range of a double")
        XCTAssertEqual(message("[{" + id + #", "tempo": 1e308}]"#),
                       "playlist.json: [0].tempo: expected a finite number in [0, 300] (schema.yaml), got 1e+308")
        XCTAssertEqual(message("[{" + id + #", "tempo": -0.5}]"#),
                       "playlist.json: [0].tempo: expected a finite number in [0, 300] (schema.yaml), got -0.5")
        XCTAssertEqual(message("[{" + id + #", "key": 12}]"#),
                       "playlist.json: [0].key: expected an integer in [-1, 11] (schema.yaml), got 12")
        XCTAssertEqual(message("[{" + id + #", "key": 2.5}]"#),
                       "playlist.json: [0].key: expected an integer in [-1, 11] (schema.yaml), got 2.5")
        // Without bounds in the schema, a huge finite value would still overflow the scaler's
        // arithmetic: it must stay within what standardising can take.
        XCTAssertEqual(message("[{" + id + #", "energy": -1e308}]"#),
                       "playlist.json: [0].energy: expected a finite number in [-1e15, 1e15], got -1e+308")
        XCTAssertEqual(message("[{" + id + #", "energy": 1e999}]"#),
                       "playlist.json: [0].energy: expected a finite number in [-1e15, 1e15], got a number beyond the range of a double")
        let fine = try? bounded.parse(Array(("[{" + id + #", "key": 11, "tempo": 300, "energy": -2.5e7}]"#).utf8))
        XCTAssertEqual(fine?.first?.tracks.first?.features, ["key": 11, "tempo": 300, "energy": -2.5e7])
    }

    func testAnEmptySliceIsNoPlaylist() {
        XCTAssertEqual(errorMessage { _ = try self.parse(#"{"playlists": []}"#) }, "p.json: playlists: no playlist (an empty slice)")
    }

    /// JSON Lines: one playlist (object, array of tracks or slice) per line, in order; errors
    /// name the line. A pretty-printed document with a mistake is still reported as JSON.
    func testJSONLines() throws {
        let text = #"{"pid": 1, "tracks": ["04Rwlix3S6i0JeprqsC8Cx"]}"# + "\n\n" + #"["5E30LdtzQTGqRvNd7l6kG5"]"# + "\n"
            + #"{"playlists": [{"pid": 3, "tracks": []}, {"pid": 4, "tracks": []}]}"#
        XCTAssertEqual(try parse(text).map(\.pid), [1, nil, 3, 4])
        XCTAssertEqual(try parse(text)[1].tracks.map(\.id), ["5E30LdtzQTGqRvNd7l6kG5"])
        XCTAssertEqual(errorMessage { _ = try self.parse(#"["04Rwlix3S6i0JeprqsC8Cx"]"# + "\n\n" + #"{"tracks": ["nope"]}"#) },
                       "p.json:3: tracks[0]: expected a Spotify track id, spotify:track: URI or open.spotify.com track URL, got \"nope\"")
        XCTAssertEqual(errorMessage { _ = try self.parse(#"["04Rwlix3S6i0JeprqsC8Cx"]"# + "\n" + #"{"tracks": ["# + "\n") },
                       "p.json:2: not valid JSON (unexpected end of input at byte 12)")
        XCTAssertTrue(errorMessage { _ = try self.parse("{\n  \"tracks\": [\n    \"04Rwlix3S6i0JeprqsC8Cx\",\n  ]\n}\n") }
            .hasPrefix("p.json: not valid JSON ("))
        XCTAssertEqual(errorMessage { _ = try self.parse(" \n\t\n") }, "p.json: no playlist (empty input)")
    }
}
