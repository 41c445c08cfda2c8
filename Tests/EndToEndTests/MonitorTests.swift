import MSRTestSupport
import XCTest

/// msr-monitor on a hand-made log.
final class MonitorTests: XCTestCase {
    func log(_ similarities: [(String, Double)]) -> String {
        similarities.enumerated().map { n, call in
            #"{"pid":\#(n),"predicted_genre":"\#(call.0)","recommendations":[],"similarity":\#(call.1),"time":"2026-01-01T00:00:\#(n)Z"}"#
        }.joined(separator: "\n") + "\n"
    }

    func testFiguresTrendAndPage() throws {
        let workspace = try Workspace()
        // Twelve calls: rolling window 10 covers the last ten (0.3 x 8, 0.1, 0.1): mean 0.26.
        let calls = [("pop", 0.9), ("pop", 0.5)] + Array(repeating: ("rock", 0.3), count: 8) + [("jazz", 0.1), ("jazz", 0.1)]
        try workspace.write(log(calls), to: "data/reco/recommendations.jsonl")
        let result = try workspace.run("monitor")
        XCTAssertEqual(result.status, 0, result.stderr)
        let metrics = try JSONSerialization.jsonObject(with: XCTUnwrap(workspace.bytes("metrics/monitoring.json"))) as? [String: Any]
        XCTAssertEqual(metrics?["calls"] as? Int, 12)
        XCTAssertEqual(try XCTUnwrap(metrics?["mean_similarity"] as? Double), 4.0 / 12, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(metrics?["rolling_mean_similarity"] as? Double), 0.26, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(metrics?["share_under_threshold"] as? Double), 2.0 / 12, accuracy: 1e-12)
        XCTAssertEqual(metrics?["calls_per_genre"] as? [String: Int], ["pop": 2, "rock": 8, "jazz": 2])
        let trend = try XCTUnwrap(workspace.read("metrics/similarity_trend.csv")).split(separator: "\n")
        XCTAssertEqual(trend.count, 13)
        XCTAssertEqual(trend[0], "call,time,genre,similarity,rolling_mean")
        XCTAssertEqual(trend[2], "2,2026-01-01T00:00:1Z,pop,0.5,0.7")
        let page = try XCTUnwrap(workspace.read("metrics/monitoring.html"))
        XCTAssertTrue(page.contains("<svg"))
        XCTAssertEqual(page.components(separatedBy: "<circle").count - 1, 12)
        XCTAssertTrue(page.contains("<polyline"))
        XCTAssertFalse(page.contains("src=") || page.contains("href="), "self-contained: nothing loaded from elsewhere")
        XCTAssertFalse(page.contains("<script"))

        XCTAssertFails(try workspace.run("monitor", "--fail-under", "0.3"), status: 1,
                       "msr-monitor: rolling mean similarity 0.2600 over the last 10 calls is under --fail-under 0.3 (data/reco/recommendations.jsonl)")
        XCTAssertEqual(try workspace.run("monitor", "--fail-under", "0.25").status, 0)
    }

    func testABrokenLogLineIsNamed() throws {
        let workspace = try Workspace()
        try workspace.write(log([("pop", 0.5)]) + "not json\n", to: "data/reco/recommendations.jsonl")
        XCTAssertFails(try workspace.run("monitor"), status: 65,
                       "msr-monitor: data/reco/recommendations.jsonl:2: expected a logged call (a JSON object with predicted_genre and similarity)")
        XCTAssertFalse(workspace.exists("metrics"))
    }

    func testNoLogYetIsZeroCalls() throws {
        let workspace = try Workspace()
        let result = try workspace.run("monitor")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix("msr-monitor: 0 calls"), result.stdout)
    }
}
