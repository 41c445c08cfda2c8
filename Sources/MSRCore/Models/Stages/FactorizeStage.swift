import Dispatch
import FoundationEssentials
import Glibc

/// msr-factorize: implicit-feedback ALS (`ImplicitALS`) on the playlist x track matrix of the
/// training playlists (`TrainingPlaylists`: the MPD slices of `factorization.playlists_dir` and
/// the playlists logged in `prediction.log`); writes the track factors (`TrackFactors`) and
/// factorize.json, and logs the fit to MLflow when tracking is on.
public enum FactorizeStage {
    /// The MLflow experiment of the factorisation.
    public static let experiment = "msr-factorization"

    /// Runs the stage; progress per iteration, with the training loss, goes to the events. With
    /// `spark`, Spark MLlib's ALS fits the same matrix instead (no loss per iteration).
    public static func run(_ inputs: StageInputs, tracking: Tracking = .off, spark: SparkALS? = nil) throws -> StageOutput {
        let paths = inputs.config.factorization, params = inputs.params.factorize, events = inputs.events
        let log = inputs.config.prediction.log
        var timer = PhaseTimer(events)
        let playlists = try TrainingPlaylists.read(folder: paths.playlistsDir, log: log) { events.progress($0) }
        events.progressDone()
        guard playlists.count > 0 else {
            throw MSRError(.missingInput, "\(paths.playlistsDir): no playlist to factorize (no *.json slice with tracks there, "
                           + "none logged in \(log)): put Million Playlist Dataset slices there, or make synthetic ones with "
                           + "scripts/make-playlists \(paths.playlistsDir) 1000 42")
        }
        timer.mark("read playlists")
        var matrix = InteractionMatrix(starts: playlists.starts, tracks: playlists.tracks, trackCount: playlists.uris.count)
        if params.bm25 { matrix = matrix.weightedByBM25() }
        timer.mark("build matrix")

        let start = DispatchTime.now().uptimeNanoseconds
        let fit: ImplicitALS.Result
        if let spark {
            events.progress("Spark ALS on \(spark.master)")
            defer { events.progressDone() }
            fit = ImplicitALS.Result(factors: params.factors, playlistFactors: [], trackFactors: try spark.fit(matrix, params: params),
                                     losses: [])
        } else {
            do {
                fit = try ImplicitALS(params: params).fit(matrix) { iteration, loss in
                    events.progress("iteration \(iteration)/\(params.iterations), loss \(String(printf: "%.6f", loss))")
                }
            } catch {
                events.progressDone()
                throw MSRError.badData(file: inputs.params.file, error.message)
            }
            events.progressDone()
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        timer.mark("fit")

        let model = TrackFactors(uris: playlists.uris, playlistCounts: matrix.playlistsPerTrack, factors: fit.trackFactors,
                                 params: params, playlists: matrix.playlistCount, pairs: matrix.pairCount)
        // Finite factors whose YᵀY overflows 32-bit floats would make a file every reader refuses.
        guard model.gram.allSatisfy(\.isFinite) else {
            throw MSRError.badData(file: inputs.params.file, "factorize: the factors' YᵀY is no longer a finite number: lower "
                + "factorize.alpha or factorize.regularization (32-bit floats overflow)")
        }
        var metrics: [String: JSONValue] = [
            "playlists": .int(matrix.playlistCount),
            "playlist_files": .int(playlists.files),
            "logged_playlists": .int(playlists.loggedPlaylists),
            "tracks": .int(matrix.trackCount),
            "non_zeros": .int(matrix.pairCount),
            "factors": .int(params.factors),
            "iterations": .int(params.iterations),
            "engine": .string(spark == nil ? "msr" : "spark"),
            "solver": .string(spark == nil ? params.solver.rawValue : "spark-als"),
            "bm25": .bool(params.bm25),
            "loss": .array(fit.losses.map(JSONValue.double)),
            "final_loss": fit.losses.last.map(JSONValue.double) ?? .null,
            "fit_seconds": .double(seconds),
            "skipped_lines": .int(playlists.skippedLines),
        ]
        if let first = playlists.firstSkipped { metrics["first_skipped"] = .string(first) }
        // Both files or neither.
        let outputs = OutputSet()
        try outputs.add(model.encoded(), to: paths.factors)
        try outputs.add(JSONValue.object(metrics), to: paths.metrics)
        try outputs.commit()
        timer.mark("write")
        // The run: the factorize params, the figures of factorize.json (the loss per iteration as
        // its steps), the factors file and factorize.json.
        var runMetrics = ["fit_seconds": seconds, "playlists": Double(matrix.playlistCount),
                          "tracks": Double(matrix.trackCount), "non_zeros": Double(matrix.pairCount)]
        if let last = fit.losses.last { runMetrics["final_loss"] = last }
        let note = try tracking.record(events: events) { [runMetrics] client in
            let run = try client.logRun(
                experiment: experiment, name: "factorization", params: params.mlflowParams,
                metrics: runMetrics,
                steps: ["loss": fit.losses],
                tags: Tracking.tags(command: "msr-factorize", paramsFile: inputs.params.file),
                artifacts: [(paths.factors, "model/" + URL(fileURLWithPath: paths.factors).lastPathComponent),
                            (paths.metrics, "metrics/" + URL(fileURLWithPath: paths.metrics).lastPathComponent)])
            return "MLflow run \(run.id) in \(experiment)"
        }

        let sources = "\(playlists.files) file\(playlists.files == 1 ? "" : "s"), \(playlists.loggedPlaylists) logged"
        let skipped = playlists.firstSkipped.map {
            "; skipped \(playlists.skippedLines) unreadable log line\(playlists.skippedLines == 1 ? "" : "s") (first: \($0))"
        } ?? ""
        let first = String(printf: "%.6f", fit.losses.first ?? 0), last = String(printf: "%.6f", fit.losses.last ?? 0)
        let losses = spark.map { "Spark MLlib ALS on \($0.master)" } ?? "loss \(first) -> \(last)"
        let solver = spark == nil ? params.solver.rawValue : "spark"
        let time = String(printf: "%.2f", seconds)
        var summary = "\(matrix.playlistCount) playlists (\(sources)), \(matrix.trackCount) tracks, "
        summary += "\(matrix.pairCount) pairs; \(params.factors) factors, \(params.iterations) iterations (\(solver)"
        summary += "\(params.bm25 ? ", bm25" : "")), \(losses) in \(time) s\(skipped) -> \(paths.factors), \(paths.metrics)"
        return StageOutput(summary: summary + (note.map { "; \($0)" } ?? ""))
    }
}
