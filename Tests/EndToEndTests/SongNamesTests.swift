import MSRCore
import MSRTestSupport
import XCTest

/// Songs' names, artists and albums, from a Kaggle-layout dataset that has them to
/// msr-predict's answers.
final class SongNamesTests: XCTestCase {
    /// The embedded dataset in the Kaggle layout with text columns: every song gets a name,
    /// artists and album (`Song <row>`, ...), the first a name with a comma and quotes.
    func kaggleWorkspace() throws -> (workspace: Workspace, names: [String: (name: String, artists: String, album: String)]) {
        let workspace = try Workspace()
        let csv = String(decoding: try DatasetArchive.readCSV(zipPath: "\(workspace.path)/data/raw/dataset.zip", maxBytes: 1 << 30).bytes,
                         as: UTF8.self)
        var lines = csv.split(whereSeparator: \.isNewline).map(String.init)  // CRLF in the embedded CSV
        var names: [String: (name: String, artists: String, album: String)] = [:]
        lines[0] = ",track_id,artists,album_name,track_name," + lines[0].split(separator: ",", maxSplits: 1)[1]
        for row in 1..<lines.count {
            let id = String(lines[row].prefix(22))
            let song = row == 1 ? (name: #"Say "Hi", Jo"#, artists: "Smith, Jo", album: "Best of")
                : (name: "Song \(row)", artists: "Artist \(row % 40)", album: "Album \(row % 90)")
            names[id] = song
            let quoted = [song.artists, song.album, song.name].map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
            lines[row] = "\(row - 1),\(id),\(quoted.joined(separator: ",")),\(lines[row].dropFirst(23))"
        }
        try makeZip(at: "\(workspace.path)/data/raw/dataset.zip", [("dataset.csv", lines.joined(separator: "\n") + "\n")])
        // A few rounds: these tests are about the names, not the classifier.
        try workspace.edit("params.yaml", "n_estimators: 250", "n_estimators: 5")
        return (workspace, names)
    }

    func testNamesFlowFromTheDatasetToTheTableAndTheJSON() throws {
        let (workspace, names) = try kaggleWorkspace()
        try workspace.runPipeline()
        for stage in ["train", "cluster"] {
            let result = try workspace.run(stage)
            XCTAssertEqual(result.status, 0, result.stderr)
        }
        let songBase = try XCTUnwrap(workspace.read("data/raw/song_df.csv"))
        XCTAssertTrue(songBase.hasPrefix("uri,genre,key,acousticness,danceability,energy,instrumentalness,loudness,speechiness,"
            + "valence,tempo,track_name,artists,album_name\n5E30LdtzQTGqRvNd7l6kG5,alternative,10,0.0678,0.588,0.521,0.149,"
            + #"-9.461,0.0329,0.337,85.012,"Say ""Hi"", Jo","Smith, Jo",Best of"# + "\n"), String(songBase.prefix(400)))
        XCTAssertTrue(try XCTUnwrap(workspace.read("data/to_rec/to_rec_0.csv")).contains(#","Say ""Hi"", Jo","Smith, Jo",Best of"#))

        // The models' files hold the features only: the same bytes as from the dataset without names.
        let plain = try Workspace()
        try plain.edit("params.yaml", "n_estimators: 250", "n_estimators: 5")
        try plain.runPipeline()
        for file in ["X_train.csv", "X_test.csv", "y_train.csv", "uris_test.csv", "scaler.json"] {
            XCTAssertEqual(workspace.bytes("data/processed/\(file)"), plain.bytes("data/processed/\(file)"), file)
        }

        try workspace.write(#"{"name": "mix", "tracks": ["5E30LdtzQTGqRvNd7l6kG5", "09gysnJpfQ3ublBmJDfcEC"]}"#, to: "playlist.json")
        let table = try workspace.run("predict", "playlist.json", "--format", "table", "-k", "5")
        XCTAssertEqual(table.status, 0, table.stderr)
        let rows = table.stdout.split(separator: "\n").dropFirst(2)
        XCTAssertEqual(rows.count, 5, table.stdout)
        for row in rows {
            let id = String(row.dropFirst(5).prefix(22))
            let song = try XCTUnwrap(names[id], "\(row)")
            XCTAssertTrue(row.hasSuffix("  https://open.spotify.com/track/\(id)  \(song.name) — \(song.artists)"), "\(row)")
        }

        let json = try workspace.run("predict", "playlist.json", "-k", "5")
        XCTAssertEqual(json.status, 0, json.stderr)
        let output = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let picks = try XCTUnwrap(output["recommendations"] as? [[String: Any]])
        XCTAssertEqual(picks.count, 5)
        for pick in picks {
            let id = try XCTUnwrap(pick["uri"] as? String)
            let song = try XCTUnwrap(names[id])
            XCTAssertEqual(pick["name"] as? String, song.name)
            XCTAssertEqual(pick["artists"] as? String, song.artists)
            XCTAssertEqual(pick["album"] as? String, song.album)
            XCTAssertEqual(pick["url"] as? String, "https://open.spotify.com/track/\(id)")
        }
        // The log keeps its layout (msr-monitor reads it): ids only.
        let log = try XCTUnwrap(workspace.read("data/reco/recommendations.jsonl")).split(separator: "\n")
        let line = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(log.last!.utf8)) as? [String: Any])
        XCTAssertEqual(line["recommendations"] as? [String], picks.compactMap { $0["uri"] as? String })
        XCTAssertEqual(try workspace.run("monitor").status, 0)

        // Without names (the embedded dataset), a pick has its link and nothing else new.
        for stage in ["train", "cluster"] { XCTAssertEqual(try plain.run(stage).status, 0) }
        try plain.write(#"["5E30LdtzQTGqRvNd7l6kG5"]"#, to: "playlist.json")
        let bare = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try plain.run("predict", "playlist.json", "-k", "1").stdout.utf8))
            as? [String: Any])
        let pick = try XCTUnwrap((bare["recommendations"] as? [[String: Any]])?.first)
        XCTAssertEqual(Set(pick.keys), ["uri", "genre", "score", "url", "source"])
    }

    func testFedSongsWithoutNamesJoinANamedBase() throws {
        let (workspace, _) = try kaggleWorkspace()
        XCTAssertEqual(try workspace.run("ingest").status, 0)
        try workspace.write("uri,genre,key,acousticness,danceability,energy,instrumentalness,loudness,speechiness,valence,tempo\n"
            + "N00000000000000000000A,rock,1,0.5,0.5,0.5,0.5,-5,0.5,0.5,120\n", to: "data/new/batch.csv")
        let feed = try workspace.run("feed")
        XCTAssertEqual(feed.status, 0, feed.stderr)
        let fed = try XCTUnwrap(workspace.read("data/raw/song_df.csv"))
        XCTAssertTrue(fed.hasSuffix("\nN00000000000000000000A,rock,1,0.5,0.5,0.5,0.5,-5.0,0.5,0.5,120.0,,,\n"), String(fed.suffix(200)))
        XCTAssertEqual(try workspace.run("validate").status, 0)
        // msr-ingest rebuilds the very same base from the dataset and the additions.
        XCTAssertEqual(try workspace.run("ingest").status, 0)
        XCTAssertEqual(workspace.read("data/raw/song_df.csv"), fed)
    }
}
