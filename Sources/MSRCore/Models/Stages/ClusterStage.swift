import Foundation

/// msr-cluster: a Gaussian mixture per genre on the standardised features, with its scores.
///
/// Features are standardised with scaler.json (the training rows' mean and std) because a
/// mixture's distances weigh every feature alike: unscaled, tempo (around 120) and loudness
/// (around -8) would decide every cluster on their own. msr-predict measures similarity in the
/// same space.
public enum ClusterStage {
    /// Runs the stage; returns the per-genre table and the summary line. Genres are fitted
    /// concurrently; a genre that does not converge is a warning to the stage's events.
    public static func run(_ inputs: StageInputs, tracking: Tracking = .off) throws -> StageOutput {
        let (config, params, schema) = (inputs.config, inputs.params, inputs.schema)
        let paths = config.clustering
        let genresPath = "\(paths.toRecDir)/\(FolderFiles.genres)"
        let genres = String(decoding: try FileBytes.read(genresPath, what: "genre list"), as: UTF8.self)
            .split(separator: "\n").map(String.init)
        let settings = params.cluster
        guard settings.nComponents.count == 1 || settings.nComponents.count == genres.count else {
            throw MSRError.badData(file: params.file, "cluster.n_components: \(settings.nComponents.count) values for "
                + "\(genres.count) genres (\(genresPath)): give one value, or one per genre")
        }
        let scaler = try FeatureScaler.read(paths.scaler)
        guard scaler.features == schema.features.map(\.name) else {
            throw MSRError.badData(file: paths.scaler, "scales \(scaler.features.joined(separator: ", ")); schema.yaml's "
                + "features are \(schema.features.map(\.name).joined(separator: ", ")) (run msr-transform again)")
        }
        let classifier = try GradientBoostingClassifier.read(paths.model)
        guard classifier.classes == genres, classifier.featureNames == scaler.features else {
            throw MSRError.badData(file: paths.model, "was trained on other genres or features than \(genresPath) and "
                + "\(paths.scaler) list (run msr-train again)")
        }
        let events = inputs.events
        let done = Counter()
        let outcomes = Parallel.map(genres.count) { label in
            Result { () throws -> GenreClusters in
                let result = try cluster(label: label, genre: genres[label], paths: paths, schema: schema,
                                         scaler: scaler, classifier: classifier, params: settings, paramsFile: params.file)
                events.progress("\(done.increment())/\(genres.count) genres")
                return result
            }
        }
        events.progressDone()
        var rows: [GenreClusters] = []
        for outcome in outcomes { rows.append(try outcome.get()) }
        // Every genre was fitted: only now is anything written, all of it or none, so a genre
        // that fails never leaves new mixtures beside old ones and an old song index.
        let outputs = OutputSet()
        for (label, row) in rows.enumerated() {
            try outputs.add(row.model.json(genre: row.genre, features: scaler.features), to: "\(paths.modelsDir)/\(FolderFiles.mixture(label))")
            try outputs.add(row.metrics, to: "\(paths.metricsDir)/\(FolderFiles.clusterScores(label))")
        }
        let index = SongIndex(genres: genres, featureNames: scaler.features, uris: rows.reduce(into: TextColumn()) { $0.append(contentsOf: $1.uris) },
                              labels: rows.enumerated().flatMap { label, row in [Int32](repeating: Int32(label), count: row.songs) },
                              components: rows.flatMap(\.components), points: rows.flatMap(\.points),
                              probabilities: rows.flatMap(\.probabilities),
                              descriptive: DescriptiveColumn.concatenating(rows.map(\.descriptive), counts: rows.map(\.songs)))
        try outputs.add(index.encoded(), to: paths.catalog)
        try outputs.commit()
        for row in rows where !row.model.converged {
            events.warning("genre '\(row.genre)' did not converge in \(settings.maxIter) iterations "
                + "(increase cluster.max_iter or cluster.tol)")
        }
        var report = "genre".padding(toLength: 14, withPad: " ", startingAt: 0) + "  songs  silhouette  calinski-harabasz  davies-bouldin\n"
        for row in rows {
            report += row.genre.padding(toLength: 14, withPad: " ", startingAt: 0)
                + String(format: "  %5d  %10.4f  %17.2f  %14.4f\n", row.songs, row.silhouette, row.calinskiHarabasz, row.daviesBouldin)
        }
        // One MLflow experiment per genre, as the reference project had.
        let note = try tracking.record(events: events) { client in
            let tags = Tracking.tags(command: "msr-cluster", paramsFile: params.file)
            for (label, row) in rows.enumerated() {
                _ = try client.logRun(
                    experiment: "msr-mixture-\(row.genre)", name: "mixture \(row.genre)", params: settings.mlflowParams(label: label),
                    metrics: ["silhouette_score": row.silhouette, "calinski_harabasz_score": row.calinskiHarabasz,
                              "davies_bouldin_score": row.daviesBouldin, "bic": row.bic, "aic": row.aic,
                              "time_fit": row.timeFit, "time_predict": row.timePredict],
                    tags: tags,
                    artifacts: [("\(paths.modelsDir)/\(FolderFiles.mixture(label))", "model/\(FolderFiles.mixture(label))"),
                                ("\(paths.metricsDir)/\(FolderFiles.clusterScores(label))", "metrics/\(FolderFiles.clusterScores(label))")])
            }
            return "MLflow: \(rows.count) runs, one per genre (experiments msr-mixture-<genre>)"
        }
        let meanSilhouette = rows.map(\.silhouette).reduce(0, +) / Double(rows.count)
        let components = settings.nComponents.count == 1 ? "\(settings.nComponents[0])" : "per-genre"
        return StageOutput(report: report, summary: "\(genres.count) genres, \(components) \(settings.covarianceType.rawValue) "
            + "components each, mean silhouette \(String(format: "%.4f", meanSilhouette)) -> "
            + "\(paths.modelsDir)/mixture_<i>.json, \(paths.metricsDir)/uns_metrics_<i>.json, \(paths.catalog)"
            + (note.map { "; \($0)" } ?? ""))
    }

    struct GenreClusters: Sendable {
        var genre: String
        var songs: Int
        var model: GaussianMixture
        /// The genre's part of the song index: uris, standardised rows, components, probabilities
        /// and descriptive text (name, artists, album) when its song file has it.
        var uris: TextColumn, points: [Double], components: [Int32], probabilities: [Double]
        var descriptive: [DescriptiveColumn]
        var silhouette: Double, calinskiHarabasz: Double, daviesBouldin: Double
        var bic: Double, aic: Double, timeFit: Double, timePredict: Double
        /// uns_metrics_<label>.json.
        var metrics: JSONValue
    }

    /// Fits one genre's mixture and scores it; writes nothing.
    static func cluster(label: Int, genre: String, paths: ProjectConfig.Clustering, schema: Schema,
                        scaler: FeatureScaler, classifier: GradientBoostingClassifier, params: MixtureParams,
                        paramsFile: String) throws -> GenreClusters {
        let file = "\(paths.toRecDir)/\(FolderFiles.toRec(label))"
        let songs = try SongTable.read(path: file, schema: schema)
        let d = songs.features.columnCount, n = songs.count
        let k = params.components(forLabel: label)
        // The one bound of n_components that depends on the data.
        guard k <= n else {
            throw MSRError.badData(file: paramsFile, "\(params.componentsKey(forLabel: label)): \(k) components for genre '\(genre)', "
                + "which has \(n) songs (\(file)): expected an integer in [1, \(n)]")
        }
        let points = scaler.standardizedRows(songs.features)
        // A mixture that cannot be fitted, or whose covariances degenerate, is the genre's data's
        // (or the params') fault: a bad-data error naming the genre, never a MixtureError.
        func mixture<T>(_ step: () throws -> T) throws -> T {
            do {
                return try step()
            } catch let error as MixtureError {
                throw MSRError.badData(file: file, "genre '\(genre)': \(error.message)")
            }
        }
        let fitStart = DispatchTime.now().uptimeNanoseconds
        let model = try mixture {
            try GaussianMixture.fit(points, dimension: d, components: k, params: params)
        }
        let fitSeconds = Double(DispatchTime.now().uptimeNanoseconds - fitStart) / 1e9
        let start = DispatchTime.now().uptimeNanoseconds
        let labels = try mixture { try model.predict(points) }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let sample = silhouetteRows(n, size: params.silhouetteSampleSize, seed: params.randomState)
        let samplePoints = sample.flatMap { points[($0 * d)..<(($0 + 1) * d)] }
        let silhouette = ClusterScores.silhouette(samplePoints, dimension: d, labels: sample.map { labels[$0] })
        let calinski = ClusterScores.calinskiHarabasz(points, dimension: d, labels: labels)
        let davies = ClusterScores.daviesBouldin(points, dimension: d, labels: labels)
        let bic = try mixture { try model.bic(points) }, aic = try mixture { try model.aic(points) }

        let metrics = JSONValue.object([
            "genre": .string(genre),
            "n_samples": .int(n),
            "n_components": .int(model.componentCount),
            "silhouette_score": .double(silhouette),
            "calinski_harabasz_score": .double(calinski),
            "davies_bouldin_score": .double(davies),
            "bic": .double(bic),
            "aic": .double(aic),
            "converged": .bool(model.converged),
            "n_iter": .int(model.iterations),
            "time_predict": .double(seconds),
            "time_fit": .double(fitSeconds),
        ])
        return GenreClusters(genre: genre, songs: n, model: model, uris: songs.uris, points: points,
                             components: labels, probabilities: classifier.predictProbabilities(songs.features),
                             descriptive: songs.descriptive,
                             silhouette: silhouette,
                             calinskiHarabasz: calinski, daviesBouldin: davies, bic: bic, aic: aic, timeFit: fitSeconds, timePredict: seconds,
                             metrics: metrics)
    }

    /// Counts finished tasks across threads.
    final class Counter: @unchecked Sendable {
        private var value = 0
        private let lock = NSLock()

        func increment() -> Int {
            lock.lock()
            defer { lock.unlock() }
            value += 1
            return value
        }
    }

    /// The rows the silhouette score is computed on, in row order: all `n`, or a seeded sample of
    /// `size` without replacement beyond (the score is quadratic in the rows).
    static func silhouetteRows(_ n: Int, size: Int, seed: UInt64) -> [Int] {
        guard n > size else { return Array(0..<n) }
        var generator = SplitMix64(seed: seed)
        return generator.sample(size, from: Array(0..<n)).sorted()
    }
}
