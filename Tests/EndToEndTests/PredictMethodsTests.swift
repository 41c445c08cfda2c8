import Foundation
import MSRCore
import MSRTestSupport
import XCTest

/// msr-predict's methods and msr-evaluate's continuation figures, on the shared trained
/// workspace with the first 200 playlists of the embedded slice factorised (16 factors, 4
/// iterations: the debug build the tests run is slow at the defaults); the workspace is left as
/// it was found (no playlists, no factors, the same params).
extension PredictTests {
    func testMethodsWithTheFactorsAndTheContinuationFigures() throws {
        let workspace = try workspace()
        XCTAssertFails(try workspace.run("predict", "--no-log", "--method", "cf", "--similar-to", "5E30LdtzQTGqRvNd7l6kG5"), status: 66,
                       "msr-predict: models/factors.msrf: factors file (run msr-factorize) not found")
        let contentOnly = try workspace.run("predict", "--no-log", "--similar-to", "5E30LdtzQTGqRvNd7l6kG5")
        XCTAssertEqual(try Self.object(contentOnly.stdout)["method"] as? String, "content", "content without factors")

        let slice = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath:
            "\(Workspace.repository)/data/playlists/mpd.slice.0-999.json"))) as? [String: Any])
        let playlists = try XCTUnwrap(slice["playlists"] as? [Any])
        try workspace.write(String(decoding: try JSONSerialization.data(withJSONObject: ["info": [:], "playlists": Array(playlists.prefix(200))]),
                                   as: UTF8.self), to: "data/playlists/mpd.slice.0-199.json")
        let params = try XCTUnwrap(workspace.read("params.yaml"))
        defer {
            try? workspace.write(params, to: "params.yaml")
            try? FileManager.default.removeItem(atPath: "\(workspace.path)/data/playlists")
            try? FileManager.default.removeItem(atPath: "\(workspace.path)/models/factors.msrf")
        }
        try workspace.edit("params.yaml", "  factors: 64\n", "  factors: 16\n")
        try workspace.edit("params.yaml", "  iterations: 15\n", "  iterations: 4\n")
        XCTAssertEqual(try workspace.run("factorize").status, 0)

        // More playlists than `CollaborativeFilter.boundsPayOff` are ranked through the scores'
        // bounds, fewer by every track's score: the same lines for the playlists both runs have.
        try workspace.write(String(decoding: try JSONSerialization.data(withJSONObject: ["info": [:], "playlists": Array(playlists.prefix(300))]),
                                   as: UTF8.self), to: "data/playlists/mpd.slice.0-299.json")
        XCTAssertGreaterThan(300, CollaborativeFilter.boundsPayOff)
        XCTAssertLessThanOrEqual(200, CollaborativeFilter.boundsPayOff)
        let arguments = ["--no-log", "--method", "hybrid", "--format", "jsonl", "-k", "20"]
        let fewer = try workspace.run("predict", arguments: ["data/playlists/mpd.slice.0-199.json"] + arguments)
        let more = try workspace.run("predict", arguments: ["data/playlists/mpd.slice.0-299.json"] + arguments)
        XCTAssertEqual(fewer.status, 0, fewer.stderr)
        XCTAssertEqual(more.status, 0, more.stderr)
        let fewerLines = fewer.stdout.split(separator: "\n"), moreLines = more.stdout.split(separator: "\n")
        XCTAssertEqual(fewerLines.count, 200)
        XCTAssertEqual(moreLines.count, 300)
        XCTAssertEqual(Array(moreLines.prefix(200)), fewerLines)

        // The first playlist of the slice, as msr-predict reads an MPD playlist.
        let first = try XCTUnwrap(playlists.first as? [String: Any])
        try workspace.write(String(decoding: try JSONSerialization.data(withJSONObject: first), as: UTF8.self), to: "first.json")
        let tracks = Set(try XCTUnwrap(first["tracks"] as? [[String: Any]]).compactMap { ($0["track_uri"] as? String)?.split(separator: ":").last.map(String.init) })
        let standard = try Self.object(try workspace.run("predict", "--no-log", "first.json").stdout)
        XCTAssertEqual(standard["method"] as? String, "hybrid", "hybrid by default once the factors exist")
        for method in ["content", "cf", "hybrid"] {
            let result = try workspace.run("predict", "--no-log", "--method", method, "first.json")
            XCTAssertEqual(result.status, 0, result.stderr)
            let object = try Self.object(result.stdout)
            let picks = try XCTUnwrap(object["recommendations"] as? [[String: Any]])
            XCTAssertEqual(picks.count, 10, method)
            XCTAssertTrue(picks.allSatisfy { !tracks.contains($0["uri"] as? String ?? "") }, "never the playlist's own: \(method)")
            let sources = Set(picks.compactMap { $0["source"] as? String })
            XCTAssertTrue(sources.isSubset(of: method == "content" ? ["content"] : method == "cf" ? ["cf"] : ["cf", "both", "content"]),
                          "\(method): \(sources)")
        }
        XCTAssertFails(try workspace.run("predict", "--method", "knn", "first.json"), status: 64,
                       "msr-predict: the value 'knn' is invalid for '--method <method>'. Please provide one of 'content', 'cf' or 'hybrid'. "
                       + "(see msr-predict --help)")

        let evaluation = try workspace.run("evaluate", "--recommender")
        XCTAssertEqual(evaluation.status, 0, evaluation.stderr)
        XCTAssertTrue(evaluation.stdout.contains(" held-out playlists NDCG@10 popularity "), evaluation.stdout)
        let metrics = try XCTUnwrap(try JSONSerialization.jsonObject(with: XCTUnwrap(workspace.bytes("metrics/reco_metrics.json"))) as? [String: Any])
        let continuation = try XCTUnwrap(metrics["continuation"] as? [String: Any])
        // The slice's 200 and the playlists other tests logged: a tenth held out.
        let all = try XCTUnwrap(continuation["playlists"] as? Int), heldOut = try XCTUnwrap(continuation["held_out_playlists"] as? Int)
        XCTAssertGreaterThanOrEqual(all, 200)
        XCTAssertEqual(heldOut, Int((Double(all) / 10).rounded()))
        XCTAssertEqual(continuation["training_playlists"] as? Int, all - heldOut)
        let keys: Set = ["r_precision", "ndcg_at_10", "recall_at_10", "recall_at_500", "hit_rate_at_10", "cases", "cold"]
        for method in ["popularity", "content", "cf", "hybrid"] {
            let figures = try XCTUnwrap(continuation[method] as? [String: Any], method)
            XCTAssertEqual(Set(figures.keys), keys, method)
            XCTAssertEqual(Set(try XCTUnwrap(figures["cold"] as? [String: Any]).keys), keys.subtracting(["cold"]), method)
            XCTAssertNotNil((continuation["first_5"] as? [String: Any])?[method], method)
        }
        func ndcg(_ method: String) -> Double { (continuation[method] as? [String: Any])?["ndcg_at_10"] as? Double ?? -1 }
        XCTAssertGreaterThan(ndcg("cf"), ndcg("popularity"), "co-occurrence beats popularity")
        XCTAssertGreaterThan(ndcg("hybrid"), ndcg("cf"), "the cell popularity adds to cf")
        XCTAssertGreaterThan(ndcg("hybrid"), ndcg("content"))
        let before = workspace.bytes("metrics/reco_metrics.json")
        XCTAssertEqual(try workspace.run("evaluate", "--recommender").status, 0)
        XCTAssertEqual(workspace.bytes("metrics/reco_metrics.json"), before, "the same figures again")
    }

    static func object(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
    }
}
