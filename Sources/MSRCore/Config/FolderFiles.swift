import Glibc

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

    /// The files of `folder` named `name(label)` for a label of `count` or more: what an earlier
    /// run with more genres left (`OutputSet.retire`s them). Other files are never listed; a
    /// folder that cannot be read lists none.
    public static func beyond(_ count: Int, in folder: String, _ name: (Int) -> String) -> [String] {
        guard let directory = opendir(folder) else { return [] }
        defer { closedir(directory) }
        var found: [String] = []
        while let entry = readdir(directory) {
            let bytes = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
            // The label is the name's digits; the name must be exactly `name(label)`.
            guard let first = bytes.firstIndex(where: { (48...57).contains($0) }) else { continue }
            let digits = bytes[first...].prefix { (48...57).contains($0) }
            guard digits.count < 10, let label = Int(String(decoding: digits, as: UTF8.self)), label >= count,
                  bytes.elementsEqual(name(label).utf8) else { continue }
            found.append("\(folder)/\(name(label))")
        }
        return found.sorted()
    }
}
