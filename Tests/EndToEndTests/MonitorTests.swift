import MSRCore
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
        XCTAssertFalse(page.contains("calls drawn"), "every call drawn")
        XCTAssertTrue(page.contains("<polyline"))
        // Labelled axes: similarity ticks, the first and last call.
        XCTAssertTrue(page.contains(">similarity</text>") && page.contains(">1.00</text>") && page.contains(">0.00</text>"))
        XCTAssertTrue(page.contains(">call 1</text>") && page.contains(">call 12</text>"))
        XCTAssertFalse(page.contains("src=") || page.contains("href="), "self-contained: nothing loaded from elsewhere")
        XCTAssertFalse(page.contains("<script"))

        XCTAssertFails(try workspace.run("monitor", "--fail-under", "0.3"), status: 1,
                       "msr-monitor: rolling mean similarity 0.2600 over the last 10 calls is under --fail-under 0.3 (data/reco/recommendations.jsonl)")
        XCTAssertEqual(try workspace.run("monitor", "--fail-under", "0.25").status, 0)
    }

    /// A call's time reaches the trend when it is a printable stamp of at most 64 bytes; a
    /// longer one, or one with a control character, is left empty and the call kept.
    func testOnlyAShortPrintableTimeIsKept() throws {
        let workspace = try Workspace()
        let times = ["2026-01-01T00:00:01Z", String(repeating: "9", count: 64), String(repeating: "9", count: 65), "a\\u0007b"]
        let lines = times.map { #"{"predicted_genre":"pop","similarity":0.5,"time":"\#($0)"}"# }
        try workspace.write(lines.joined(separator: "\n") + "\n", to: "data/reco/recommendations.jsonl")
        let report = try MonitorReport.read(log: "\(workspace.path)/data/reco/recommendations.jsonl", params: MonitorParams())
        XCTAssertEqual(report.calls.map(\.time), [times[0], times[1], "", ""])
    }

    /// The report msr-monitor writes from is the one the service's page shows: the same
    /// figures, the same chart, and calls and mean similarity per genre.
    func testTheReportHoldsTheFiguresAndTheChartOfThePage() throws {
        let workspace = try Workspace()
        let calls = [("pop", 0.9), ("rock", 0.5), ("pop", 0.1), ("<b>jazz</b>", 0.3)]
        try workspace.write(log(calls), to: "data/reco/recommendations.jsonl")
        XCTAssertEqual(try workspace.run("monitor").status, 0)
        var params = MonitorParams()
        params.rollingWindow = 3
        let report = try MonitorReport.read(log: "\(workspace.path)/data/reco/recommendations.jsonl", params: params)
        XCTAssertEqual(report.calls.map(\.genre), ["pop", "rock", "pop", "<b>jazz</b>"])
        XCTAssertEqual(report.mean, 1.8 / 4, accuracy: 1e-12)
        XCTAssertEqual(report.window, 3)
        XCTAssertEqual(report.rolling.count, 4)
        XCTAssertEqual(report.rollingMean, 0.9 / 3, accuracy: 1e-12)
        XCTAssertEqual(report.underThreshold, 1)
        XCTAssertEqual(report.shareUnderThreshold, 0.25)
        XCTAssertEqual(report.genres.map(\.name), ["<b>jazz</b>", "pop", "rock"])
        XCTAssertEqual(report.genres.map(\.calls), [1, 2, 1])
        XCTAssertEqual(report.genres.map(\.color), ["#1f77b4", "#ff7f0e", "#2ca02c"])
        XCTAssertEqual(report.genres[1].meanSimilarity, 0.5, accuracy: 1e-12)
        XCTAssertTrue(report.svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        XCTAssertTrue(report.svg.hasSuffix("</svg>"))
        XCTAssertTrue(report.svg.contains("&lt;b&gt;jazz&lt;/b&gt;"))
        XCTAssertFalse(report.svg.contains("<b>"))
        // With params.yaml's window (10), the chart is the one in monitoring.html.
        let page = try XCTUnwrap(workspace.read("metrics/monitoring.html"))
        XCTAssertTrue(page.contains(try MonitorReport.read(log: "\(workspace.path)/data/reco/recommendations.jsonl", params: MonitorParams()).svg))
        XCTAssertFalse(page.contains(report.svg), "another window, another rolling mean")
    }

    /// A long log's chart draws 2,000 of its calls, evenly spaced (the first and the last
    /// among them), and a rolling-mean line of 720 points; its figures still count every call.
    func testALongLogsChartDrawsAnEvenSampleOfItsCalls() throws {
        let workspace = try Workspace()
        let calls = (0..<10_000).map { n in (n % 2 == 0 ? "pop" : "rock", Double(n % 100) / 100) }
        try workspace.write(log(calls), to: "data/reco/recommendations.jsonl")
        let report = try MonitorReport.read(log: "\(workspace.path)/data/reco/recommendations.jsonl", params: MonitorParams())
        XCTAssertEqual(report.calls.count, 10_000)
        XCTAssertEqual(report.genres.map(\.calls), [5_000, 5_000])
        let svg = report.svg
        XCTAssertEqual(svg.components(separatedBy: "<circle").count - 1, 2_000)
        XCTAssertTrue(svg.contains("<title>call 1: pop 0.000</title>") && svg.contains("<title>call 10000: rock 0.990</title>"))
        XCTAssertTrue(svg.contains(">2000 of 10000 calls drawn, evenly spaced</text>"))
        let line = try XCTUnwrap(svg.components(separatedBy: "<polyline points=\"").last?.components(separatedBy: "\"").first)
        XCTAssertEqual(line.split(separator: " ").count, 720)
        XCTAssertLessThan(svg.utf8.count, 400_000)
        XCTAssertEqual(try workspace.run("monitor").status, 0)
        let page = try XCTUnwrap(workspace.read("metrics/monitoring.html"))
        XCTAssertEqual(page.components(separatedBy: "<circle").count - 1, 2_000)
        XCTAssertTrue(page.contains(">2000 of 10000 calls drawn, evenly spaced</text>"))
    }

    /// The service's reader of the log, which reads only what was appended since its last
    /// read, gives the report of the whole log at every step: lines appended, a line half
    /// written and then finished, unreadable lines (numbered as in the whole log), the log
    /// replaced by another file, cut shorter, and removed.
    func testTheLogReaderThatComesBackReportsAsTheWholeLogDoes() throws {
        let workspace = try Workspace()
        let path = "\(workspace.path)/data/reco/recommendations.jsonl"
        var reader = MonitorLogReader()
        var params = MonitorParams()
        params.rollingWindow = 3
        func check(_ step: String, calls: Int, skipped: Int, line: Int? = nil) throws {
            try reader.update(log: path)
            let whole = try MonitorReport.read(log: path, params: params), read = reader.report(params: params)
            XCTAssertEqual(read.calls.map(\.genre), whole.calls.map(\.genre), step)
            XCTAssertEqual(read.calls.map(\.similarity), whole.calls.map(\.similarity), step)
            XCTAssertEqual(Set(read.calls.map(\.time)), read.calls.isEmpty ? [] : [""], "\(step): no time kept")
            XCTAssertEqual(read.calls.count, calls, step)
            XCTAssertEqual(read.rolling, whole.rolling, step)
            XCTAssertEqual(read.skipped, whole.skipped, step)
            XCTAssertEqual(read.skipped, skipped, step)
            XCTAssertEqual(read.firstSkipped, whole.firstSkipped, step)
            if let line { XCTAssertEqual(read.firstSkipped?.hasPrefix("\(path):\(line):"), true, "\(step): \(read.firstSkipped ?? "")") }
        }
        func append(_ text: String) throws {
            let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
            handle.seekToEndOfFile()
            handle.write(Data(text.utf8))
            handle.closeFile()
        }
        try check("no log yet", calls: 0, skipped: 0)
        try workspace.write(log([("pop", 0.9), ("rock", 0.5)]), to: "data/reco/recommendations.jsonl")
        try check("two calls", calls: 2, skipped: 0)
        try append("\nnot a call\n" + #"{"predicted_genre":"jazz","similarity":0.25}"# + "\n")
        try check("an empty line, garbage and a call appended", calls: 3, skipped: 1, line: 4)
        try append(#"{"predicted_genre":"pop","simi"#)
        try check("a line half written", calls: 3, skipped: 2, line: 4)
        try append(#"larity":0.75}"# + "\n")
        try check("the line finished", calls: 4, skipped: 1, line: 4)
        try append(#"{"predicted_genre":"rock","similarity":0.5}"#)
        try check("a last line without its newline", calls: 5, skipped: 1)
        let replacement = "\(workspace.path)/replacement.jsonl"
        try log([("edm", 0.1)]).write(toFile: replacement, atomically: false, encoding: .utf8)
        XCTAssertEqual(rename(replacement, path), 0)
        try check("the log replaced by another file", calls: 1, skipped: 0)
        try append(#"{"predicted_genre":"edm","similarity":0.2}"# + "\n")
        try check("appended to the new file", calls: 2, skipped: 0)
        // Written over in place (the same inode), longer than before: read again from the start.
        let over = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        over.truncateFile(atOffset: 0)
        over.write(Data(log([("classical", 0.6), ("classical", 0.7), ("pop", 0.8), ("pop", 0.9)]).utf8))
        over.closeFile()
        try check("written over in place", calls: 4, skipped: 0)
        // Its last call's similarity written over with as many bytes, its start unchanged.
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let changed = text.replacingCharacters(in: try XCTUnwrap(text.range(of: "0.9", options: .backwards)), with: "0.1")
        XCTAssertEqual(changed.utf8.count, text.utf8.count)
        let same = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        same.write(Data(changed.utf8))
        same.closeFile()
        try check("its last line written over, the same size", calls: 4, skipped: 0)
        XCTAssertEqual(reader.report(params: params).calls.last?.similarity, 0.1)
        XCTAssertEqual(truncate(path, 0), 0)
        try append("x\n" + #"{"predicted_genre":"latin","similarity":0.3}"# + "\n")
        try check("the log cut and written again", calls: 1, skipped: 1, line: 1)
        // A sparse file past the most a log may hold: refused in one line, nothing allocated.
        XCTAssertEqual(truncate(path, off_t(RecommendationLog.maxReadBytes + 1)), 0)
        let tooLarge = "\(path): more than 4096 MiB, the most read as one recommendations log: split it"
        XCTAssertEqual(errorMessage { try reader.update(log: path) }, tooLarge)
        XCTAssertEqual(errorMessage { _ = try MonitorReport.read(log: path, params: params) }, tooLarge)
        XCTAssertEqual(unlink(path), 0)
        try check("the log removed", calls: 0, skipped: 0)
        XCTAssertEqual(mkdir(path, 0o755), 0)
        XCTAssertThrowsError(try reader.update(log: path), "a folder is not a log")
    }

    /// A log that a killed process, an older msr-predict or a stray write damaged: msr-monitor
    /// skips and counts what it cannot read, so the log can never block it.
    func testUnreadableLinesAreSkippedAndCounted() throws {
        let workspace = try Workspace()
        let good = log([("pop", 0.5), ("rock", 0.25)]).split(separator: "\n").map(String.init)
        let text = good[0] + "\n"
            + #"{"pid":1,"predicted_genre":"pop","recommendations":[],"similarity":null,"time":"2026-01-01T00:00:1Z"}"# + "\n"
            + "not json\n" + good[1] + "\n"
            + #"{"pid":3,"predicted_genre":"jazz","recommendations":["5E30Ld"# // killed mid-write: no newline
        try workspace.write(text, to: "data/reco/recommendations.jsonl")
        let result = try workspace.run("monitor")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "msr-monitor: 2 calls, mean similarity 0.3750, rolling mean over the last 2 0.3750, 0 under 0.15; "
            + "skipped 3 unreadable lines (first: data/reco/recommendations.jsonl:2: similarity: expected a finite number, got null) "
            + "-> metrics/monitoring.json, metrics/similarity_trend.csv, metrics/monitoring.html\n")
        let metrics = try JSONSerialization.jsonObject(with: XCTUnwrap(workspace.bytes("metrics/monitoring.json"))) as? [String: Any]
        XCTAssertEqual(metrics?["calls"] as? Int, 2)
        XCTAssertEqual(metrics?["skipped_lines"] as? Int, 3)
        XCTAssertEqual(metrics?["first_skipped"] as? String,
                       "data/reco/recommendations.jsonl:2: similarity: expected a finite number, got null")
        XCTAssertEqual(try XCTUnwrap(workspace.read("metrics/similarity_trend.csv")).split(separator: "\n").count, 3)

        XCTAssertFails(try workspace.run("monitor", "--strict"), status: 65,
                       "msr-monitor: data/reco/recommendations.jsonl:2: similarity: expected a finite number, got null")
        try workspace.write(good[0] + "\nnot json\n", to: "data/reco/recommendations.jsonl")
        XCTAssertFails(try workspace.run("monitor", "--strict"), status: 65,
                       "msr-monitor: data/reco/recommendations.jsonl:2: expected a logged call (a JSON object with predicted_genre and similarity)")
        try workspace.write(good[0] + "\n" + #"{"predicted_genre":"pop","similarity":0.3"#, to: "data/reco/recommendations.jsonl")
        XCTAssertFails(try workspace.run("monitor", "--strict"), status: 65,
                       "msr-monitor: data/reco/recommendations.jsonl:2: expected a logged call (a JSON object with predicted_genre and similarity)")
        let lenient = try workspace.run("monitor")
        XCTAssertEqual(lenient.status, 0, lenient.stderr)
        XCTAssertTrue(lenient.stdout.contains("1 calls, mean similarity 0.5000"), lenient.stdout)
        XCTAssertTrue(lenient.stdout.contains("skipped 1 unreadable line (first: data/reco/recommendations.jsonl:2: expected a logged call"),
                      lenient.stdout)
    }

    func testALogThatIsNotAFileIsAnErrorNotNoCall() throws {
        let workspace = try Workspace()
        try workspace.write(log([("pop", 0.5)]), to: "data/reco/recommendations.jsonl")
        XCTAssertEqual(try workspace.run("monitor").status, 0)
        let before = workspace.bytes("metrics/monitoring.json")
        try FileManager.default.removeItem(atPath: "\(workspace.path)/data/reco/recommendations.jsonl")
        XCTAssertEqual(mkfifo("\(workspace.path)/data/reco/recommendations.jsonl", 0o644), 0)
        XCTAssertFails(try workspace.run("monitor"), status: 66,
                       "msr-monitor: data/reco/recommendations.jsonl: is a FIFO, not a regular file (expected a recommendations log)")
        XCTAssertEqual(workspace.bytes("metrics/monitoring.json"), before, "the figures of the real calls stay")
    }

    func testAGenreWithControlCharactersIsAnUnreadableLine() throws {
        let workspace = try Workspace()
        try workspace.write(log([("pop", 0.5)]) + #"{"predicted_genre": "\u0000<b>", "similarity": 0.5}"# + "\n",
                            to: "data/reco/recommendations.jsonl")
        let result = try workspace.run("monitor")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains(#"skipped 1 unreadable line (first: data/reco/recommendations.jsonl:2: predicted_genre: expected a genre name, got "\0<b>")"#), result.stdout)
        XCTAssertFalse(try XCTUnwrap(workspace.read("metrics/similarity_trend.csv")).contains("\u{0}"))
    }

    func testASimilarityBeyondADoubleIsNamedSo() throws {
        let workspace = try Workspace()
        try workspace.write(log([("pop", 0.5)]) + #"{"predicted_genre": "pop", "similarity": 1e999}"# + "\n",
                            to: "data/reco/recommendations.jsonl")
        XCTAssertFails(try workspace.run("monitor", "--strict"), status: 65,
                       "msr-monitor: data/reco/recommendations.jsonl:2: similarity: expected a finite number in [-1, 1], "
                       + "got a number beyond the range of a double")
    }

    func testItsThreeOutputsAreWrittenAllOrNone() throws {
        let workspace = try Workspace()
        try workspace.write(log([("pop", 0.5)]), to: "data/reco/recommendations.jsonl")
        XCTAssertEqual(try workspace.run("monitor").status, 0)
        let before = ["metrics/monitoring.json", "metrics/similarity_trend.csv"].map { workspace.bytes($0) }
        // The page cannot be written (its name is too long for the system): neither may the others.
        try workspace.write(log([("pop", 0.5), ("rock", 0.1)]), to: "data/reco/recommendations.jsonl")
        try workspace.edit("config.yaml", "  html: metrics/monitoring.html", "  html: metrics/" + String(repeating: "x", count: 300) + ".html")
        let result = try workspace.run("monitor")
        XCTAssertEqual(result.status, 74, result.stderr)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
        XCTAssertEqual(["metrics/monitoring.json", "metrics/similarity_trend.csv"].map { workspace.bytes($0) }, before)
        XCTAssertEqual(workspace.files(under: "metrics"), ["monitoring.html", "monitoring.json", "similarity_trend.csv"],
                       "no temporary is left")
    }

    func testAReadableLogReportsNothingSkipped() throws {
        let workspace = try Workspace()
        try workspace.write(log([("pop", 0.5)]), to: "data/reco/recommendations.jsonl")
        let result = try workspace.run("monitor", "--strict")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertFalse(result.stdout.contains("skipped"), result.stdout)
        let metrics = try JSONSerialization.jsonObject(with: XCTUnwrap(workspace.bytes("metrics/monitoring.json"))) as? [String: Any]
        XCTAssertEqual(metrics?["skipped_lines"] as? Int, 0)
        XCTAssertNil(metrics?["first_skipped"])
    }

    func testFailUnderMustBeASimilarity() throws {
        let workspace = try Workspace()
        try workspace.write(log([("pop", 0.5)]), to: "data/reco/recommendations.jsonl")
        for value in ["nan", "inf", "-inf", "1.5", "-2"] {
            XCTAssertFails(try workspace.run("monitor", "--fail-under", value), status: 64,
                           "msr-monitor: --fail-under: expected a cosine similarity in [-1, 1], got \(value)")
        }
        XCTAssertFails(try workspace.run("monitor", "--fail-under", "-0.5x"), status: 64,
                       "msr-monitor: --fail-under: expected a cosine similarity in [-1, 1], got -0.5x")
        XCTAssertFalse(workspace.exists("metrics"), "a refused option runs nothing")
        XCTAssertEqual(try workspace.run("monitor", "--fail-under", "-0.5").status, 0, "a negative threshold is a value, not an option")
    }

    func testMonitorParamsHaveRanges() throws {
        let workspace = try Workspace()
        try workspace.edit("params.yaml", "rolling_window: 10", "rolling_window: 100000000")
        // The line moves as params.yaml grows: the key path and the range are what matter.
        let result = try workspace.run("monitor")
        XCTAssertEqual(result.status, 65)
        XCTAssertTrue(result.stderr.hasPrefix("msr-monitor: params.yaml:"), result.stderr)
        XCTAssertTrue(result.stderr.hasSuffix(": monitor.rolling_window: expected an integer in [1, 1000000], got \"100000000\"\n"), result.stderr)
    }

    func testNoLogYetIsZeroCalls() throws {
        let workspace = try Workspace()
        let result = try workspace.run("monitor")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix("msr-monitor: 0 calls"), result.stdout)
    }
}
