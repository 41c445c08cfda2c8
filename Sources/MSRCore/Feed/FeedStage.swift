import FoundationEssentials
import Glibc

/// msr-feed: merges the new songs waiting in `feed.new_dir` (CSV files in the song-base layout)
/// into the song base, measures how much the base grew and how far the new songs drift from it,
/// and raises the retrain flag when either passes its threshold.
///
/// Every file is checked against the schema before anything is written: one bad file refuses
/// the whole feed. Songs already in the base (or earlier in the feed) are dropped. The previous
/// song base and the consumed files go to `feed.archive_dir/<UTC timestamp>/` (`-2`, `-3`...
/// added for a second feed in the same second); the songs added
/// are also appended to `data_ingestion.additions`, which msr-ingest appends to the dataset's, so that
/// `dvc repro` rebuilds the same song base. With nothing new, the song base is left alone;
/// feed.json says so and an empty additions file is made if there is none (the outputs DVC
/// expects of the stage).
public enum FeedStage {
    public static func run(_ inputs: StageInputs, now: Date = Date()) throws -> String {
        let (config, params, schema) = (inputs.config, inputs.params, inputs.schema)
        let paths = config.feed
        // An absent folder is nothing new; one that cannot be listed is an error, never "nothing new".
        let files = try NewSongFiles.list(paths.newDir)
        guard !files.isEmpty else { return try nothingNew(paths, schema: schema) }

        let base = try SongTable.read(path: paths.songBase, schema: schema)
        let tables = try validated(files, in: paths.newDir, schema: schema, genres: params.ingest.genres)
        let (merged, received) = merge(tables, into: base)
        let added = merged.count - base.count
        let delta = 100 * Double(added) / Double(max(base.count, 1))
        let (drift, worst) = added > 0 ? measureDrift(of: merged, baseCount: base.count, schema: schema, bins: params.feed.psiBins)
            : ([:], (feature: "", psi: 0.0))
        let reasons = retrainReasons(delta: delta, worst: worst, params: params.feed)

        // The song base, the additions, feed.json and the flag are replaced all together or not at
        // all; the consumed files are moved to the archive only once they are.
        let outputs = OutputSet()
        let archive = try archiveAndStage(base: base, merged: merged, paths: paths, schema: schema, now: now, into: outputs)
        try outputs.add(Outcome(files: files.count, received: received, added: added, base: (base.count, merged.count), delta: delta,
                                drift: drift, maxPSI: worst.psi, reasons: reasons).json, to: paths.metrics)
        if !reasons.isEmpty {
            try outputs.add(JSONValue.object([
                "time": .string(utcTimestamp(now)), "reasons": .array(reasons.map(JSONValue.string)),
                "delta_percent": .double(delta), "max_psi": .double(worst.psi), "added": .int(added),
            ]), to: paths.flag)
        }
        try outputs.commit()
        try moveConsumed(files, from: paths.newDir, to: archive)
        return "\(files.count) files, \(received) songs: added \(added), \(received - added) already known; base "
            + "\(base.count) -> \(merged.count) (+\(String(printf: "%.2f", delta))%), max PSI \(String(printf: "%.4f", worst.psi))"
            + (reasons.isEmpty ? "" : "; retrain: \(reasons.joined(separator: "; ")) -> \(paths.flag)")
    }

    /// Nothing to merge: the song base stays as it is, and the outputs DVC expects of the stage
    /// exist (an empty additions file when there is none, feed.json saying so).
    static func nothingNew(_ paths: ProjectConfig.Feed, schema: Schema) throws -> String {
        if !FileManager.default.fileExists(atPath: paths.additions) {
            try SongTable.empty(featureColumns: schema.features)
                .writeCSV(to: paths.additions, idName: schema.id, targetName: schema.target)
        }
        try Outcome().json.write(to: paths.metrics)
        return "nothing new in \(paths.newDir): the song base is unchanged"
    }

    /// Every new file checked against the schema, then read: the first problem of any file
    /// refuses the whole feed, before anything is written.
    static func validated(_ files: [String], in folder: String, schema: Schema, genres: [String]) throws -> [SongTable] {
        let validator = SchemaValidator(schema: schema, genres: genres)
        var tables: [SongTable] = []
        for file in files {
            let path = "\(folder)/\(file)"
            let (_, problems) = try validator.problems(in: CSVReader(path: path))
            if let first = problems.first {
                let more = problems.count > 1 ? ", \(problems.count) problems in all" : ""
                throw MSRError.badData(file: path, line: first.line, first.message + " (nothing merged\(more))")
            }
            tables.append(try SongTable.read(path: path, schema: schema))
        }
        return tables
    }

    /// The base with the new songs appended in file order, songs already in the base (or earlier
    /// in the feed) dropped; `received` counts every song of the files.
    static func merge(_ tables: [SongTable], into base: SongTable) -> (merged: SongTable, received: Int) {
        var seen = ByteStringTable(capacity: base.count * 2)
        for i in 0..<base.count { seen.insert(base.uris, i) }
        var merged = base, received = 0
        for table in tables {
            received += table.count
            let rows = (0..<table.count).filter { seen.insert(table.uris, $0).inserted }
            merged = merged.appending(table, rows: rows)
        }
        return (merged, received)
    }

    /// Drift of the added songs (the rows after `baseCount`) against the base, per feature
    /// (feed.json's `drift`), and the feature with the largest PSI.
    static func measureDrift(of merged: SongTable, baseCount: Int, schema: Schema, bins: Int)
        -> (drift: [String: JSONValue], worst: (feature: String, psi: Double)) {
        var drift: [String: JSONValue] = [:]
        var worst = (feature: "", psi: 0.0)
        for (j, column) in schema.features.enumerated() {
            let reference = Array(merged.features.column(j).prefix(baseCount))
            let new = Array(merged.features.column(j).dropFirst(baseCount))
            let psi = DriftStatistics.psi(reference: reference, new: new, bins: bins)
            drift[column.name] = .object(["psi": .double(psi), "ks": .double(DriftStatistics.ks(reference, new))])
            if psi > worst.psi { worst = (column.name, psi) }
        }
        return (drift, worst)
    }

    /// Why retraining is due, empty when it is not: growth past feed.min_delta, drift past feed.max_psi.
    static func retrainReasons(delta: Double, worst: (feature: String, psi: Double), params: FeedParams) -> [String] {
        var reasons: [String] = []
        if delta > params.minDelta {
            reasons.append(String(printf: "the song base grew by %.2f%% (feed.min_delta: %g)", delta, params.minDelta))
        }
        if worst.psi > params.maxPSI {
            reasons.append("feature '\(worst.feature)'" + String(printf: " drifted: PSI %.4f (feed.max_psi: %g)", worst.psi, params.maxPSI))
        }
        return reasons
    }

    /// Archives the previous base, then stages the new one and the grown additions in
    /// `outputs`; returns the archive folder.
    static func archiveAndStage(base: SongTable, merged: SongTable, paths: ProjectConfig.Feed, schema: Schema, now: Date,
                                into outputs: OutputSet) throws -> String {
        let archive = try ArchiveFolder.make(in: paths.archiveDir, stamp: timestamp(now))
        try makeFolder("\(archive)/new")
        if merged.count > base.count {
            try copy(paths.songBase, to: "\(archive)/\(URL(fileURLWithPath: paths.songBase).lastPathComponent)")
            let newRows = Array(base.count..<merged.count)
            let additions = FileManager.default.fileExists(atPath: paths.additions)
                ? try SongTable.read(path: paths.additions, schema: schema).appending(merged, rows: newRows)
                : SongTable.empty(featureColumns: schema.features).appending(merged, rows: newRows)
            try additions.writeCSV(to: paths.additions, idName: schema.id,
                                   targetName: schema.target, into: outputs)
            try merged.writeCSV(to: paths.songBase, idName: schema.id,
                                targetName: schema.target, into: outputs)
        }
        return archive
    }

    /// Moves the consumed files of `folder` to the archive's `new/`. Should it fail midway, the
    /// files left are merged again next time, their songs then dropped as already known.
    static func moveConsumed(_ files: [String], from folder: String, to archive: String) throws {
        for file in files {
            guard rename("\(folder)/\(file)", "\(archive)/new/\(file)") == 0 else {
                throw AtomicFile.ioError("\(folder)/\(file)", "cannot move it to \(archive)/new")
            }
        }
    }

    /// What a feed did: feed.json. The defaults are a feed with nothing new.
    struct Outcome {
        var files = 0, received = 0, added = 0
        /// Songs in the base before and after; nil when the base was not read.
        var base: (before: Int, after: Int)?
        var delta = 0.0
        var drift: [String: JSONValue] = [:]
        var maxPSI = 0.0
        var reasons: [String] = []

        var json: JSONValue {
            var members: [String: JSONValue] = [
                "files": .int(files), "received": .int(received), "added": .int(added), "duplicates": .int(received - added),
                "delta_percent": .double(delta), "drift": .object(drift), "max_psi": .double(maxPSI),
                "retrain": .bool(!reasons.isEmpty), "reasons": .array(reasons.map(JSONValue.string)),
            ]
            if let base {
                members["base_before"] = .int(base.before)
                members["base_after"] = .int(base.after)
            }
            return .object(members)
        }
    }

    /// `20261122T033500Z`.
    static func timestamp(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970), parts = tm()
        gmtime_r(&seconds, &parts)
        return String(printf: "%04d%02d%02dT%02d%02d%02dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                      parts.tm_hour, parts.tm_min, parts.tm_sec)
    }

    static func makeFolder(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw MSRError(.io, "\(path): cannot create the folder: \(MSRError.reason(error))")
        }
    }

    static func copy(_ source: String, to destination: String) throws {
        do {
            try FileManager.default.copyItem(atPath: source, toPath: destination)
        } catch {
            throw MSRError(.io, "\(source): cannot archive it to \(destination): \(MSRError.reason(error))")
        }
    }
}
