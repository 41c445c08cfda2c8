/// The recommendations log summarised with the monitor params: the figures msr-monitor writes
/// (monitoring.json, the trend CSV, monitoring.html) and the service's monitoring page shows.
public struct MonitorReport: Sendable {
    /// One logged call.
    public struct Call: Sendable, Equatable {
        public var time: String
        public var genre: String
        public var similarity: Double
    }

    /// The calls of one predicted genre.
    public struct Genre: Sendable, Equatable {
        public var name: String
        /// Its colour in the chart (`#1f77b4`).
        public var color: String
        public var calls: Int
        public var meanSimilarity: Double
    }

    /// The log's readable calls, in log order.
    public var calls: [Call]
    /// Lines that could not be read, and the first of them (`file:line: what was expected`).
    public var skipped: Int
    public var firstSkipped: String?
    /// `monitor.rolling_window` and `monitor.similarity_threshold`.
    public var rollingWindow: Int
    public var threshold: Double
    /// The rolling mean of the similarity after each call.
    public var rolling: [Double]
    /// The mean similarity of all calls (0 without any).
    public var mean: Double
    /// The last rolling mean (0 without any call), over the last `window` calls.
    public var rollingMean: Double
    public var window: Int
    /// Calls whose similarity is under the threshold, and their share of all calls.
    public var underThreshold: Int
    public var shareUnderThreshold: Double
    /// Each genre's calls, by name.
    public var genres: [Genre]

    /// Summarises the log at `path`: a line that is not a logged call is skipped and counted, or
    /// with `strict` an error naming its line; no log yet is no call.
    public static func read(log path: String, params: MonitorParams, strict: Bool = false) throws -> MonitorReport {
        let log = try MonitorStage.readLog(path, strict: strict)
        return MonitorReport(calls: log.values, skipped: log.skipped, firstSkipped: log.firstSkipped, params: params)
    }

    init(calls: [Call], skipped: Int, firstSkipped: String?, params: MonitorParams) {
        self.calls = calls
        self.skipped = skipped
        self.firstSkipped = firstSkipped
        rollingWindow = params.rollingWindow
        threshold = params.similarityThreshold
        window = min(params.rollingWindow, max(calls.count, 1))
        var rolling: [Double] = []
        var sum = 0.0
        for (n, call) in calls.enumerated() {
            sum += call.similarity
            if n >= params.rollingWindow { sum -= calls[n - params.rollingWindow].similarity }
            rolling.append(sum / Double(min(n + 1, params.rollingWindow)))
        }
        self.rolling = rolling
        mean = calls.isEmpty ? 0 : calls.reduce(0) { $0 + $1.similarity } / Double(calls.count)
        rollingMean = rolling.last ?? 0
        underThreshold = calls.filter { $0.similarity < params.similarityThreshold }.count
        shareUnderThreshold = calls.isEmpty ? 0 : Double(underThreshold) / Double(calls.count)
        var perGenre: [String: (calls: Int, sum: Double)] = [:]
        for call in calls { perGenre[call.genre, default: (0, 0)].calls += 1; perGenre[call.genre]!.sum += call.similarity }
        genres = perGenre.keys.sorted().enumerated().map { n, name in
            let (count, sum) = perGenre[name]!
            return Genre(name: name, color: MonitorPage.palette[n % MonitorPage.palette.count], calls: count,
                         meanSimilarity: sum / Double(count))
        }
    }

    /// The chart: each call's similarity coloured by genre, the rolling mean and the dashed
    /// threshold line, as one `<svg>` element (no script, no style, nothing loaded).
    public var svg: String {
        MonitorPage.svg(calls: calls.map { ($0.genre, $0.similarity) }, rolling: rolling, threshold: threshold)
    }
}
