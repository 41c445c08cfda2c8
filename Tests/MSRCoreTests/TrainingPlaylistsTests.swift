@testable import MSRCore
import MSRTestSupport
import XCTest

/// msr-factorize's training playlists: MPD slices in name order, then the logged playlists;
/// the embedded synthetic slice is valid MPD.
final class TrainingPlaylistsTests: XCTestCase {
    static let a = "5E30LdtzQTGqRvNd7l6kG5", b = "09gysnJpfQ3ublBmJDfcEC", c = "2K7xn816oNHJZ0aVqdQsha", d = "0000000000000000000000"

    static func slice(_ playlists: [[String]], first pid: Int = 0) -> String {
        let items = playlists.enumerated().map { index, tracks in
            "{\"name\": \"p\(pid + index)\", \"pid\": \(pid + index), \"tracks\": ["
                + tracks.enumerated().map { "{\"pos\": \($0), \"track_uri\": \"spotify:track:\($1)\"}" }.joined(separator: ", ") + "]}"
        }
        return "{\"info\": {\"slice\": \"\(pid)-\(pid + playlists.count - 1)\"}, \"playlists\": [" + items.joined(separator: ", ") + "]}"
    }

    func testSlicesInNameOrderThenTheLoggedPlaylists() throws {
        try withTemporaryFolder { folder in
            try FileManager.default.createDirectory(atPath: "\(folder)/playlists", withIntermediateDirectories: true)
            try Self.slice([[Self.c, Self.a], [Self.a, Self.a, Self.b]], first: 1000)
                .write(toFile: "\(folder)/playlists/mpd.slice.1000-1001.json", atomically: true, encoding: .utf8)
            try Self.slice([[Self.b], []]).write(toFile: "\(folder)/playlists/mpd.slice.0-1.json", atomically: true, encoding: .utf8)
            try "not a slice".write(toFile: "\(folder)/playlists/notes.txt", atomically: true, encoding: .utf8)
            let log = "\(folder)/recommendations.jsonl"
            try [#"{"predicted_genre": "pop", "similarity": 0.5, "tracks": ["\#(Self.d)", "\#(Self.a)"]}"#,
                 #"{"predicted_genre": "pop", "similarity": 0.5}"#,
                 "garbage",
                 #"{"tracks": ["\#(Self.b)", "spotify:track:\#(Self.c)"]}"#,
                 #"{"tracks": []}"#,
                 #"{"tracks": ["\#(Self.c)"]}"#,
                 ""].joined(separator: "\n").write(toFile: log, atomically: true, encoding: .utf8)
            let read = try TrainingPlaylists.read(folder: "\(folder)/playlists", log: log)
            XCTAssertEqual(read.files, 2)
            XCTAssertEqual(read.filePlaylists, 3, "the empty playlist is left out")
            XCTAssertEqual(read.loggedPlaylists, 2)
            XCTAssertEqual((0..<read.uris.count).map { read.uris[$0] }, [Self.b, Self.c, Self.a, Self.d], "in order of appearance")
            XCTAssertEqual(read.starts, [0, 1, 3, 6, 8, 9])
            XCTAssertEqual(read.tracks, [0, 1, 2, 2, 2, 0, 3, 2, 1])
            XCTAssertEqual(read.skippedLines, 3)
            XCTAssertEqual(read.firstSkipped, "\(log):3: expected a logged call (a JSON object)")
            let matrix = InteractionMatrix(starts: read.starts, tracks: read.tracks, trackCount: read.uris.count)
            XCTAssertEqual(matrix.pairCount, 8, "a track twice in a playlist counts once")
        }
    }

    /// The tracks `PlaylistReader` reads in `text`, as msr-factorize keeps them.
    private func general(_ text: String) throws -> SliceTracks {
        SliceTracks(try PlaylistReader(file: "s.json", featureNames: []).parse(Array(text.utf8)))
    }

    func testTheSliceScannerReadsWhatThePlaylistReaderReads() throws {
        let embedded = try FileBytes.read("\(TestPaths.repository)/data/playlists/mpd.slice.0-999.json", what: "slice")
        let scanned = try XCTUnwrap(SliceTracks.scan(embedded))
        XCTAssertEqual(scanned, SliceTracks(try PlaylistReader(file: "e.json", featureNames: []).parse(embedded)))
        XCTAssertEqual(scanned.starts.count, 1_001)
        // Ids as strings, URLs, blanks, escapes, the other keys, keys in any order, empty playlists.
        let varied = #"""
            {"playlists": [{"tracks": ["\#(Self.a)", " spotify:track:\#(Self.b) ", "https://open.spotify.com/track/\#(Self.c)?si=x",
              {"uri": "spotify:track:\#(Self.a)", "pos": [1, {"x": null}]}, {"id": 5, "track_id": "\#(Self.d)"},
              {"track_uri": "spotify:\u0074rack:\#(Self.b)", "uri": "ignored"}], "name": "x\n"}, {"pid": -1.5e3, "tracks": []}],
             "info": {"deep": [[[true, false]]]}}
            """#
        XCTAssertEqual(SliceTracks.scan(Array(varied.utf8)), try general(varied))
        XCTAssertEqual(try general(varied).starts, [0, 6, 6])
        // What the scanner leaves to the reader: other layouts, repeated or escaped keys, a
        // track it cannot name, an empty slice, text after the value, invalid JSON.
        for text in [#"{"tracks": ["\#(Self.a)"]}"#, #"["\#(Self.a)"]"#,
                     #"{"playlists": [{"tracks": ["\#(Self.a)"], "tracks": ["\#(Self.b)"]}]}"#,
                     #"{"playlists": [{"tracks": [{"uri": "\#(Self.a)", "uri": "\#(Self.b)"}]}]}"#,
                     #"{"playlists": [{"tr\u0061cks": ["\#(Self.a)"]}]}"#, #"{"playlists": [{"tracks": ["nope"]}]}"#,
                     #"{"playlists": []}"#, #"{"playlists": [{"tracks": []}]} x"#, #"{"playlists": [{"tracks": [}]}"#,
                     #"{"playlists": [{"tracks": ["\#(Self.a)"]}], "playlists": [{"tracks": ["\#(Self.b)"]}]}"#] {
            XCTAssertNil(SliceTracks.scan(Array(text.utf8)), text)
        }
        XCTAssertEqual(try general(#"{"playlists": [{"tracks": [{"uri": "\#(Self.a)", "uri": "\#(Self.b)"}]}]}"#).ids.keys.strings,
                       [Self.b], "the reader keeps a repeated key's last value")
    }

    func testABrokenSliceIsRefusedWithItsFileAndJSONPath() throws {
        try withTemporaryFolder { folder in
            try Self.slice([[Self.a]]).write(toFile: "\(folder)/a.json", atomically: true, encoding: .utf8)
            try #"{"info": {}, "playlists": [{"pid": 0, "tracks": [{"track_uri": "spotify:track:\#(Self.a)"}]}, "#
                .appending(#"{"pid": 1, "tracks": [{"pos": 0}]}]}"#).write(toFile: "\(folder)/b.json", atomically: true, encoding: .utf8)
            XCTAssertEqual(errorMessage { _ = try TrainingPlaylists.read(folder: folder, log: "\(folder)/none.jsonl") },
                           "\(folder)/b.json: playlists[1].tracks[0]: expected one of track_uri, uri, id, track_id")
            try "{\"info\": {}, \"playlists\": [".write(toFile: "\(folder)/b.json", atomically: true, encoding: .utf8)
            XCTAssertTrue(errorMessage { _ = try TrainingPlaylists.read(folder: folder, log: "\(folder)/none.jsonl") }
                .hasPrefix("\(folder)/b.json: not valid JSON"))
            XCTAssertEqual(errorMessage { _ = try TrainingPlaylists.read(folder: "\(folder)/a.json", log: "\(folder)/none.jsonl") },
                           "factorization.playlists_dir: \(folder)/a.json is not a folder")
            let none = try TrainingPlaylists.read(folder: "\(folder)/absent", log: "\(folder)/none.jsonl")
            XCTAssertEqual(none.count, 0, "an absent folder and log hold no playlist")
        }
    }

    /// The log line msr-predict and msr-serve write holds the playlist's tracks, read back as a
    /// training playlist; a `--similar-to` line holds none.
    func testTheLogHoldsEachPlaylistsTracks() throws {
        try withTemporaryFolder { folder in
            let log = RecommendationLog(path: "\(folder)/reco/recommendations.jsonl")
            let playlist = Playlist(name: "mix", pid: 3, tracks: [.init(id: Self.a, given: "spotify:track:\(Self.a)"),
                                                                  .init(id: Self.d, given: Self.d), .init(id: Self.a, given: Self.a)])
            let result = Recommender.Result(playlist: playlist, knownTracks: 1, unknownTracks: [Self.d], genre: "pop",
                                            probabilities: ["pop": 1], picks: [], similarity: 0.5)
            try log.append([result])
            try log.append([result], playlists: false)
            let lines = try XCTUnwrap(FileManager.default.contents(atPath: log.path)).split(separator: UInt8(ascii: "\n"))
            XCTAssertEqual(lines.count, 2)
            XCTAssertTrue(String(decoding: lines[0], as: UTF8.self).contains(#""tracks":["\#(Self.a)","\#(Self.d)","\#(Self.a)"]"#))
            XCTAssertFalse(String(decoding: lines[1], as: UTF8.self).contains("tracks"))
            XCTAssertEqual(try log.playlists(), RecommendationLog.Playlists(values: [[Self.a, Self.d, Self.a]]))
            XCTAssertEqual(try MonitorReport.read(log: log.path, params: MonitorParams()).calls.count, 2, "monitoring reads both")
        }
    }

    /// The committed slice (`scripts/make-playlists data/playlists 1000 42`) is a valid MPD
    /// slice: it reads through msr-predict's reader with its 1,000 playlists, and every
    /// playlist and track has the MPD's fields, consistent with each other.
    func testTheEmbeddedSliceIsValidMPD() throws {
        let path = "\(TestPaths.repository)/data/playlists/mpd.slice.0-999.json"
        let json = try JSONParser.parse(FileBytes.read(path, what: "slice"))
        let playlists = try PlaylistReader(file: path, featureNames: []).playlists(json)
        XCTAssertEqual(playlists.count, 1000)
        XCTAssertEqual(playlists.map(\.pid), Array(0..<1000))
        guard case .object(let root) = json, case .object(let info)? = root["info"], case .array(let items)? = root["playlists"] else {
            return XCTFail("not an MPD slice")
        }
        XCTAssertEqual(info["slice"], .string("0-999"))
        XCTAssertEqual(info["synthetic"], .bool(true))
        var lengths: [Int] = []
        for (playlist, item) in zip(playlists, items) {
            guard case .object(let fields) = item, case .array(let tracks)? = fields["tracks"] else { return XCTFail("playlist \(item)") }
            for key in ["name", "collaborative", "pid", "modified_at", "num_tracks", "num_albums", "num_followers", "num_edits",
                        "duration_ms", "num_artists"] {
                XCTAssertNotNil(fields[key], "pid \(playlist.pid ?? -1): \(key)")
            }
            XCTAssertEqual(fields["num_tracks"], .int(playlist.tracks.count))
            XCTAssertTrue(fields["collaborative"] == .string("false") || fields["collaborative"] == .string("true"))
            XCTAssertEqual(Set(playlist.tracks.map(\.id)).count, playlist.tracks.count, "no repeated track")
            var albums = Set<String>(), duration = 0
            for (position, track) in tracks.enumerated() {
                guard case .object(let entry) = track, case .string(let album)? = entry["album_uri"], case .int(let ms)? = entry["duration_ms"] else {
                    return XCTFail("track \(track)")
                }
                XCTAssertEqual(entry["pos"], .int(position))
                for key in ["artist_name", "track_uri", "artist_uri", "track_name", "album_name"] {
                    guard case .string(let text)? = entry[key], !text.isEmpty else { return XCTFail("pid \(playlist.pid ?? -1): \(key)") }
                }
                albums.insert(album)
                duration += ms
            }
            XCTAssertEqual(fields["num_albums"], .int(albums.count))
            XCTAssertEqual(fields["duration_ms"], .int(duration))
            lengths.append(playlist.tracks.count)
        }
        XCTAssertGreaterThanOrEqual(lengths.min() ?? 0, 5)
        XCTAssertLessThanOrEqual(lengths.max() ?? 0, 250)
        let median = lengths.sorted()[500]
        XCTAssertTrue((40...60).contains(median), "median length \(median), as the MPD's (about 50)")
    }
}
