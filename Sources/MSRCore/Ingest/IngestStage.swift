import FoundationEssentials
import Glibc

/// msr-ingest: fetches the dataset archive when absent, reads its CSV, writes the song base.
public enum IngestStage {
    /// Runs the stage, downloading through `http` when the source is a URL; returns the summary
    /// line it prints.
    public static func run(_ inputs: StageInputs, force: Bool, http: any HTTPClient) throws -> String {
        let (config, params, schema) = (inputs.config, inputs.params, inputs.schema)
        let paths = config.ingestion
        if force || !FileManager.default.fileExists(atPath: paths.datasetZip) {
            try DatasetFetcher.fetch(paths.sourceURL, to: paths.datasetZip, maxBytes: paths.maxUncompressedBytes, http: http)
        }
        var timer = PhaseTimer(inputs.events)
        let builder = SongBaseBuilder(schema: schema, genres: params.ingest.genres)
        // Inflated on one thread while what came before is parsed on the others.
        let (entryName, built) = try DatasetArchive.withCSV(zipPath: paths.datasetZip,
                                                            maxBytes: paths.maxUncompressedBytes) { name, stream in
            (name, try builder.build(csv: CSVReader(stream: stream, file: "\(paths.datasetZip)/\(name)")))
        }
        var (table, counts) = built
        timer.mark("inflate, parse, filter")
        guard counts.kept > 0 else {
            throw MSRError.badData(file: "\(paths.datasetZip)/\(entryName)",
                                   "no row left after filtering (do ingest.genres match the dataset's genres?)")
        }
        // The songs msr-feed added over time, after the dataset's (the first occurrence wins).
        var fed = ""
        if FileManager.default.fileExists(atPath: paths.additions) {
            let additions = try SongTable.read(path: paths.additions, schema: schema)
            var seen = ByteStringTable(capacity: table.count + additions.count)
            for i in 0..<table.count { seen.insert(table.uris, i) }
            // Their ids are held to the song base's form too (msr-feed's files come from outside).
            let idForm = TrackIDForm.of(column: schema.id)
            var invalid: [Int] = []
            let rows = (0..<additions.count).filter {
                guard params.ingest.genres.contains(additions.genres[$0]) else { return false }
                guard idForm.accepts(additions.uris[$0]) else { invalid.append($0); return false }
                return seen.insert(additions.uris, $0).inserted
            }
            table = table.appending(additions, rows: rows)
            fed = ", added \(rows.count) fed songs (\(paths.additions)"
                + (invalid.first.map {
                    "; dropped \(invalid.count) with an invalid track id (not \(idForm.expected), "
                        + "the first on \(paths.additions):\(additions.lines[$0]))"
                } ?? "") + ")"
        }
        try table.writeCSV(to: paths.songBase, idName: schema.id, targetName: schema.target)
        timer.mark("write song base")
        let genresFound = Set(table.genres.codes).count
        return "read \(counts.read) rows, kept \(counts.kept) in \(genresFound) genres "
            + "(dropped \(counts.otherGenre) of other genres, \(counts.missingValue) with a missing value, "
            + invalidIDs(counts, file: "\(paths.datasetZip)/\(entryName)")
            + "\(counts.duplicate) duplicate tracks)\(fed)"
            + unprintableText(counts, file: "\(paths.datasetZip)/\(entryName)") + " -> \(paths.songBase)"
    }

    /// ", emptied N names not printable (..., the first on FILE:LINE)", or nothing when every
    /// descriptive value was printable: the summary of a clean dataset stays as it was.
    static func unprintableText(_ counts: SongBaseBuilder.Counts, file: String) -> String {
        guard counts.unprintableText > 0, let line = counts.firstUnprintableTextLine else { return "" }
        return ", emptied \(counts.unprintableText) descriptive values that were not printable text "
            + "(invalid UTF-8 or a control character, the first on \(file):\(line))"
    }

    /// "N with an invalid track id (not ..., the first on FILE:LINE), ", or nothing when every
    /// id had its form: the summary of a clean dataset stays as it was.
    static func invalidIDs(_ counts: SongBaseBuilder.Counts, file: String) -> String {
        guard counts.invalidID > 0, let line = counts.firstInvalidIDLine else { return "" }
        return "\(counts.invalidID) with an invalid track id (not \(counts.idForm.expected), the first on \(file):\(line)), "
    }
}
