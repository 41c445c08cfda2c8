import MSRCore
import MSRTestSupport
import XCTest

/// msr-predict on the embedded data's models.
final class PredictTests: XCTestCase {
    /// A workspace whose whole pipeline has run (shared: training takes seconds).
    nonisolated(unsafe) static var trained: Workspace?

    func workspace() throws -> Workspace {
        if let ready = Self.trained { return ready }
        let workspace = try Workspace()
        try workspace.runPipeline()
        for stage in ["train", "cluster"] { XCTAssertEqual(try workspace.run(stage).status, 0) }
        Self.trained = workspace
        return workspace
    }

    let playlist = #"{"name": "mix", "pid": 7, "tracks": [{"track_uri": "spotify:track:5E30LdtzQTGqRvNd7l6kG5"}, "#
        + #"{"track_uri": "09gysnJpfQ3ublBmJDfcEC"}, {"track_uri": "https://open.spotify.com/track/2K7xn816oNHJZ0aVqdQsha"}, "#
        + #"{"track_uri": "spotify:track:0000000000000000000000"}]}"#

    func testOfflineEvaluationBeatsTheReferenceMethod() throws {
        let workspace = try workspace()
        let result = try workspace.run("evaluate", "--recommender")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("figure                 msr  reference  alphabetical\n"), result.stdout)
        let metrics = try XCTUnwrap(try JSONSerialization.jsonObject(with: XCTUnwrap(workspace.bytes("metrics/reco_metrics.json"))) as? [String: Any])
        XCTAssertEqual(metrics["playlists"] as? Int, 500)
        XCTAssertEqual((metrics["single_genre"] as? Int ?? 0) + (metrics["two_genre"] as? Int ?? 0), 500)
        XCTAssertEqual(metrics["k"] as? Int, 10)
        let msr = try XCTUnwrap(metrics["msr"] as? [String: Double]), reference = try XCTUnwrap(metrics["reference"] as? [String: Double])
        for figure in ["genre_accuracy", "precision_at_k", "mean_similarity", "catalog_coverage"] {
            XCTAssertGreaterThan(try XCTUnwrap(msr[figure]), try XCTUnwrap(reference[figure]), figure)
        }
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(msr["genre_accuracy"]), 0.8, "floor on the embedded data")
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(msr["precision_at_k"]), 0.9)
        XCTAssertGreaterThan(try XCTUnwrap(msr["mean_similarity"]),
                             try XCTUnwrap((metrics["alphabetical"] as? [String: Double])?["mean_similarity"]), "nearest beats alphabetical")
        let first = workspace.bytes("metrics/reco_metrics.json")
        XCTAssertEqual(try workspace.run("evaluate", "--recommender").status, 0)
        XCTAssertEqual(workspace.bytes("metrics/reco_metrics.json"), first, "same playlists, same figures")

        try workspace.edit("params.yaml", "max_tracks: 30", "max_tracks: 5")
        XCTAssertFails(try workspace.run("evaluate", "--recommender"), status: 65,
                       "msr-evaluate: params.yaml:43:15: evaluate_recommender.max_tracks: expected an integer in [10, 500], got \"5\"")
        try workspace.edit("params.yaml", "max_tracks: 5", "max_tracks: 30")
        try workspace.edit("data/processed/uris_test.csv", "uri\n", "uri\nnot-a-song\n")
        XCTAssertFails(try workspace.run("evaluate", "--recommender"), status: 65,
                       "msr-evaluate: data/processed/uris_test.csv:2: song not-a-song is not in the song index models/catalog.msrix (run msr-cluster again)")
        try workspace.edit("data/processed/uris_test.csv", "uri\nnot-a-song\n", "uri\n")
        XCTAssertEqual(workspace.bytes("metrics/reco_metrics.json"), first, "a failed run leaves the metrics alone")
    }

    func testRecommendsTenNewSongsAndLogsTheCall() throws {
        let workspace = try workspace()
        try workspace.write(playlist, to: "playlist.json")
        let result = try workspace.run("predict", "playlist.json")
        XCTAssertEqual(result.status, 0, result.stderr)
        let output = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let picks = try XCTUnwrap(output?["recommendations"] as? [[String: Any]])
        XCTAssertEqual(picks.count, 10)
        let uris = picks.compactMap { $0["uri"] as? String }
        XCTAssertEqual(Set(uris).count, 10)
        XCTAssertTrue(Set(uris).isDisjoint(with: ["5E30LdtzQTGqRvNd7l6kG5", "09gysnJpfQ3ublBmJDfcEC", "2K7xn816oNHJZ0aVqdQsha"]))
        let scores = picks.compactMap { $0["score"] as? Double }
        XCTAssertEqual(scores, scores.sorted(by: >), "best first")
        XCTAssertEqual(output?["unknown_tracks"] as? [String], ["spotify:track:0000000000000000000000"])
        XCTAssertEqual((output?["playlist"] as? [String: Any])?["known_tracks"] as? Int, 3)
        XCTAssertNotNil(output?["predicted_genre"] as? String)
        XCTAssertGreaterThan(try XCTUnwrap(output?["similarity"] as? Double), 0.5)

        let before = workspace.read("data/reco/recommendations.jsonl") ?? ""
        XCTAssertEqual(try workspace.run("predict", "playlist.json").stdout, result.stdout, "deterministic")
        let log = try XCTUnwrap(workspace.read("data/reco/recommendations.jsonl"))
        XCTAssertEqual(log.split(separator: "\n").count, before.split(separator: "\n").count + 1)
        let line = try JSONSerialization.jsonObject(with: Data(log.split(separator: "\n").last!.utf8)) as? [String: Any]
        XCTAssertEqual(line?["pid"] as? Int, 7)
        XCTAssertEqual(line?["recommendations"] as? [String], uris)
        XCTAssertEqual(line?["tracks"] as? [String], ["5E30LdtzQTGqRvNd7l6kG5", "09gysnJpfQ3ublBmJDfcEC", "2K7xn816oNHJZ0aVqdQsha",
                                                   "0000000000000000000000"], "the playlist's tracks, for msr-factorize")
        XCTAssertEqual(try workspace.run("predict", "playlist.json", "--no-log", "-k", "25").status, 0)
        XCTAssertEqual(workspace.read("data/reco/recommendations.jsonl"), log, "--no-log appends nothing")
    }

    func testSliceWithPidAndAPlaylistOfUnknownTracks() throws {
        let workspace = try workspace()
        try workspace.write(#"{"info": {}, "playlists": [{"pid": 1, "tracks": ["5E30LdtzQTGqRvNd7l6kG5"]}, "#
            + #"{"pid": 2, "tracks": ["0000000000000000000000"]}]}"#, to: "slice.json")
        let one = try workspace.run("predict", "slice.json", "--pid", "1", "--no-log", "-k", "3")
        XCTAssertEqual(one.status, 0, one.stderr)
        XCTAssertTrue(one.stdout.contains("\"pid\": 1"))
        XCTAssertFails(try workspace.run("predict", "slice.json", "--no-log"), status: 65,
                       "msr-predict: playlist: none of its 1 tracks is in the song base or carries its audio features")
        XCTAssertFails(try workspace.run("predict", "slice.json", "--pid", "9"), status: 65,
                       "msr-predict: slice.json: no playlist with pid 9")
        XCTAssertFails(try workspace.run("predict", "missing.json"), status: 66, "msr-predict: missing.json: playlist file not found")
        try workspace.write("[]", to: "empty.json")
        let log = workspace.read("data/reco/recommendations.jsonl")
        XCTAssertFails(try workspace.run("predict", "empty.json"), status: 65, "msr-predict: playlist has no tracks")
        XCTAssertEqual(workspace.read("data/reco/recommendations.jsonl"), log, "a refused playlist logs nothing")
    }

    func testInlineFeaturesGoThroughTheClassifier() throws {
        let workspace = try workspace()
        // A track the song base lacks, carrying the features of 5E30LdtzQTGqRvNd7l6kG5 (its first song).
        try workspace.write(#"{"tracks": [{"track_uri": "spotify:track:1111111111111111111111", "key": 10, "acousticness": 0.0678, "#
            + #""danceability": 0.588, "energy": 0.521, "instrumentalness": 0.149, "loudness": -9.461, "speechiness": 0.0329, "#
            + #""valence": 0.337, "tempo": 85.012}]}"#, to: "inline.json")
        try workspace.write(#"["5E30LdtzQTGqRvNd7l6kG5"]"#, to: "known.json")
        let inline = try workspace.run("predict", "inline.json", "--no-log")
        XCTAssertEqual(inline.status, 0, inline.stderr)
        let known = try workspace.run("predict", "known.json", "--no-log")
        let a = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(inline.stdout.utf8)) as? [String: Any])
        let b = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(known.stdout.utf8)) as? [String: Any])
        XCTAssertEqual((a["playlist"] as? [String: Any])?["known_tracks"] as? Int, 1)
        XCTAssertEqual(a["predicted_genre"] as? String, b["predicted_genre"] as? String)
        let p = try XCTUnwrap(a["genre_probabilities"] as? [String: Double]), q = try XCTUnwrap(b["genre_probabilities"] as? [String: Double])
        XCTAssertEqual(p.keys.sorted(), q.keys.sorted())
        // The song index stores Float32: the same numbers to about 7 digits.
        for (genre, probability) in p { XCTAssertEqual(probability, q[genre]!, accuracy: 1e-7, genre) }
        let first = try XCTUnwrap((a["recommendations"] as? [[String: Any]])?.first)
        XCTAssertEqual(first["uri"] as? String, "5E30LdtzQTGqRvNd7l6kG5", "the song with the very same features")
        XCTAssertEqual(try XCTUnwrap(first["score"] as? Double), 1, accuracy: 1e-6)
    }

    func testCallsAtOnceAppendWholeLines() throws {
        let workspace = try workspace()
        let ids = try XCTUnwrap(workspace.read("data/to_rec/to_rec_3.csv")).split(separator: "\n").dropFirst().prefix(400)
            .map { String($0.split(separator: ",")[0]) }
        let playlists = (0..<20).map { n in
            #"{"pid": \#(n), "tracks": ["# + ids[(n * 20)..<(n * 20 + 20)].map { "\"\($0)\"" }.joined(separator: ",") + "]}"
        }
        try workspace.write(#"{"playlists": ["# + playlists.joined(separator: ",") + "]}", to: "twenty.json")
        let before = (workspace.read("data/reco/recommendations.jsonl") ?? "").split(separator: "\n").count
        nonisolated(unsafe) let shared = workspace
        let statuses = Parallel.map(6) { _ in (try? shared.run("predict", "twenty.json"))?.status ?? -1 }
        XCTAssertEqual(statuses, [0, 0, 0, 0, 0, 0])
        let lines = try XCTUnwrap(workspace.read("data/reco/recommendations.jsonl")).split(separator: "\n").dropFirst(before)
        XCTAssertEqual(lines.count, 120, "six calls of twenty playlists")
        for line in lines {
            let record = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            XCTAssertEqual((record?["recommendations"] as? [String])?.count, 10, "a whole line: \(line.prefix(80))")
        }
    }

    func testSimilarToOneTrackAndTheTable() throws {
        let workspace = try workspace()
        let similar = try workspace.run("predict", "--similar-to", "5E30LdtzQTGqRvNd7l6kG5", "-k", "5", "--format", "table", "--no-log")
        XCTAssertEqual(similar.status, 0, similar.stderr)
        XCTAssertEqual(similar.stdout.split(separator: "\n").count, 7, similar.stdout)
        XCTAssertFalse(similar.stdout.contains("5E30LdtzQTGqRvNd7l6kG5  "), "the track itself is not recommended")
    }

    func testWholeSmallestGenreAndKBeyondAnyCluster() throws {
        let workspace = try workspace()
        // Every rock song (the smallest genre, 882) in one playlist: still k results, all new.
        let rock = try XCTUnwrap(workspace.read("data/to_rec/to_rec_9.csv")).split(separator: "\n").dropFirst()
            .map { String($0.split(separator: ",")[0]) }
        XCTAssertEqual(rock.count, 882)
        try workspace.write("[" + rock.map { "\"\($0)\"" }.joined(separator: ",") + "]", to: "rock.json")
        let all = try workspace.run("predict", "rock.json", "--no-log")
        XCTAssertEqual(all.status, 0, all.stderr)
        let output = try JSONSerialization.jsonObject(with: Data(all.stdout.utf8)) as? [String: Any]
        let uris = (output?["recommendations"] as? [[String: Any]])?.compactMap { $0["uri"] as? String } ?? []
        XCTAssertEqual(uris.count, 10)
        XCTAssertTrue(Set(uris).isDisjoint(with: rock))

        // k beyond any genre's size: widened to the catalogue, no duplicates.
        try workspace.write(#"["5E30LdtzQTGqRvNd7l6kG5"]"#, to: "one.json")
        let many = try workspace.run("predict", "one.json", "--no-log", "-k", "1500")
        XCTAssertEqual(many.status, 0, many.stderr)
        let big = try JSONSerialization.jsonObject(with: Data(many.stdout.utf8)) as? [String: Any]
        let picked = (big?["recommendations"] as? [[String: Any]])?.compactMap { $0["uri"] as? String } ?? []
        XCTAssertEqual(picked.count, 1500)
        XCTAssertEqual(Set(picked).count, 1500)
        XCTAssertFalse(picked.contains("5E30LdtzQTGqRvNd7l6kG5"))
    }

    /// A 1e999 (or 1e308) tempo was accepted and logged `"similarity": null`, after which every
    /// msr-monitor failed: refused with its JSON path, nothing logged.
    func testInlineFeaturesOutsideTheSchemaAreRefused() throws {
        let workspace = try workspace()
        let track = #"{"track_uri": "spotify:track:1111111111111111111111", "key": 10, "acousticness": 0.0678, "#
            + #""danceability": 0.588, "energy": 0.521, "instrumentalness": 0.149, "loudness": -9.461, "speechiness": 0.0329, "#
            + #""valence": 0.337, "tempo": TEMPO}"#
        let log = workspace.read("data/reco/recommendations.jsonl")
        for (tempo, got) in [("1e999", "a number beyond the range of a double"), ("1e308", "1e+308"), ("-1e308", "-1e+308")] {
            try workspace.write(#"{"tracks": ["5E30LdtzQTGqRvNd7l6kG5", "# + track.replacingOccurrences(of: "TEMPO", with: tempo) + "]}",
                                to: "inline.json")
            XCTAssertFails(try workspace.run("predict", "inline.json"), status: 65,
                           "msr-predict: inline.json: tracks[1].tempo: expected a finite number in [0, 300] (schema.yaml), got \(got)")
        }
        XCTAssertEqual(workspace.read("data/reco/recommendations.jsonl"), log, "a refused playlist logs nothing")
        try workspace.write(#"{"tracks": ["# + track.replacingOccurrences(of: "TEMPO", with: "300") + "]}", to: "inline.json")
        let edge = try workspace.run("predict", "inline.json", "--no-log")
        XCTAssertEqual(edge.status, 0, edge.stderr)
    }

    func testANegativeKIsNamed() throws {
        let workspace = try workspace()
        try workspace.write(#"["5E30LdtzQTGqRvNd7l6kG5"]"#, to: "one.json")
        XCTAssertFails(try workspace.run("predict", "one.json", "-k", "-1"), status: 64, "msr-predict: -k must be at least 1, got -1")
        XCTAssertFails(try workspace.run("predict", "one.json", "-k=-1"), status: 64, "msr-predict: -k must be at least 1, got -1")
        XCTAssertFails(try workspace.run("predict", "one.json", "-k", "0"), status: 64, "msr-predict: -k must be at least 1, got 0")
        XCTAssertFails(try workspace.run("predict", "one.json", "-k", "ten"), status: 64, "msr-predict: -k must be a whole number, got \"ten\"")
    }

    func testAnEmptySliceIsNoPlaylist() throws {
        let workspace = try workspace()
        try workspace.write(#"{"info": {}, "playlists": []}"#, to: "empty-slice.json")
        XCTAssertFails(try workspace.run("predict", "empty-slice.json"), status: 65,
                       "msr-predict: empty-slice.json: playlists: no playlist (an empty slice)")
    }

    func testEvaluationParamsHaveRanges() throws {
        let workspace = try workspace()
        let cases = [("playlists: 500", "playlists: 20000000", "evaluate_recommender.playlists: expected an integer in [1, 10000], got \"20000000\""),
                     ("min_tracks: 10", "min_tracks: 501", "evaluate_recommender.min_tracks: expected an integer in [1, 500], got \"501\""),
                     ("max_tracks: 30", "max_tracks: 501", "evaluate_recommender.max_tracks: expected an integer in [10, 500], got \"501\""),
                     ("k: 10\n  random_state", "k: 101\n  random_state", "evaluate_recommender.k: expected an integer in [1, 100], got \"101\"")]
        for (good, bad, message) in cases {
            try workspace.edit("params.yaml", good, bad)
            let result = try workspace.run("evaluate", "--recommender")
            try workspace.edit("params.yaml", bad, good)
            XCTAssertEqual(result.status, 65, result.stderr)
            // The line moves as params.yaml grows: the key path and the range are what matter.
            XCTAssertTrue(result.stderr.hasPrefix("msr-evaluate: params.yaml:") && result.stderr.hasSuffix(": " + message + "\n"), result.stderr)
        }
    }

    /// `msr-predict -` reads standard input: a JSON playlist, or JSON Lines (one playlist per
    /// line), answered one JSON line per playlist in the same order.
    func testReadsPlaylistsFromStandardInput() throws {
        let workspace = try workspace()
        try workspace.write(playlist, to: "playlist.json")
        let fromFile = try workspace.run("predict", "playlist.json", "--no-log")
        let piped = try workspace.run("predict", input: playlist, "-", "--no-log")
        XCTAssertEqual(piped.status, 0, piped.stderr)
        XCTAssertEqual(piped.stdout, fromFile.stdout)

        let lines = [#"{"pid": 3, "tracks": ["5E30LdtzQTGqRvNd7l6kG5"]}"#, #"["09gysnJpfQ3ublBmJDfcEC", "2K7xn816oNHJZ0aVqdQsha"]"#,
                     #"{"pid": 1, "tracks": ["2K7xn816oNHJZ0aVqdQsha"]}"#]
        let before = workspace.read("data/reco/recommendations.jsonl") ?? ""
        let many = try workspace.run("predict", input: lines.joined(separator: "\n") + "\n", "-")
        XCTAssertEqual(many.status, 0, many.stderr)
        let answers = many.stdout.split(separator: "\n")
        guard answers.count == 3 else { return XCTFail("expected three JSON lines, got: \(many.stdout)") }
        for (n, line) in lines.enumerated() {
            try workspace.write(line, to: "line.json")
            let alone = try workspace.run("predict", "line.json", "--no-log").stdout
            let expected = try JSONSerialization.jsonObject(with: Data(alone.utf8)) as? NSDictionary
            XCTAssertEqual(try JSONSerialization.jsonObject(with: Data(answers[n].utf8)) as? NSDictionary, expected, "line \(n + 1)")
        }
        let logged = (workspace.read("data/reco/recommendations.jsonl") ?? "").dropFirst(before.count).split(separator: "\n")
        XCTAssertEqual(logged.count, 3)
        XCTAssertEqual(logged.map { (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["pid"] as? Int },
                       [3, nil, 1])

        // --format jsonl: one line per playlist whatever their count, the same objects.
        let jsonl = try workspace.run("predict", input: lines.joined(separator: "\n") + "\n", "-", "--no-log", "--format", "jsonl")
        XCTAssertEqual(jsonl.stdout, answers.map { $0 + "\n" }.joined())
        let one = try workspace.run("predict", input: lines[0] + "\n", "-", "--no-log", "--format", "jsonl")
        XCTAssertEqual(one.stdout, answers[0] + "\n", "one playlist is one line too")
        XCTAssertFails(try workspace.run("predict", input: lines[0] + "\n[\"nope\"]\n", "-", "--no-log"), status: 65,
                       "msr-predict: stdin:2: [0]: expected a Spotify track id, spotify:track: URI or open.spotify.com track URL, got \"nope\"")
        XCTAssertFails(try workspace.run("predict", input: "", "-", "--no-log"), status: 65, "msr-predict: stdin: no playlist (empty input)")
    }

    /// Each song's audio features as its to_rec CSV row gives them (uri and genre left out).
    func features(_ workspace: Workspace) throws -> [String: Substring] {
        var features: [String: Substring] = [:]
        for label in 0..<10 {
            for line in try XCTUnwrap(workspace.read("data/to_rec/to_rec_\(label).csv")).split(separator: "\n").dropFirst() {
                let comma = line.firstIndex(of: ",")!
                features[String(line[..<comma])] = line[line.index(after: line[line.index(after: comma)...].firstIndex(of: ",")!)...]
            }
        }
        return features
    }

    /// 6qxqttcwmFodaFyhaCvIiT shares its features with 35 other ids of r-n-b: a top ten once held
    /// the same recording six times. Each recording is recommended once, and never one in the
    /// playlist under another id.
    func testARecordingIsRecommendedOnce() throws {
        let workspace = try workspace()
        let features = try features(workspace)
        for (id, k) in [("6qxqttcwmFodaFyhaCvIiT", "10"), ("5E30LdtzQTGqRvNd7l6kG5", "300")] {
            let result = try workspace.run("predict", "--no-log", "-k", k, "--similar-to", id)
            XCTAssertEqual(result.status, 0, result.stderr)
            try workspace.write("[\"\(id)\"]", to: "one.json")
            let playlist = try workspace.run("predict", "--no-log", "-k", k, "one.json")
            XCTAssertEqual(playlist.status, 0, playlist.stderr)
            for output in [result.stdout, playlist.stdout] {
                let object = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
                let uris = try XCTUnwrap((object?["recommendations"] as? [[String: Any]])?.compactMap { $0["uri"] as? String })
                XCTAssertEqual(uris.count, Int(k), "still k results")
                let rows = try uris.map { try XCTUnwrap(features[$0], $0) }
                XCTAssertEqual(Set(rows).count, rows.count, "distinct recordings for \(id)")
                XCTAssertFalse(rows.contains(try XCTUnwrap(features[id])), "the playlist's own recording under another id")
            }
        }
    }

    /// The nearest songs to `row` by brute force over the song index: each recording once, the
    /// song's own never; within its genre with `sameGenre`.
    func nearest(_ index: SongIndex, to row: Int, k: Int, sameGenre: Bool) -> [String] {
        let d = index.dimension
        func point(_ i: Int) -> [Float] { Array(index.points[(i * d)..<((i + 1) * d)]) }
        func distance(_ i: Int) -> Double {
            var sum = 0.0
            for (a, b) in zip(point(i), point(row)) { sum += (Double(a) - Double(b)) * (Double(a) - Double(b)) }
            return sum
        }
        let candidates = (0..<index.count).filter { !sameGenre || index.labels[$0] == index.labels[row] }
        let ranked: [(Int, Double)] = candidates.map { ($0, distance($0)) }.sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }
        var taken: [Int] = []
        for (i, _) in ranked where taken.count < k && point(i) != point(row) && !taken.contains(where: { point($0) == point(i) }) {
            taken.append(i)
        }
        return taken.map { index.uris[$0] }
    }

    /// 1ko2lVN0vKGUl9zrU0qSlT is labelled jazz, and the classifier once called it hip-hop and
    /// gave only hip-hop songs: its genre is a fact, and similar songs are its nearest
    /// neighbours, catalogue-wide or with --same-genre within jazz.
    func testSimilarToAKnownJazzSongIsItsNearestNeighbours() throws {
        let workspace = try workspace()
        let index = try SongIndex.read(workspace.path + "/models/catalog.msrix")
        let id = "1ko2lVN0vKGUl9zrU0qSlT"
        let row = try XCTUnwrap((0..<index.count).first { index.uris[$0] == id })
        XCTAssertEqual(index.genres[Int(index.labels[row])], "jazz")
        for sameGenre in [false, true] {
            let result = sameGenre ? try workspace.run("predict", "--no-log", "--similar-to", id, "--same-genre")
                : try workspace.run("predict", "--no-log", "--similar-to", id)
            XCTAssertEqual(result.status, 0, result.stderr)
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            XCTAssertEqual(object["predicted_genre"] as? String, "jazz", "its label")
            let picks = try XCTUnwrap(object["recommendations"] as? [[String: Any]])
            XCTAssertEqual(picks.compactMap { $0["uri"] as? String }, nearest(index, to: row, k: 10, sameGenre: sameGenre),
                           sameGenre ? "--same-genre" : "catalogue-wide")
            if sameGenre { XCTAssertEqual(Set(picks.compactMap { $0["genre"] as? String }), ["jazz"]) }
        }
        XCTAssertFails(try workspace.run("predict", "--same-genre", "one.json"), status: 64, "msr-predict: --same-genre needs --similar-to TRACK")
    }

    /// Each recommended id comes with its open.spotify.com link: in the table, and as `url` in
    /// JSON; the log keeps its format (ids only) for msr-monitor.
    func testResultsLinkEachSong() throws {
        let workspace = try workspace()
        try workspace.write(#"["5E30LdtzQTGqRvNd7l6kG5"]"#, to: "one.json")
        let table = try workspace.run("predict", "one.json", "--no-log", "-k", "3", "--format", "table")
        XCTAssertEqual(table.status, 0, table.stderr)
        let lines = table.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 5, table.stdout)
        XCTAssertEqual(lines[1], "  #  uri                     genre         from     score  link")
        for line in lines.dropFirst(2) {
            let id = line.split(separator: " ")[1]
            XCTAssertTrue(line.hasSuffix("  https://open.spotify.com/track/\(id)"), String(line))
        }
        let json = try workspace.run("predict", "one.json", "-k", "3")
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let picks = try XCTUnwrap(object?["recommendations"] as? [[String: Any]])
        XCTAssertEqual(picks.map { $0["url"] as? String }, picks.map { "https://open.spotify.com/track/\($0["uri"] as? String ?? "")" })
        let logged = try XCTUnwrap(workspace.read("data/reco/recommendations.jsonl")?.split(separator: "\n").last)
        let line = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(logged.utf8)) as? [String: Any])
        XCTAssertEqual(line["recommendations"] as? [String], picks.compactMap { $0["uri"] as? String }, "the log keeps bare ids")
    }

    func testNoPlaylistAndNoTrackSaysWhatToGive() throws {
        let workspace = try Workspace()
        XCTAssertFails(try workspace.run("predict"), status: 64,
                       "msr-predict: give a playlist file (- for standard input) or --similar-to TRACK")
    }

    /// `--help` prints the help alone: the checks of the arguments wait for a run (ArgumentParser's
    /// validate() also ran for --help, and its line printed beside the help).
    func testHelpPrintsNoError() throws {
        let workspace = try Workspace()
        let help = try workspace.run("predict", "--help")
        XCTAssertEqual(help.status, 0)
        XCTAssertEqual(help.stderr, "")
        XCTAssertTrue(help.stdout.contains("USAGE: msr-predict"), help.stdout)
        let monitor = try workspace.run("monitor", "--fail-under", "2", "--help")
        XCTAssertEqual(monitor.status, 0)
        XCTAssertEqual(monitor.stderr, "")
    }

    /// A report that cannot be written (standard output full or closed) is an error, exit 74, not
    /// a lost answer with exit 0.
    func testAFullStandardOutputIsAnError() throws {
        let workspace = try workspace()
        try workspace.write(playlist, to: "playlist.json")
        XCTAssertFails(try workspace.runWithFullStandardOutput("predict", "playlist.json", "--no-log"), status: 74,
                       "msr-predict: stdout: cannot write the output (No space left on device)")
    }

    /// A playlist's name is shown quoted, its control characters escaped: a line break or an
    /// escape sequence in it cannot forge lines of the table.
    func testTheTableEscapesThePlaylistName() throws {
        let workspace = try workspace()
        let named = #"{"name": "mix\n\u001b[2Jmsr-predict: fake", "tracks": ["5E30LdtzQTGqRvNd7l6kG5"]}"#
        let table = try workspace.run("predict", input: named, "-", "--no-log", "--format", "table")
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertTrue(table.stdout.hasPrefix(#""mix\n\u{1B}[2Jmsr-predict: fake": 1 of 1 tracks known"#), table.stdout)
        XCTAssertFalse(table.stdout.contains("\u{1B}"))
    }

    /// A recommendations log that cannot be opened is named with its config key (74), and the
    /// recommendations are not printed as if logged.
    func testAnUnopenableLogIsNamedWithItsKey() throws {
        let workspace = try workspace()
        try workspace.write(playlist, to: "playlist.json")
        // A config of its own: the workspace is shared by this class's tests.
        let config = try XCTUnwrap(workspace.read("config.yaml"))
        try workspace.write(config.replacingOccurrences(of: "log: data/reco/recommendations.jsonl", with: "log: /proc/self/x.jsonl"),
                            to: "config-proc-log.yaml")
        let result = try workspace.run("predict", "--config", "config-proc-log.yaml", "playlist.json")
        XCTAssertFails(result, status: 74,
                       "msr-predict: /proc/self/x.jsonl: cannot open the recommendations log (prediction.log): No such file or directory")
        XCTAssertEqual(result.stdout, "")
    }

    func testANegativePidIsNamedOnOneLine() throws {
        let workspace = try Workspace()
        XCTAssertFails(try workspace.run("predict", "slice.json", "--pid", "-1"), status: 64,
                       "msr-predict: --pid must be a whole number from 0, got \"-1\"")
    }
}
