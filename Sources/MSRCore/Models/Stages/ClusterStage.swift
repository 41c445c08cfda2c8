import CMemory
import Dispatch
import FoundationEssentials
import Glibc

/// msr-cluster: a Gaussian mixture per genre on the standardised features, with its scores.
///
/// Features are standardised with scaler.json (the training rows' mean and std) because a
/// mixture's distances weigh every feature alike: unscaled, tempo (around 120) and loudness
/// (around -8) would decide every cluster on their own. msr-predict measures similarity in the
/// same space.
public enum ClusterStage {
    /// Which part of the stage a run does: per-genre runs spread the genres over workers (an
    /// Airflow task each), then one run writes the song index from their mixtures; the
    /// song index is the same, byte for byte, as the whole stage's.
    public enum Scope: Sendable, Equatable {
        /// Every genre's mixture and scores, then the song index (the default).
        case all
        /// One genre's mixture and scores (`--genre N`, N its label: its line in genres.txt,
        /// from 0); the song index is left as it is.
        case genre(Int)
        /// The song index alone, from the mixtures in `clustering.models_dir` (`--index-only`).
        case indexOnly

        /// What names this scope's lock beside the stage's (`msr-cluster-genre-3.lock`), so that
        /// runs of different genres go at once; nil for the whole stage and for the song index
        /// alone, which reads every genre's mixture: it runs beside no other run of the stage.
        public var lockPart: String? {
            switch self {
            case .all, .indexOnly: nil
            case .genre(let label): "genre-\(label)"
            }
        }
    }

    /// Runs the stage (or the part `scope` names); returns the per-genre table and the summary
    /// line. Genres are fitted concurrently; a genre that does not converge is a warning to the
    /// stage's events.
    public static func run(_ inputs: StageInputs, tracking: Tracking = .off, scope: Scope = .all) throws -> StageOutput {
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
        switch scope {
        case .all: break
        case .genre(let label):
            guard genres.indices.contains(label) else {
                throw MSRError.badData(file: genresPath, "--genre \(label): expected a genre label in [0, \(genres.count - 1)] "
                                       + "(this file lists \(genres.count) genres, one per line)")
            }
            return try runGenre(label, genres: genres, inputs: inputs, scaler: scaler, classifier: classifier, tracking: tracking)
        case .indexOnly:
            return try runIndex(genres: genres, inputs: inputs, scaler: scaler, classifier: classifier)
        }
        let events = inputs.events
        let done = Counter()
        var outcomes = Parallel.map(genres.count) { label in
            Result { () throws -> GenreClusters in
                let result = try cluster(label: label, genre: genres[label], paths: paths, schema: schema,
                                         scaler: scaler, classifier: classifier, params: settings, paramsFile: params.file)
                events.progress("\(done.increment())/\(genres.count) genres")
                return result
            }
        }
        events.progressDone()
        var rows: [GenreClusters] = [], parts: [IndexPart] = []
        for outcome in outcomes {
            var row = try outcome.get()
            parts.append(row.part)
            row.part.empty()  // held by `parts` alone, freed as the index is written
            rows.append(row)
        }
        outcomes = []
        // Every genre was fitted: only now is anything written, all of it or none, so a genre
        // that fails never leaves new mixtures beside old ones and an old song index.
        let outputs = OutputSet()
        for (label, row) in rows.enumerated() {
            try outputs.add(row.model.json(genre: row.genre, features: scaler.features), to: "\(paths.modelsDir)/\(FolderFiles.mixture(label))")
            try outputs.add(row.metrics, to: "\(paths.metricsDir)/\(FolderFiles.clusterScores(label))")
        }
        try outputs.add(to: paths.catalog) { file in
            try writeSongIndex(genres: genres, features: scaler.features, parts: &parts, classifier: classifier, events: events) {
                try file.write($0)
            }
        }
        retireBeyond(genres.count, paths, in: outputs)
        try outputs.commit()
        for row in rows where !row.model.converged {
            events.warning("genre '\(row.genre)' did not converge in \(settings.maxIter) iterations "
                + "(increase cluster.max_iter or cluster.tol)")
        }
        let labelled = rows.enumerated().map { (label: $0.offset, row: $0.element) }
        let report = table(labelled)
        let note = try record(labelled, inputs: inputs, tracking: tracking)
        let meanSilhouette = rows.map(\.silhouette).reduce(0, +) / Double(rows.count)
        let components = settings.nComponents.count == 1 ? "\(settings.nComponents[0])" : "per-genre"
        return StageOutput(report: report, summary: "\(genres.count) genres, \(components) \(settings.covarianceType.rawValue) "
            + "components each, mean silhouette \(String(printf: "%.4f", meanSilhouette)) -> "
            + "\(paths.modelsDir)/mixture_<i>.json, \(paths.metricsDir)/uns_metrics_<i>.json, \(paths.catalog)"
            + (note.map { "; \($0)" } ?? ""))
    }

    /// msr-cluster --genre N: one genre's mixture and scores, written together.
    static func runGenre(_ label: Int, genres: [String], inputs: StageInputs, scaler: FeatureScaler,
                         classifier: GradientBoostingClassifier, tracking: Tracking) throws -> StageOutput {
        let (paths, params) = (inputs.config.clustering, inputs.params)
        let row = try cluster(label: label, genre: genres[label], paths: paths, schema: inputs.schema, scaler: scaler,
                              classifier: classifier, params: params.cluster, paramsFile: params.file)
        let outputs = OutputSet()
        try outputs.add(row.model.json(genre: row.genre, features: scaler.features), to: "\(paths.modelsDir)/\(FolderFiles.mixture(label))")
        try outputs.add(row.metrics, to: "\(paths.metricsDir)/\(FolderFiles.clusterScores(label))")
        try outputs.commit()
        if !row.model.converged {
            inputs.events.warning("genre '\(row.genre)' did not converge in \(params.cluster.maxIter) iterations "
                + "(increase cluster.max_iter or cluster.tol)")
        }
        let note = try record([(label, row)], inputs: inputs, tracking: tracking)
        return StageOutput(report: table([(label, row)]), summary: "genre \(label) '\(row.genre)', \(row.model.componentCount) "
            + "\(params.cluster.covarianceType.rawValue) components, silhouette \(String(printf: "%.4f", row.silhouette)) -> "
            + "\(paths.modelsDir)/\(FolderFiles.mixture(label)), \(paths.metricsDir)/\(FolderFiles.clusterScores(label))"
            + (note.map { "; \($0)" } ?? ""))
    }

    /// The mixtures and cluster scores an earlier run with more genres left: removed with the
    /// commit of this run's outputs.
    private static func retireBeyond(_ count: Int, _ paths: ProjectConfig.Clustering, in outputs: OutputSet) {
        outputs.retire(FolderFiles.beyond(count, in: paths.modelsDir, FolderFiles.mixture)
            + FolderFiles.beyond(count, in: paths.metricsDir, FolderFiles.clusterScores))
    }

    /// msr-cluster --index-only: the song index from every genre's fitted mixture, as the whole
    /// stage writes it (the mixture read back assigns the same components: its file holds every
    /// value at full precision).
    static func runIndex(genres: [String], inputs: StageInputs, scaler: FeatureScaler,
                         classifier: GradientBoostingClassifier) throws -> StageOutput {
        let paths = inputs.config.clustering
        var outcomes = Parallel.map(genres.count) { label in
            Result { () throws -> IndexPart in
                let file = "\(paths.toRecDir)/\(FolderFiles.toRec(label))"
                let songs = try SongTable.read(path: file, schema: inputs.schema)
                let mixtureFile = "\(paths.modelsDir)/\(FolderFiles.mixture(label))"
                guard FileManager.default.fileExists(atPath: mixtureFile) else {
                    throw MSRError(.missingInput, "\(mixtureFile): not found: run msr-cluster --genre \(label) first "
                                   + "(--index-only reads every genre's mixture)")
                }
                let (model, genre) = try GaussianMixture.read(mixtureFile, dimension: songs.features.columnCount)
                guard genre == genres[label] else {
                    throw MSRError.badData(file: mixtureFile, "genre: '\(genre)', but label \(label) is '\(genres[label])' in "
                        + "\(paths.toRecDir)/\(FolderFiles.genres) (run msr-cluster --genre \(label) again)")
                }
                let points = scaler.standardizedRows(songs.features)
                let components: [Int32]
                do {
                    components = try model.predict(points)
                } catch let error as MixtureError {
                    throw MSRError.badData(file: mixtureFile, error.message)
                }
                return IndexPart(songs: songs, points: points, components: components)
            }
        }
        var parts = try outcomes.map { try $0.get() }
        outcomes = []  // `parts` alone holds the songs' features, freed as the index is written
        let songs = parts.reduce(0) { $0 + $1.songs }
        let outputs = OutputSet()
        try outputs.add(to: paths.catalog) { file in
            try writeSongIndex(genres: genres, features: scaler.features, parts: &parts, classifier: classifier, events: inputs.events) {
                try file.write($0)
            }
        }
        retireBeyond(genres.count, paths, in: outputs)
        try outputs.commit()
        return StageOutput(summary: "song index of \(songs) songs in \(genres.count) genres, from "
            + "\(paths.modelsDir)/mixture_<i>.json -> \(paths.catalog)")
    }

    /// The per-genre table of scores.
    static func table(_ rows: [(label: Int, row: GenreClusters)]) -> String {
        var report = "genre".padded(to: 14) + "  songs  silhouette  calinski-harabasz  davies-bouldin\n"
        for (_, row) in rows {
            report += row.genre.padded(to: 14)
                + String(printf: "  %5d  %10.4f  %17.2f  %14.4f\n", row.songs, row.silhouette, row.calinskiHarabasz, row.daviesBouldin)
        }
        return report
    }

    /// One MLflow experiment per genre, as the reference project had; the note for the summary.
    static func record(_ rows: [(label: Int, row: GenreClusters)], inputs: StageInputs, tracking: Tracking) throws -> String? {
        let (paths, params) = (inputs.config.clustering, inputs.params)
        return try tracking.record(events: inputs.events) { client in
            let tags = Tracking.tags(command: "msr-cluster", paramsFile: params.file)
            for (label, row) in rows {
                _ = try client.logRun(
                    experiment: "msr-mixture-\(row.genre)", name: "mixture \(row.genre)", params: params.cluster.mlflowParams(label: label),
                    metrics: ["silhouette_score": row.silhouette, "calinski_harabasz_score": row.calinskiHarabasz,
                              "davies_bouldin_score": row.daviesBouldin, "bic": row.bic, "aic": row.aic,
                              "time_fit": row.timeFit, "time_predict": row.timePredict],
                    tags: tags,
                    artifacts: [("\(paths.modelsDir)/\(FolderFiles.mixture(label))", "model/\(FolderFiles.mixture(label))"),
                                ("\(paths.metricsDir)/\(FolderFiles.clusterScores(label))", "metrics/\(FolderFiles.clusterScores(label))")])
            }
            return rows.count == 1 ? "MLflow: 1 run (experiment msr-mixture-\(rows[0].row.genre))"
                : "MLflow: \(rows.count) runs, one per genre (experiments msr-mixture-<genre>)"
        }
    }

    /// A genre's part of the song index: uris, standardised rows, components, the features its
    /// genre probabilities are computed from when the index is written, and descriptive text
    /// (name, artists, album) when its song file has it; numbers as the index stores them
    /// (Float32).
    struct IndexPart: Sendable {
        var songs: Int
        var uris: TextColumn, points: [Float], components: [Int32], features: FeatureMatrix
        var descriptive: [DescriptiveColumn]

        init(songs table: SongTable, points: [Double], components: [Int32]) {
            songs = table.count
            uris = table.uris
            self.points = points.map(Float.init)
            self.components = components
            features = table.features
            descriptive = table.descriptive
        }

        /// Lets go of the part's values (its song count stays).
        mutating func empty() {
            uris = TextColumn()
            (points, components, descriptive) = ([], [], [])
            features = FeatureMatrix(rowCount: 0, columnCount: 0, values: [])
        }
    }

    /// Writes the song index of every genre's part, in label order, piece by piece to `sink`:
    /// each genre's probabilities are computed (on every core) when their turn comes and the
    /// part's features freed, so neither the probabilities (456 MB at a million songs of 114
    /// genres) nor the file are ever held whole.
    static func writeSongIndex(genres: [String], features: [String], parts: inout [IndexPart], classifier: GradientBoostingClassifier,
                               events: StageEvents, to sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        // The parts' values joined, each part's let go of once copied (a part keeps its features).
        // A part's arrays were made on the threads that fitted it, in their own heaps: freed, their
        // pages stay the process's until handed back (msr_trim_heap), every eight parts here.
        let n = parts.reduce(0) { $0 + $1.songs }
        var uris = TextColumn(), labels: [Int32] = [], components: [Int32] = [], points: [Float] = []
        uris.reserve(values: n, bytes: parts.reduce(0) { $0 + $1.uris.bytes.count })
        labels.reserveCapacity(n)
        components.reserveCapacity(n)
        points.reserveCapacity(n * features.count)
        var descriptive = parts.map(\.descriptive)
        for i in parts.indices {
            uris.append(contentsOf: parts[i].uris)
            labels += repeatElement(Int32(i), count: parts[i].songs)
            components += parts[i].components
            points += parts[i].points
            let kept = parts[i].features
            parts[i].empty()
            parts[i].features = kept
            if i % 8 == 7 { msr_trim_heap() }
        }
        let joined = DescriptiveColumn.concatenating(consuming: &descriptive, counts: parts.map(\.songs))
        msr_trim_heap()
        try SongIndex.encode(genres: genres, featureNames: features, uris: uris, labels: labels, components: components,
                             points: points, chunks: parts.count, probabilities: { chunk in
                                 // The last genre's probabilities, freed on the threads that made them
                                 // (a million songs: 333 MB at the peak without this, 296 MB with it).
                                 msr_trim_heap()
                                 defer { parts[chunk].empty() }
                                 events.progress("song index: genre \(chunk + 1)/\(parts.count)")
                                 return classifier.predictProbabilities(parts[chunk].features).map(Float.init)
                             }, descriptive: joined, to: sink)
        events.progressDone()
    }

    struct GenreClusters: Sendable {
        var genre: String
        var songs: Int { part.songs }
        var model: GaussianMixture
        var part: IndexPart
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
        return GenreClusters(genre: genre, model: model,
                             part: IndexPart(songs: songs, points: points, components: labels),
                             silhouette: silhouette,
                             calinskiHarabasz: calinski, daviesBouldin: davies, bic: bic, aic: aic, timeFit: fitSeconds, timePredict: seconds,
                             metrics: metrics)
    }

    /// The rows the silhouette score is computed on, in row order: all `n`, or a seeded sample of
    /// `size` without replacement beyond (the score is quadratic in the rows).
    static func silhouetteRows(_ n: Int, size: Int, seed: UInt64) -> [Int] {
        guard n > size else { return Array(0..<n) }
        var generator = SplitMix64(seed: seed)
        return generator.sample(size, from: Array(0..<n)).sorted()
    }
}
