import FoundationEssentials
import Glibc

/// msr-transform: label encoding, the seeded split, scaling statistics and per-genre song files.
public enum TransformStage {
    /// Runs the stage; returns its summary line. Everything is computed before the first write.
    public static func run(_ inputs: StageInputs) throws -> String {
        let (config, params, schema) = (inputs.config, inputs.params, inputs.schema)
        let paths = config.transformation
        var timer = PhaseTimer(inputs.events)
        // The features' text is kept as read (msr-ingest wrote it as the X files hold it).
        let (songs, featureText) = try SongTable.readWithFeatureText(path: paths.songBase, schema: schema)
        timer.mark("read song base")
        guard songs.count >= 2 else {
            throw MSRError.badData(file: paths.songBase, "expected at least 2 songs to split, got \(songs.count)")
        }
        let encoder = LabelEncoder(fitting: songs.genres.names)
        let labels = encoder.encode(songs.genres)
        let split = try TrainTestSplit(count: songs.count, testSize: params.transform.testSize,
                                       seed: params.transform.randomState,
                                       strata: params.transform.stratify ? labels : nil)
        let scaler = FeatureScaler(features: schema.features.map(\.name), matrix: songs.features, rows: split.train)

        timer.mark("encode, split, scale")

        let processed = paths.processedDir
        // Every output staged, then all renamed at the end: a failure leaves the previous split.
        let outputs = OutputSet()
        for (x, y, rows) in [(FolderFiles.xTrain, FolderFiles.yTrain, split.train), (FolderFiles.xTest, FolderFiles.yTest, split.test)] {
            try songs.writeFeatureCSV(to: "\(processed)/\(x)", rows: rows, featureText: featureText, into: outputs)
            try CSVFileWriter.write(to: "\(processed)/\(y)", header: [schema.target], rowCount: rows.count, into: outputs) { writer, block in
                for k in block {
                    writer.integer(Int(labels[rows[k]]))
                    writer.endRow()
                }
            }
        }
        try CSVFileWriter.write(to: "\(processed)/\(FolderFiles.urisTest)", header: [schema.id], rowCount: split.test.count,
                                into: outputs) { writer, block in
            for k in block {
                writer.text(songs.uris, split.test[k])
                writer.endRow()
            }
        }
        timer.mark("write X, y, test uris")
        try outputs.add(encoder.json, to: "\(processed)/\(FolderFiles.labels)")
        try outputs.add(scaler.json, to: "\(processed)/\(FolderFiles.scaler)")
        // One file per genre, written concurrently.
        let toRec = paths.toRecDir
        let genreRows = rowsByLabel(labels, classCount: encoder.classes.count)
        let outcomes = Parallel.map(genreRows.count) { label in
            Result {
                try songs.writeCSV(to: "\(toRec)/\(FolderFiles.toRec(label))", rows: genreRows[label], featureText: featureText,
                                   idName: schema.id, targetName: schema.target, into: outputs)
            }
        }
        for outcome in outcomes { try outcome.get() }
        timer.mark("write per-genre files")
        try outputs.add(encoder.classes.map { $0 + "\n" }.joined(), to: "\(paths.toRecDir)/\(FolderFiles.genres)")
        outputs.retire(FolderFiles.beyond(encoder.classes.count, in: toRec, FolderFiles.toRec))
        try outputs.commit()
        timer.mark("rename into place")
        return "\(songs.count) songs in \(encoder.classes.count) genres: \(split.train.count) train, "
            + "\(split.test.count) test rows -> \(processed), \(paths.toRecDir)"
    }

    /// The rows of each label, in file order.
    static func rowsByLabel(_ labels: [Int32], classCount: Int) -> [[Int]] {
        var rows = [[Int]](repeating: [], count: classCount)
        for (row, label) in labels.enumerated() { rows[Int(label)].append(row) }
        return rows
    }
}
