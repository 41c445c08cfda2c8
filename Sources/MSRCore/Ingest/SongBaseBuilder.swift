/// Turns a dataset CSV into the song base: the configured genres only, no row with a missing
/// value or an id not of its layout's `TrackIDForm`, no track twice (the first occurrence wins,
/// as pandas' `drop_duplicates` keeps it).
///
/// A row with a bad id is dropped and counted, as a row with a missing value is, rather than
/// refusing the file: a third-party dataset of a hundred thousand rows stays usable when a few
/// are damaged, and the summary line says how many went and where the first one was.
///
/// Reads the Kaggle "Spotify tracks dataset" layout (`track_id`, `track_genre`, an unnamed index
/// column and text columns, all ignored but the features and the schema's descriptive columns)
/// as well as the song-base layout (`uri`, `genre`). A descriptive column the file lacks is
/// left out; a descriptive value that is not printable text (invalid UTF-8, a control character
/// or line break) is emptied and counted: a name is not worth a song.
public struct SongBaseBuilder {
    public let schema: Schema
    public let genres: [String]

    /// How many rows went where.
    public struct Counts: Sendable, Equatable {
        public var read = 0
        public var otherGenre = 0
        public var missingValue = 0
        /// Rows whose id is not of the layout's `TrackIDForm`, and the file line of the first.
        public var invalidID = 0
        public var firstInvalidIDLine: Int?
        /// The form the ids were held to (from the id column's name).
        public var idForm = TrackIDForm.printable
        public var duplicate = 0
        public var kept = 0
        /// Descriptive values of kept rows emptied for not being printable, and the first's line.
        public var unprintableText = 0
        public var firstUnprintableTextLine: Int?
    }

    public init(schema: Schema, genres: [String]) {
        self.schema = schema
        self.genres = genres
    }

    /// The column that holds `name` in this header: the schema's name, or its Kaggle alias.
    static func column(for name: String, alias: String, in header: [String]) -> String {
        header.contains(name) || !header.contains(alias) ? name : alias
    }

    /// Builds the song base from CSV bytes; `file` names the CSV in messages.
    public func build(csv bytes: [UInt8], file: String) throws -> (table: SongTable, counts: Counts) {
        try build(csv: CSVReader(bytes: bytes, file: file))
    }

    /// Builds the song base from what `reader` reads (a stream: a window at a time, so memory
    /// peaks at a window plus the parsed columns, rows dropped in place).
    public func build(csv reader: consuming CSVReader) throws -> (table: SongTable, counts: Counts) {
        let file = reader.file
        let header = try reader.header()
        let idColumn = Self.column(for: schema.id, alias: "track_id", in: header)
        let idForm = TrackIDForm.of(column: idColumn)
        let targetColumn = Self.column(for: schema.target, alias: "track_genre", in: header)
        var request: [(name: String, kind: CSVColumnKind)] = [(idColumn, .text), (targetColumn, .category)]
        request += schema.features.map { ($0.name, .number) }
        let descriptiveNames = schema.descriptive.filter(header.contains)
        request += descriptiveNames.map { ($0, .text) }
        var columns = try reader.read(request)
        _ = consume reader

        var uris = columns.texts.removeValue(forKey: idColumn)!
        let genreColumn = columns.categories[targetColumn]!
        var features = schema.features.map { columns.numbers.removeValue(forKey: $0.name)! }

        // Codes of the dataset's genre names, mapped to the configured order (-1: not kept).
        let keptCode: [Int32] = genreColumn.names.map { name in
            genres.firstIndex(of: name).map(Int32.init) ?? -1
        }
        if let absent = genres.first(where: { !genreColumn.names.contains($0) }) {
            throw MSRError.badData(file: file, "column '\(targetColumn)': no track of genre '\(absent)' "
                + "(listed in ingest.genres; the file has \(genreColumn.names.count) genres: "
                + "\(genreColumn.names.sorted().prefix(12).joined(separator: ", "))\(genreColumn.names.count > 12 ? ", ..." : ""))")
        }
        var counts = Counts()
        counts.read = columns.rowCount
        counts.idForm = idForm
        // The rows of a kept genre with every value and a well-formed id; of those, the first of
        // each id.
        let candidates = Self.candidates(uris: uris, genreCodes: genreColumn.codes, keptCode: keptCode, features: features,
                                         lines: columns.lines, counts: &counts)
        let kept = zip(candidates, uris.firstOccurrences(among: candidates)).compactMap { $0 == $1 ? $0 : nil }
        counts.duplicate = candidates.count - kept.count
        counts.kept = kept.count
        let matrix = FeatureMatrix(consuming: &features, rows: kept)
        var lines = columns.lines
        columns.lines = []
        lines.retain(sortedRows: kept)
        // The ids and the descriptive columns, each filtered (and checked, the descriptive ones)
        // on its own core.
        var texts = [uris] + descriptiveNames.map { columns.texts.removeValue(forKey: $0)! }
        uris = TextColumn()
        var filtered = Parallel.mapConsuming(&texts) { k, values in
            values.retain(sortedRows: kept)
            return (values: values, bad: k == 0 ? [] : Self.unprintableRows(values))
        }
        uris = filtered[0].values
        let descriptive = descriptiveNames.indices.map { j in
            // Taken out, so that emptying values changes the column in place.
            var values = filtered[j + 1].values
            filtered[j + 1].values = TextColumn()
            Self.empty(filtered[j + 1].bad, in: &values, lines: lines, counts: &counts)
            return DescriptiveColumn(name: descriptiveNames[j], values: values)
        }
        let table = SongTable(
            uris: uris,
            genres: CategoryColumn(names: genres, codes: kept.map { keptCode[Int(genreColumn.codes[$0])] }),
            features: matrix, featureColumns: schema.features, lines: lines, descriptive: descriptive)
        return (table, counts)
    }

    /// The rows of a kept genre (`keptCode` not -1) with every value and an id of
    /// `counts.idForm`, in order; the others counted in `counts`. Blocks of rows on every core.
    static func candidates(uris: TextColumn, genreCodes: [Int32], keptCode: [Int32], features: [[Double]], lines: [Int32],
                           counts: inout Counts) -> [Int] {
        let idForm = counts.idForm
        let blocks = Parallel.blocks(uris.count, size: 1 << 17) { block -> (rows: [Int], counts: Counts) in
            var counts = Counts(), rows: [Int] = []
            rows.reserveCapacity(block.count)
            TextColumn.withViews([uris]) { views in
                for i in block {
                    guard keptCode[Int(genreCodes[i])] >= 0 else { counts.otherGenre += 1; continue }
                    let id = views[0][i]
                    var missing = id.isEmpty
                    for j in 0..<features.count where features[j][i].isNaN { missing = true; break }
                    guard !missing else { counts.missingValue += 1; continue }
                    guard idForm.accepts(id.baseAddress!, count: id.count) else {
                        if counts.invalidID == 0 { counts.firstInvalidIDLine = Int(lines[i]) }
                        counts.invalidID += 1
                        continue
                    }
                    rows.append(i)
                }
            }
            return (rows, counts)
        }
        for block in blocks {
            counts.otherGenre += block.counts.otherGenre
            counts.missingValue += block.counts.missingValue
            if counts.invalidID == 0 { counts.firstInvalidIDLine = block.counts.firstInvalidIDLine }
            counts.invalidID += block.counts.invalidID
        }
        return blocks.flatMap(\.rows)
    }

    /// The rows of `values` that hold something other than printable text.
    static func unprintableRows(_ values: TextColumn) -> [Int] {
        values.bytes.withUnsafeBufferPointer { buffer in
            let base = buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!
            return (0..<values.count).filter { row in
                let range = values.range(row)
                return !range.isEmpty && !TrackIDForm.printable.accepts(base + range.lowerBound, count: range.count)
            }
        }
    }

    /// Empties the values at `bad` (`unprintableRows`), counting them; the column is rebuilt only
    /// when there is one (a clean dataset costs nothing here).
    static func empty(_ bad: [Int], in values: inout TextColumn, lines: [Int32], counts: inout Counts) {
        guard let first = bad.first else { return }
        if counts.unprintableText == 0 || Int(lines[first]) < counts.firstUnprintableTextLine! {
            counts.firstUnprintableTextLine = Int(lines[first])
        }
        counts.unprintableText += bad.count
        var cleaned = TextColumn()
        cleaned.reserve(values: values.count, bytes: values.bytes.count)
        var next = 0
        values.bytes.withUnsafeBufferPointer { buffer in
            let base = buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!
            for row in 0..<values.count {
                if next < bad.count, bad[next] == row {
                    next += 1
                    cleaned.appendEmpty(1)
                } else {
                    let range = values.range(row)
                    cleaned.append(base + range.lowerBound, count: range.count)
                }
            }
        }
        values = cleaned
    }
}
