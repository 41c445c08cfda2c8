/// config.yaml: where each stage reads and writes. Relative paths are kept as written and so
/// resolve against the working directory.
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
        public var songBase: String
        /// `Validation status: True` or `False`.
        public var status: String
        /// Every problem found, as JSON.
        public var report: String
    }

    /// `data_transformation`: the song base read and the folders written.
    public struct Transformation: Sendable, Equatable {
        public var songBase: String
        /// X/y train/test CSVs, labels.json and scaler.json.
        public var processedDir: String
        /// One `to_rec_<label>.csv` per genre, and genres.txt.
        public var toRecDir: String
    }

    /// `model_training`: the training split read and the model written.
    public struct Training: Sendable, Equatable {
        public var xTrain: String
        public var yTrain: String
        /// labels.json: the genre of each class code.
        public var labels: String
        /// The boosted-trees model file.
        public var model: String
        /// Gain-based feature importance, as JSON.
        public var importance: String
    }

    /// `model_evaluation`: the model and test split read, the metrics written.
    public struct Evaluation: Sendable, Equatable {
        public var model: String
        public var xTest: String
        public var yTest: String
        /// DVC metrics: accuracy, F1, log loss, per-class report, prediction time.
        public var metrics: String
        /// DVC's confusion template: one `{actual, predicted}` per test row.
        public var confusion: String
        /// The test rows' uris, in X_test's order: the songs of the held-out playlists.
        public var urisTest: String
        /// `msr-evaluate --recommender`'s DVC metrics.
        public var recoMetrics: String
    }

    /// `clustering`: the per-genre song files and scaling read, the mixtures and scores written.
    public struct Clustering: Sendable, Equatable {
        /// Holds `to_rec_<label>.csv` and genres.txt.
        public var toRecDir: String
        /// scaler.json: the features are standardised with its mean and std before clustering.
        public var scaler: String
        /// Receives `mixture_<label>.json`.
        public var modelsDir: String
        /// Receives `uns_metrics_<label>.json`.
        public var metricsDir: String
        /// The classifier, whose genre probabilities for every song go into the song index.
        public var model: String
        /// Receives the song index msr-predict reads (`SongIndex`).
        public var catalog: String
    }

    /// `prediction`: what msr-predict loads, and its log.
    public struct Prediction: Sendable, Equatable {
        /// The song index msr-cluster wrote.
        public var catalog: String
        public var model: String
        public var scaler: String
        /// Holds `mixture_<label>.json`.
        public var mixturesDir: String
        /// One JSON line per recommended playlist is appended here.
        public var log: String
    }

    /// `monitoring`: the recommendations log read, the monitoring figures written.
    public struct Monitoring: Sendable, Equatable {
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
        public var songBase: String
        /// Every song fed so far, which msr-ingest appends to the dataset's.
        public var additions: String
        /// Previous song bases and consumed files, under a timestamp.
        public var archiveDir: String
        /// feed.json: counts, growth and drift.
        public var metrics: String
        /// Written (JSON: why) when the models should be retrained.
        public var flag: String
    }

    /// Loads and checks config.yaml; unknown and missing keys are errors.
    public static func load(path: String) throws -> ProjectConfig {
        var root = try ConfigValue.load(path: path).mapping()
        let schema = try root.required("schema").string()

        var ingest = try root.required("data_ingestion").mapping()
        let ingestion = Ingestion(
            sourceURL: try ingest.required("source_url").string(),
            datasetZip: try ingest.required("dataset_zip").string(),
            songBase: try ingest.required("song_base").string(),
            maxUncompressedBytes: try ingest.required("max_uncompressed_mb").int(min: 1, max: 1 << 20) << 20,
            additions: try ingest.required("additions").string())
        try ingest.finish()

        var validate = try root.required("data_validation").mapping()
        let validation = Validation(
            songBase: try validate.required("song_base").string(),
            status: try validate.required("status").string(),
            report: try validate.required("report").string())
        try validate.finish()

        var transform = try root.required("data_transformation").mapping()
        let transformation = Transformation(
            songBase: try transform.required("song_base").string(),
            processedDir: try transform.required("processed_dir").string(),
            toRecDir: try transform.required("to_rec_dir").string())
        try transform.finish()

        var train = try root.required("model_training").mapping()
        let training = Training(
            xTrain: try train.required("x_train").string(),
            yTrain: try train.required("y_train").string(),
            labels: try train.required("labels").string(),
            model: try train.required("model").string(),
            importance: try train.required("importance").string())
        try train.finish()

        var evaluate = try root.required("model_evaluation").mapping()
        let evaluation = Evaluation(
            model: try evaluate.required("model").string(),
            xTest: try evaluate.required("x_test").string(),
            yTest: try evaluate.required("y_test").string(),
            metrics: try evaluate.required("metrics").string(),
            confusion: try evaluate.required("confusion").string(),
            urisTest: try evaluate.required("uris_test").string(),
            recoMetrics: try evaluate.required("reco_metrics").string())
        try evaluate.finish()

        var cluster = try root.required("clustering").mapping()
        let clustering = Clustering(
            toRecDir: try cluster.required("to_rec_dir").string(),
            scaler: try cluster.required("scaler").string(),
            modelsDir: try cluster.required("models_dir").string(),
            metricsDir: try cluster.required("metrics_dir").string(),
            model: try cluster.required("model").string(),
            catalog: try cluster.required("catalog").string())
        try cluster.finish()

        var predict = try root.required("prediction").mapping()
        let prediction = Prediction(
            catalog: try predict.required("catalog").string(),
            model: try predict.required("model").string(),
            scaler: try predict.required("scaler").string(),
            mixturesDir: try predict.required("mixtures_dir").string(),
            log: try predict.required("log").string())
        try predict.finish()

        var monitor = try root.required("monitoring").mapping()
        let monitoring = Monitoring(
            log: try monitor.required("log").string(),
            metrics: try monitor.required("metrics").string(),
            trend: try monitor.required("trend").string(),
            html: try monitor.required("html").string())
        try monitor.finish()

        var feedSection = try root.required("feed").mapping()
        let feed = Feed(
            newDir: try feedSection.required("new_dir").string(),
            songBase: try feedSection.required("song_base").string(),
            additions: try feedSection.required("additions").string(),
            archiveDir: try feedSection.required("archive_dir").string(),
            metrics: try feedSection.required("metrics").string(),
            flag: try feedSection.required("flag").string())
        try feedSection.finish()

        try root.finish()
        return ProjectConfig(schema: schema, ingestion: ingestion, validation: validation,
                             transformation: transformation, training: training, evaluation: evaluation,
                             clustering: clustering, prediction: prediction, monitoring: monitoring, feed: feed)
    }
}
