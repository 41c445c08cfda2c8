/// The names of the files stages write inside the folders config.yaml names: declared once, for
/// the stage that writes them, the stages that read them and the output checks.
public enum FolderFiles {
    /// In `data_transformation.processed_dir`: the split, its labels and the scaler.
    public static let xTrain = "X_train.csv", xTest = "X_test.csv", yTrain = "y_train.csv", yTest = "y_test.csv"
    /// In `data_transformation.processed_dir`: the test rows' uris, in X_test's order.
    public static let urisTest = "uris_test.csv"
    /// In `data_transformation.processed_dir`: the genre of each class code.
    public static let labels = "labels.json"
    /// In `data_transformation.processed_dir`: the training rows' mean and standard deviation.
    public static let scaler = "scaler.json"
    /// In `data_transformation.to_rec_dir`: the genres, one a line, in label order.
    public static let genres = "genres.txt"
    /// Every file `msr-transform` writes in `processed_dir`.
    public static let processed = [xTrain, xTest, yTrain, yTest, urisTest, labels, scaler]

    /// In `data_transformation.to_rec_dir`: the songs of the genre with this label.
    public static func toRec(_ label: Int) -> String { "to_rec_\(label).csv" }
    /// In `clustering.models_dir`: the genre's Gaussian mixture.
    public static func mixture(_ label: Int) -> String { "mixture_\(label).json" }
    /// In `clustering.metrics_dir`: the genre's cluster scores.
    public static func clusterScores(_ label: Int) -> String { "uns_metrics_\(label).json" }
}
