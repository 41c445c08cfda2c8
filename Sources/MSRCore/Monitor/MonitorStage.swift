import FoundationEssentials
import Glibc

/// msr-monitor: the recommendations log summarised for people and for DVC, as the reference
/// project showed its admins: mean and rolling similarity, share of poor calls, calls per genre.
public enum MonitorStage {
    /// One logged call.
    typealias Call = MonitorReport.Call

    /// The log's readable calls, and how many lines could not be read.
    typealias Log = RecommendationLog.Lines<Call>

    /// Runs the stage; with `failUnder`, a rolling mean below it is an `.alert` error once the
    /// outputs are written. Log lines that cannot be read (a line cut by a killed process,
    /// garbage) are skipped and counted, so the log never blocks monitoring; with `strict`,
    /// the first one is an error instead.
    public static func run(_ inputs: StageInputs, failUnder: Double?, strict: Bool = false) throws -> String {
        let paths = inputs.config.monitoring, params = inputs.params.monitor
        let report = try MonitorReport.read(log: paths.log, params: params, strict: strict)
        let calls = report.calls, rolling = report.rolling, window = report.window
        let mean = report.mean, under = report.underThreshold, last = report.rollingMean
        var metrics: [String: JSONValue] = [
            "calls": .int(calls.count),
            "mean_similarity": .double(mean),
            "rolling_mean_similarity": .double(last),
            "rolling_window": .int(params.rollingWindow),
            "similarity_threshold": .double(params.similarityThreshold),
            "share_under_threshold": .double(report.shareUnderThreshold),
            "calls_per_genre": .object(Dictionary(uniqueKeysWithValues: report.genres.map { ($0.name, JSONValue.int($0.calls)) })),
            "skipped_lines": .int(report.skipped),
        ]
        if let first = report.firstSkipped { metrics["first_skipped"] = .string(first) }
        // All three outputs or none.
        let outputs = OutputSet()
        try outputs.add(JSONValue.object(metrics), to: paths.metrics)
        var trend = CSVWriter()
        trend.row(["call", "time", "genre", "similarity", "rolling_mean"])
        for (n, call) in calls.enumerated() {
            trend.integer(n + 1)
            trend.text(call.time)
            trend.text(call.genre)
            trend.number(call.similarity)
            trend.number(rolling[n])
            trend.endRow()
        }
        try outputs.add(trend.bytes, to: paths.trend)
        try outputs.add(MonitorPage.html(calls: calls.map { ($0.genre, $0.similarity) }, rolling: rolling,
                                         threshold: params.similarityThreshold), to: paths.html)
        try outputs.commit()
        let figures = calls.isEmpty ? "no call logged yet in \(paths.log)"
            : "mean similarity \(String(printf: "%.4f", mean)), rolling mean over the last \(window) \(String(printf: "%.4f", last)), "
            + "\(under) under \(NumberFormat.compact(params.similarityThreshold))"
        let skipped = report.firstSkipped.map {
            "; skipped \(report.skipped) unreadable line\(report.skipped == 1 ? "" : "s") (first: \($0))"
        } ?? ""
        let summary = "\(calls.count) calls, \(figures)\(skipped) -> \(paths.metrics), \(paths.trend), \(paths.html)"
        if let failUnder, !calls.isEmpty, last < failUnder {
            throw MSRError(.alert, "rolling mean similarity \(String(printf: "%.4f", last)) over the last \(window) calls "
                + "is under --fail-under \(NumberFormat.compact(failUnder)) (\(paths.log))")
        }
        return summary
    }

    /// The log's calls; a line that is not a logged call is skipped and counted, or with
    /// `strict` an error naming its line.
    static func readLog(_ path: String, strict: Bool) throws -> Log {
        try RecommendationLog(path: path).readLines(strict: strict) { try call($0) }
    }

    /// The longest `time` of a logged call copied to the trend (msr's stamps are 20 bytes).
    static let maxTime = 64

    /// One logged call from its line.
    static func call(_ line: ArraySlice<UInt8>) throws -> Call {
        guard case .object(let record)? = try? JSONParser.parse(Array(line)),
              case .string(let genre)? = record["predicted_genre"] else {
            throw RecommendationLog.UnreadableLine(expected: "expected a logged call (a JSON object with predicted_genre and similarity)")
        }
        // The genre goes into the CSV and the page: printable text only.
        guard !genre.isEmpty, genre.utf8.count <= 200, !genre.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw RecommendationLog.UnreadableLine(expected: "predicted_genre: expected a genre name, got \(JSONFileReader.describe(.string(genre)))")
        }
        let similarity: Double
        switch record["similarity"] {
        case .double(let value)?: similarity = value
        case .int(let value)?: similarity = Double(value)
        case nil: throw RecommendationLog.UnreadableLine(expected: "similarity: expected a finite number, got nothing")
        case let other?: throw RecommendationLog.UnreadableLine(expected: "similarity: expected a finite number, got \(other.compact())")
        }
        // A cosine: anything else (1e300 would overflow the mean) is not a call msr-predict logged.
        // The margin admits the last bit of rounding of a cosine of nearly parallel points.
        guard similarity.isFinite, abs(similarity) <= 1 + 1e-9 else {
            throw RecommendationLog.UnreadableLine(expected: "similarity: expected a finite number in [-1, 1], got \(JSONFileReader.describe(.double(similarity)))")
        }
        // The time goes into the CSV as it is: kept when it is a stamp (printable, at most
        // `maxTime` bytes), left empty otherwise (a line's megabyte of "time" is not copied).
        var time = ""
        if case .string(let value)? = record["time"], value.utf8.count <= Self.maxTime,
           !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            time = value
        }
        return Call(time: time, genre: genre, similarity: similarity)
    }
}
