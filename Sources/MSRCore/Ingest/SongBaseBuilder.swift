/// Turns a dataset CSV into the song base: the configured genres only, no row with a missing
/// value or an id not of its layout's `TrackIDForm`, no track twice (the first occurrence wins,
/// as pandas' `drop_duplicates` keeps it).
///
/// A row with a bad id is dropped and counted, as a row with a missing value is, rather than
/// refusing the file: a third-party dataset of a hundred thousand rows stays usable when a few
/// are damaged, and the summary line says how many went and where the first one was.
///
/// Reads the Kaggle "Spotify tracks dataset" layout (`track_id`, `track_genre`, an unnamed index
/// column and text columns, all ignored but the features) as well as the song-base layout
/// (`uri`, `genre`).
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
    }

    public init(schema: Schema, genres: [String]) {
        self.schema = schema
        self.genres = genres
    }

    /// The column that holds `name` in this header: the schema's name, or its Kaggle alias.
    static func column(for name: String, alias: String, in header: [String]) -> String {
        header.contains(name) || !header.contains(alias) ? name : alias
    }

    /// Builds the song base from CSV bytes, which it consumes (they are freed once parsed, and
    /// rows are dropped in place, so memory peaks at the CSV plus its parsed columns); `file`
    /// names the CSV in messages.
    public func build(csv bytes: consuming [UInt8], file: String) throws -> (table: SongTable, counts: Counts) {
        let reader = CSVReader(bytes: bytes, file: file)
        let header = try reader.header()
        let idColumn = Self.column(for: schema.id, alias: "track_id", in: header)
        let idForm = TrackIDForm.of(column: idColumn)
        let targetColumn = Self.column(for: schema.target, alias: "track_genre", in: header)
        var request: [(name: String, kind: CSVColumnKind)] = [(idColumn, .text), (targetColumn, .category)]
        request += schema.features.map { ($0.name, .number) }
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
        var seen = ByteStringTable(capacity: min(columns.rowCount, 1 << 20))
        var kept: [Int] = []
        kept.reserveCapacity(columns.rowCount)
        uris.bytes.withUnsafeBufferPointer { uriBytes in
            let base = uriBytes.baseAddress ?? UnsafePointer(bitPattern: 1)!
            for i in 0..<columns.rowCount {
                guard keptCode[Int(genreColumn.codes[i])] >= 0 else { counts.otherGenre += 1; continue }
                let range = uris.range(i)
                var missing = range.isEmpty
                for j in 0..<features.count where features[j][i].isNaN { missing = true; break }
                guard !missing else { counts.missingValue += 1; continue }
                guard idForm.accepts(base + range.lowerBound, count: range.count) else {
                    if counts.invalidID == 0 { counts.firstInvalidIDLine = Int(columns.lines[i]) }
                    counts.invalidID += 1
                    continue
                }
                guard seen.insert(base + range.lowerBound, count: range.count).inserted else {
                    counts.duplicate += 1
                    continue
                }
                kept.append(i)
            }
        }
        counts.kept = kept.count
        uris.retain(sortedRows: kept)
        for j in features.indices { features[j].retain(sortedRows: kept) }
        let matrix = FeatureMatrix(consuming: &features)
        var lines = columns.lines
        columns.lines = []
        lines.retain(sortedRows: kept)
        let table = SongTable(
            uris: uris,
            genres: CategoryColumn(names: genres, codes: kept.map { keptCode[Int(genreColumn.codes[$0])] }),
            features: matrix, featureColumns: schema.features, lines: lines)
        return (table, counts)
    }
}
