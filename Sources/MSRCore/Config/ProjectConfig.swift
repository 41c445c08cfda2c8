/// config.yaml: where each stage reads and writes. Relative paths are kept as written and so
/// resolve against the working directory.
///
/// Each path is declared once, in the section of the stage that writes it; the sections of the
/// stages that read it carry the same path, filled in from there (`training.xTrain` is
/// `data_transformation.processed_dir`/X_train.csv), so a moved folder moves for every reader.
public struct ProjectConfig: Sendable, Equatable {
    /// The schema of the song base (schema.yaml).
    public var schema: String
    public var ingestion: Ingestion
    public var validation: Validation
    public var transformation: Transformation
    public var training: Training
    public var evaluation: Evaluation
    public var clustering: Clustering
    public var prediction: Prediction
    public var monitoring: Monitoring
    public var feed: Feed
    public var factorization: Factorization
    /// msr-serve's settings (optional section; defaults when absent).
    public var serve = ServeSettings()

    /// `data_ingestion`: where the dataset comes from and where the song base goes.
    public struct Ingestion: Sendable, Equatable {
        /// http(s)://, file:// URL or a path to fetch dataset.zip from when it is absent.
        public var sourceURL: String
        /// The local copy of the dataset archive.
        public var datasetZip: String
        /// The song base written by ingest.
        public var songBase: String
        /// The most the CSV inside the archive may inflate to, in bytes.
        public var maxUncompressedBytes: Int
        /// Songs msr-feed added (song-base layout), appended to the dataset's when the file exists.
        public var additions: String
    }

    /// `data_validation`: the song base checked, and where the verdict goes.
    public struct Validation: Sendable, Equatable {
        /// `data_ingestion.song_base`.
        public var songBase: String
        /// `Validation status: True` or `False`.
        public var status: String
        /// Every problem found, as JSON.
        public var report: String
    }

    /// `data_transformation`: the song base read and the folders written.
    public struct Transformation: Sendable, Equatable {
        /// `data_ingestion.song_base`.
        public var songBase: String
        /// X/y train/test CSVs, labels.json and scaler.json.
        public var processedDir: String
        /// One `to_rec_<label>.csv` per genre, and genres.txt.
        public var toRecDir: String
    }

    /// `model_training`: the training split read and the model written.
    public struct Training: Sendable, Equatable {
        /// X_train.csv, y_train.csv and labels.json (the genre of each class code) in
        /// `data_transformation.processed_dir`.
        public var xTrain: String
        public var yTrain: String
        public var labels: String
        /// The boosted-trees model file.
        public var model: String
        /// Gain-based feature importance, as JSON.
        public var importance: String
    }

    /// `model_evaluation`: the model and test split read, the metrics written.
    public struct Evaluation: Sendable, Equatable {
        /// `model_training.model`.
        public var model: String
        /// X_test.csv, y_test.csv and uris_test.csv (the test rows' uris, in X_test's order: the
        /// songs of the held-out playlists) in `data_transformation.processed_dir`.
        public var xTest: String
        public var yTest: String
        public var urisTest: String
        /// DVC metrics: accuracy, F1, log loss, per-class report, prediction time.
        public var metrics: String
        /// DVC's confusion template: one `{actual, predicted}` per test row.
        public var confusion: String
        /// `msr-evaluate --recommender`'s DVC metrics.
        public var recoMetrics: String
    }

    /// `clustering`: the per-genre song files and scaling read, the mixtures and scores written.
    public struct Clustering: Sendable, Equatable {
        /// `data_transformation.to_rec_dir`: `to_rec_<label>.csv` and genres.txt.
        public var toRecDir: String
        /// scaler.json in `data_transformation.processed_dir`: the features are standardised
        /// with its mean and std before clustering.
        public var scaler: String
        /// Receives `mixture_<label>.json`.
        public var modelsDir: String
        /// Receives `uns_metrics_<label>.json`.
        public var metricsDir: String
        /// `model_training.model`: the classifier, whose genre probabilities for every song go
        /// into the song index.
        public var model: String
        /// Receives the song index msr-predict reads (`SongIndex`).
        public var catalog: String
    }

    /// `prediction`: what msr-predict loads, and its log.
    public struct Prediction: Sendable, Equatable {
        /// The song index msr-cluster wrote (`clustering.catalog`).
        public var catalog: String
        /// `model_training.model`.
        public var model: String
        /// scaler.json in `data_transformation.processed_dir`.
        public var scaler: String
        /// `clustering.models_dir`: `mixture_<label>.json`.
        public var mixturesDir: String
        /// One JSON line per recommended playlist is appended here.
        public var log: String
        /// The track factors of the cf and hybrid methods: `factorization.factors`, declared there.
        public var factors: String
    }

    /// `monitoring`: the recommendations log read, the monitoring figures written.
    public struct Monitoring: Sendable, Equatable {
        /// `prediction.log`.
        public var log: String
        /// monitoring.json (DVC metrics).
        public var metrics: String
        /// One row per call, for a DVC plot of the trend.
        public var trend: String
        /// A self-contained page with the similarity chart.
        public var html: String
    }

    /// `feed`: the new songs merged into the song base, and what the merge writes.
    public struct Feed: Sendable, Equatable {
        /// Every `*.csv` here (song-base layout) is merged, in name order.
        public var newDir: String
        /// `data_ingestion.song_base`.
        public var songBase: String
        /// `data_ingestion.additions`: every song fed so far, which msr-ingest appends to the
        /// dataset's.
        public var additions: String
        /// Previous song bases and consumed files, under a timestamp.
        public var archiveDir: String
        /// feed.json: counts, growth and drift.
        public var metrics: String
        /// Written (JSON: why) when the models should be retrained.
        public var flag: String
    }

    /// `factorization`: the playlists msr-factorize learns from, and what it writes.
    public struct Factorization: Sendable, Equatable {
        /// Every `*.json` here (Million Playlist Dataset slices) is read, in name order.
        public var playlistsDir: String
        /// The track factors (`TrackFactors`).
        public var factors: String
        /// factorize.json (DVC metrics): the matrix, the loss per iteration, the fit's time.
        public var metrics: String
    }

    /// Loads and checks config.yaml; unknown and missing keys are errors.
    public static func load(path: String) throws -> ProjectConfig {
        var root = try ConfigValue.load(path: path).mapping()
        let ingestion = try Ingestion(try root.required("data_ingestion"))
        let transformation = try Transformation(try root.required("data_transformation"), songBase: ingestion.songBase)
        let processed = { (name: String) in "\(transformation.processedDir)/\(name)" }
        let training = try Training(try root.required("model_training"), xTrain: processed(FolderFiles.xTrain),
                                    yTrain: processed(FolderFiles.yTrain), labels: processed(FolderFiles.labels))
        let clustering = try Clustering(try root.required("clustering"), toRecDir: transformation.toRecDir,
                                        scaler: processed(FolderFiles.scaler), model: training.model)
        let factorization = try Factorization(try root.required("factorization"))
        let prediction = try Prediction(try root.required("prediction"), catalog: clustering.catalog, model: training.model,
                                        scaler: clustering.scaler, mixturesDir: clustering.modelsDir,
                                        factors: factorization.factors)
        let config = ProjectConfig(
            schema: try root.required("schema").filePath(),
            ingestion: ingestion,
            validation: try Validation(try root.required("data_validation"), songBase: ingestion.songBase),
            transformation: transformation,
            training: training,
            evaluation: try Evaluation(try root.required("model_evaluation"), model: training.model,
                                       xTest: processed(FolderFiles.xTest), yTest: processed(FolderFiles.yTest),
                                       urisTest: processed(FolderFiles.urisTest)),
            clustering: clustering,
            prediction: prediction,
            monitoring: try Monitoring(try root.required("monitoring"), log: prediction.log),
            feed: try Feed(try root.required("feed"), songBase: ingestion.songBase, additions: ingestion.additions),
            factorization: factorization,
            serve: try root.optional("serve").map(ServeSettings.init) ?? ServeSettings())
        try root.finish()
        return config
    }
}

// Each section reads its keys in the order they are declared, then refuses any other key; the
// paths another section declares are arguments. The initialisers live in extensions so that the
// sections keep their memberwise initialisers.

extension ProjectConfig.Ingestion {
    /// Reads `data_ingestion`.
    init(_ value: ConfigValue) throws {
        var section = try value.mapping()
        self.init(
            sourceURL: try section.required("source_url").filePath(),
            datasetZip: try section.required("dataset_zip").filePath(),
            songBase: try section.required("song_base").filePath(),
            maxUncompressedBytes: try section.required("max_uncompressed_mb").int(min: 1, max: 1 << 20) << 20,
            additions: try section.required("additions").filePath())
        try section.finish()
    }
}

extension ProjectConfig.Validation {
    /// Reads `data_validation`.
    init(_ value: ConfigValue, songBase: String) throws {
        var section = try value.mapping()
        self.init(
            songBase: songBase,
            status: try section.required("status").filePath(),
            report: try section.required("report").filePath())
        try section.finish()
    }
}

extension ProjectConfig.Transformation {
    /// Reads `data_transformation`.
    init(_ value: ConfigValue, songBase: String) throws {
        var section = try value.mapping()
        self.init(
            songBase: songBase,
            processedDir: try section.required("processed_dir").filePath(),
            toRecDir: try section.required("to_rec_dir").filePath())
        try section.finish()
    }
}

extension ProjectConfig.Training {
    /// Reads `model_training`.
    init(_ value: ConfigValue, xTrain: String, yTrain: String, labels: String) throws {
        var section = try value.mapping()
        self.init(
            xTrain: xTrain, yTrain: yTrain, labels: labels,
            model: try section.required("model").filePath(),
            importance: try section.required("importance").filePath())
        try section.finish()
    }
}

extension ProjectConfig.Evaluation {
    /// Reads `model_evaluation`.
    init(_ value: ConfigValue, model: String, xTest: String, yTest: String, urisTest: String) throws {
        var section = try value.mapping()
        self.init(
            model: model, xTest: xTest, yTest: yTest, urisTest: urisTest,
            metrics: try section.required("metrics").filePath(),
            confusion: try section.required("confusion").filePath(),
            recoMetrics: try section.required("reco_metrics").filePath())
        try section.finish()
    }
}

extension ProjectConfig.Clustering {
    /// Reads `clustering`.
    init(_ value: ConfigValue, toRecDir: String, scaler: String, model: String) throws {
        var section = try value.mapping()
        self.init(
            toRecDir: toRecDir, scaler: scaler,
            modelsDir: try section.required("models_dir").filePath(),
            metricsDir: try section.required("metrics_dir").filePath(),
            model: model,
            catalog: try section.required("catalog").filePath())
        try section.finish()
    }
}

extension ProjectConfig.Prediction {
    /// Reads `prediction`.
    init(_ value: ConfigValue, catalog: String, model: String, scaler: String, mixturesDir: String, factors: String) throws {
        var section = try value.mapping()
        self.init(
            catalog: catalog, model: model, scaler: scaler, mixturesDir: mixturesDir,
            log: try section.required("log").filePath(),
            factors: factors)
        try section.finish()
    }
}

extension ProjectConfig.Monitoring {
    /// Reads `monitoring`.
    init(_ value: ConfigValue, log: String) throws {
        var section = try value.mapping()
        self.init(
            log: log,
            metrics: try section.required("metrics").filePath(),
            trend: try section.required("trend").filePath(),
            html: try section.required("html").filePath())
        try section.finish()
    }
}

extension ProjectConfig.Feed {
    /// Reads `feed`.
    init(_ value: ConfigValue, songBase: String, additions: String) throws {
        var section = try value.mapping()
        self.init(
            newDir: try section.required("new_dir").filePath(),
            songBase: songBase, additions: additions,
            archiveDir: try section.required("archive_dir").filePath(),
            metrics: try section.required("metrics").filePath(),
            flag: try section.required("flag").filePath())
        try section.finish()
    }
}

extension ProjectConfig.Factorization {
    /// Reads `factorization`.
    init(_ value: ConfigValue) throws {
        var section = try value.mapping()
        self.init(
            playlistsDir: try section.required("playlists_dir").filePath(),
            factors: try section.required("factors").filePath(),
            metrics: try section.required("metrics").filePath())
        try section.finish()
    }
}
