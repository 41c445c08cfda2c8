import Foundation

/// msr-transform: label encoding, the seeded split, scaling statistics and per-genre song files.
public enum TransformStage {
    /// Runs the stage; returns its summary line. Everything is computed before the first write.
    public static func run(config: ProjectConfig, params: Params, schema: Schema) throws -> String {
        let paths = config.transformation
        let songs = try SongTable.read(path: paths.songBase, schema: schema)
        guard songs.count >= 2 else {
            throw MSRError.badData(file: paths.songBase, "expected at least 2 songs to split, got \(songs.count)")
        }
        let encoder = LabelEncoder(fitting: songs.genres.names)
        let labels = encoder.encode(songs.genres)
        let split = try TrainTestSplit(count: songs.count, testSize: params.transform.testSize,
                                       seed: params.transform.randomState,
                                       strata: params.transform.stratify ? labels : nil)
        let scaler = FeatureScaler(features: schema.features.map(\.name), columns: songs.features, rows: split.train)

        var files: [(path: String, bytes: [UInt8])] = []
        let processed = paths.processedDir
        for (name, rows) in [("train", split.train), ("test", split.test)] {
            files.append(("\(processed)/X_\(name).csv", songs.selecting(rows).featureCSV()))
            var writer = CSVWriter(reservingCapacity: rows.count * 3 + 8)
            writer.row([schema.target])
            for row in rows {
                writer.integer(Int(labels[row]))
                writer.endRow()
            }
            files.append(("\(processed)/y_\(name).csv", writer.bytes))
        }
        files.append(("\(processed)/labels.json", Array(encoder.json.serialized().utf8)))
        files.append(("\(processed)/scaler.json", Array(scaler.json.serialized().utf8)))

        var rowsOfLabel = [[Int]](repeating: [], count: encoder.classes.count)
        for (row, label) in labels.enumerated() { rowsOfLabel[Int(label)].append(row) }
        for (label, rows) in rowsOfLabel.enumerated() {
            files.append(("\(paths.toRecDir)/to_rec_\(label).csv",
                          songs.selecting(rows).csv(idName: schema.id, targetName: schema.target)))
        }
        files.append(("\(paths.toRecDir)/genres.txt",
                      Array(encoder.classes.map { $0 + "\n" }.joined().utf8)))

        for file in files { try AtomicFile.write(file.bytes, to: file.path) }
        return "\(songs.count) songs in \(encoder.classes.count) genres: \(split.train.count) train, "
            + "\(split.test.count) test rows -> \(processed), \(paths.toRecDir)"
    }
}
