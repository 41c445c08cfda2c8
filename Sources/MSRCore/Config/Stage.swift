/// A pipeline stage: what a command is called and which files of config.yaml it reads and writes.
public enum Stage: String, Sendable, CaseIterable {
    case ingest, validate, transform, train, evaluate, evaluateRecommender, cluster, predict, monitor, feed, factorize

    /// The executable that runs it (`msr-evaluate --recommender` for the recommender's evaluation).
    public var command: String {
        self == .evaluateRecommender ? "msr-evaluate" : "msr-\(rawValue)"
    }

    /// The params.yaml sections the stage reads, whole: dvc.yaml lists every key of them for
    /// the stage (a test holds it to that), and `stamp(of:)` prints them for make.
    public var paramsSections: [any ParamsSection.Type] {
        switch self {
        case .ingest, .validate: [IngestParams.self]
        case .feed: [IngestParams.self, FeedParams.self]
        case .transform: [TransformParams.self]
        case .train: [BoostingParams.self]
        case .evaluate: []
        case .predict: [HybridParams.self]
        case .cluster: [MixtureParams.self]
        case .evaluateRecommender: [RecommenderEvaluationParams.self, FactorizeParams.self, HybridParams.self]
        case .monitor: [MonitorParams.self]
        case .factorize: [FactorizeParams.self]
        }
    }

    /// How the stage is run: its command, with `--recommender` for the recommender's evaluation.
    public var invocation: String {
        self == .evaluateRecommender ? "\(command) --recommender" : command
    }

    /// The name dvc.yaml gives the stage.
    public var dvcName: String { self == .evaluateRecommender ? "evaluate_recommender" : rawValue }

    /// Whether two runs at once must be kept apart. msr-predict only appends whole lines to its
    /// log, one `write` each, so concurrent calls are safe and common (a service, a batch).
    var isExclusive: Bool { self != .predict }
}

/// A file a stage reads or writes, named by the key that sets it (`model_training.model`, or
/// `data_transformation.processed_dir (X_train.csv)` for a file in a configured folder).
public struct StageFile: Sendable, Equatable {
    public var key: String
    public var path: String

    public init(_ key: String, _ path: String) {
        self.key = key
        self.path = path
    }
}

extension StageInputs {
    /// The files `stage` reads (config, params and schema included) and writes.
    public func files(of stage: Stage) -> (inputs: [StageFile], outputs: [StageFile]) {
        let c = config
        let genres = params.ingest.genres.indices
        var inputs = [StageFile("--config", configFile), StageFile("--params", params.file), StageFile("schema", c.schema)]
        var outputs: [StageFile] = []
        switch stage {
        case .ingest:
            let source = c.ingestion.sourceURL
            if !source.hasPrefix("http://") && !source.hasPrefix("https://") {
                let path = source.hasPrefix("file://") ? String(source.dropFirst("file://".count)) : source
                inputs.append(StageFile("data_ingestion.source_url", path))
            }
            inputs.append(StageFile("data_ingestion.additions", c.ingestion.additions))
            outputs = [StageFile("data_ingestion.dataset_zip", c.ingestion.datasetZip),
                       StageFile("data_ingestion.song_base", c.ingestion.songBase)]
        case .validate:
            inputs.append(StageFile("data_ingestion.song_base", c.validation.songBase))
            outputs = [StageFile("data_validation.status", c.validation.status),
                       StageFile("data_validation.report", c.validation.report)]
        case .transform:
            inputs.append(StageFile("data_ingestion.song_base", c.transformation.songBase))
            outputs = FolderFiles.processed.map { StageFile("data_transformation.processed_dir (\($0))", "\(c.transformation.processedDir)/\($0)") }
                + (genres.map(FolderFiles.toRec) + [FolderFiles.genres]).map {
                    StageFile("data_transformation.to_rec_dir (\($0))", "\(c.transformation.toRecDir)/\($0)")
                }
        case .train:
            inputs += [processed(FolderFiles.xTrain, c.training.xTrain), processed(FolderFiles.yTrain, c.training.yTrain),
                       processed(FolderFiles.labels, c.training.labels)]
            outputs = [StageFile("model_training.model", c.training.model), StageFile("model_training.importance", c.training.importance)]
        case .evaluate:
            inputs += [StageFile("model_training.model", c.evaluation.model), processed(FolderFiles.xTest, c.evaluation.xTest),
                       processed(FolderFiles.yTest, c.evaluation.yTest)]
            outputs = [StageFile("model_evaluation.metrics", c.evaluation.metrics),
                       StageFile("model_evaluation.confusion", c.evaluation.confusion)]
        case .evaluateRecommender:
            inputs += predictionInputs + [processed(FolderFiles.urisTest, c.evaluation.urisTest),
                                          StageFile("factorization.playlists_dir", c.factorization.playlistsDir),
                                          StageFile("prediction.log", c.prediction.log)]
            outputs = [StageFile("model_evaluation.reco_metrics", c.evaluation.recoMetrics)]
        case .cluster:
            inputs += (genres.map(FolderFiles.toRec) + [FolderFiles.genres]).map {
                StageFile("data_transformation.to_rec_dir (\($0))", "\(c.clustering.toRecDir)/\($0)")
            }
            inputs += [processed(FolderFiles.scaler, c.clustering.scaler), StageFile("model_training.model", c.clustering.model)]
            outputs = genres.map { StageFile("clustering.models_dir (\(FolderFiles.mixture($0)))", "\(c.clustering.modelsDir)/\(FolderFiles.mixture($0))") }
                + genres.map {
                    StageFile("clustering.metrics_dir (\(FolderFiles.clusterScores($0)))", "\(c.clustering.metricsDir)/\(FolderFiles.clusterScores($0))")
                }
                + [StageFile("clustering.catalog", c.clustering.catalog)]
        case .predict:
            inputs += predictionInputs
            outputs = [StageFile("prediction.log", c.prediction.log)]
        case .monitor:
            inputs.append(StageFile("prediction.log", c.monitoring.log))
            outputs = [StageFile("monitoring.metrics", c.monitoring.metrics), StageFile("monitoring.trend", c.monitoring.trend),
                       StageFile("monitoring.html", c.monitoring.html)]
        case .factorize:
            // The folder itself (its *.json files are read): an output may be neither it nor the log.
            inputs += [StageFile("factorization.playlists_dir", c.factorization.playlistsDir), StageFile("prediction.log", c.prediction.log)]
            outputs = [StageFile("factorization.factors", c.factorization.factors), StageFile("factorization.metrics", c.factorization.metrics)]
        case .feed:
            // The song base and the additions are rewritten on purpose (the previous base is
            // archived first), so they are outputs only.
            outputs = [StageFile("data_ingestion.song_base", c.feed.songBase), StageFile("data_ingestion.additions", c.feed.additions),
                       StageFile("feed.metrics", c.feed.metrics), StageFile("feed.flag", c.feed.flag)]
        }
        return (inputs, outputs)
    }

    private var predictionInputs: [StageFile] {
        let c = config.prediction
        return [StageFile("clustering.catalog", c.catalog), StageFile("model_training.model", c.model),
                processed(FolderFiles.scaler, c.scaler), StageFile("factorization.factors", c.factors)]
            + params.ingest.genres.indices.map {
                StageFile("clustering.models_dir (\(FolderFiles.mixture($0)))", "\(c.mixturesDir)/\(FolderFiles.mixture($0))")
            }
    }

    /// A file of `data_transformation.processed_dir`, named by that key.
    private func processed(_ name: String, _ path: String) -> StageFile {
        StageFile("data_transformation.processed_dir (\(name))", path)
    }
}

extension StageInputs {
    /// What `stage` reads from config.yaml and params.yaml, one fact a line: the paths of its
    /// files and the params sections dvc.yaml lists for it. `make` reruns a stage when this
    /// text changes, not on any edit of the two files.
    public func stamp(of stage: Stage) -> String {
        let names = stage.paramsSections.map { $0.name }
        var sections: [Any] = params.sections.filter { names.contains($0.sectionName) }
        // The archive's size cap is a setting, not a path.
        if stage == .ingest { sections.append(config.ingestion) }
        let files = files(of: stage)
        return (files.inputs + files.outputs).filter { !$0.key.hasPrefix("--") }.map { "\($0.key): \($0.path)\n" }.joined()
            + sections.map { "\($0)\n" }.joined()
    }
}
