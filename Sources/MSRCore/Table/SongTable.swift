import CMemory
/// The song base in memory: one row per track, identifiers as byte arenas, genres as codes,
/// and the features in one contiguous column-major matrix.
public struct SongTable: Sendable {
    public var uris: TextColumn
    public var genres: CategoryColumn
    /// Feature columns in schema order; `features[i, j]` is feature `j` of row `i`.
    public var features: FeatureMatrix
    public var featureColumns: [Schema.Column]
    /// The 1-based line each row came from in its file (for messages).
    public var lines: [Int32]
    /// The schema's descriptive columns the file had (name, artists, album), in schema order.
    public var descriptive: [DescriptiveColumn]

    public init(uris: TextColumn, genres: CategoryColumn, features: FeatureMatrix,
                featureColumns: [Schema.Column], lines: [Int32], descriptive: [DescriptiveColumn] = []) {
        self.uris = uris
        self.genres = genres
        self.features = features
        self.featureColumns = featureColumns
        self.lines = lines
        self.descriptive = descriptive
    }

    public var count: Int { uris.count }

    /// Reads a song base CSV (id, target and feature columns as the schema names them, and
    /// those of its descriptive columns it has); any cell that is not a number, or a missing
    /// value, is an error naming its line and column.
    public static func read(path: String, schema: Schema) throws -> SongTable {
        try read(path: path, schema: schema, keepingFeatureText: false).table
    }

    /// Reads a song base as `read(path:schema:)` does, with each row's features as text too,
    /// byte for byte what `featureText()` would make of them: copied from the file where it
    /// holds them in that form (a song base msr wrote), formatted where not.
    public static func readWithFeatureText(path: String, schema: Schema) throws -> (table: SongTable, featureText: TextColumn) {
        try read(path: path, schema: schema, keepingFeatureText: true)
    }

    private static func read(path: String, schema: Schema, keepingFeatureText: Bool) throws
        -> (table: SongTable, featureText: TextColumn) {
        let reader = try CSVReader(path: path)
        let header = try reader.header()
        let descriptive = schema.descriptive.filter(header.contains)
        var request: [(name: String, kind: CSVColumnKind)] = [(schema.id, .text), (schema.target, .category)]
        request += schema.features.map { ($0.name, keepingFeatureText ? .feature(integer: $0.type == .int64) : .number) }
        request += descriptive.map { ($0, .text) }
        var columns = try reader.read(request)
        let features = try columns.takeFeatures(schema.features.map(\.name), file: path)
        let table = SongTable(uris: columns.texts[schema.id]!, genres: columns.categories[schema.target]!,
                              features: features, featureColumns: schema.features, lines: columns.lines,
                              descriptive: descriptive.map { DescriptiveColumn(name: $0, values: columns.texts[$0]!) })
        if let row = (0..<table.count).first(where: table.uris.isEmpty) {
            throw MSRError.badData(file: path, line: Int(table.lines[row]), "column '\(schema.id)': missing value")
        }
        return (table, columns.featureText)
    }

    /// Each row's features as CSV text (`5,0.541,0.712,...`, int64 columns as integers): the
    /// form `writeCSV` writes when given no text, and what `readWithFeatureText` keeps (the stages
    /// no longer build it; it is the reference the tests and the CSV fuzzer compare against).
    public func featureText() -> TextColumn {
        var writer = CSVWriter(reservingCapacity: count * 10 * featureColumns.count)
        var ends: [Int] = []
        ends.reserveCapacity(count)
        features.values.withUnsafeBufferPointer { values in
            for i in 0..<count {
                writeFeatures(of: i, from: values, to: &writer)
                ends.append(writer.count)
                writer.endRow()
            }
        }
        // The writer put a line end after each row; the text column keeps the fields only.
        var column = TextColumn()
        column.reserve(values: count, bytes: writer.count)
        writer.withBytes { bytes in
            guard let base = bytes.bindMemory(to: UInt8.self).baseAddress else { return }
            var start = 0
            for end in ends {
                column.append(base + start, count: end - start)
                start = end + 1
            }
        }
        return column
    }

    /// Writes the song base CSV atomically: id, target, the features (`featureText` when given,
    /// else formatted from the matrix as each block of rows is written: the bytes `featureText()`
    /// makes, without a column of them in memory), then the descriptive columns (quoted where they
    /// hold a comma, a quote or a line end); only `rows`, in that order, when given.
    public func writeCSV(to path: String, rows: [Int]? = nil, featureText: TextColumn? = nil,
                         idName: String, targetName: String, into outputs: OutputSet? = nil) throws {
        // The rows are read through unchecked views below: checked here, once.
        precondition(rows?.allSatisfy { $0 >= 0 && $0 < count } ?? true, "a row outside the table")
        precondition(featureText == nil || featureText!.count == count || count == 0, "feature text for another table")
        precondition(descriptive.allSatisfy { $0.values.count == count }, "a descriptive column of another length")
        let columns = [uris, TextColumn(genres.names), featureText ?? TextColumn()] + descriptive.map(\.values)
        let codes = genres.codes, genreCount = genres.names.count, formatted = featureText == nil
        try CSVFileWriter.write(to: path, header: [idName, targetName] + featureColumns.map(\.name) + descriptive.map(\.name),
                                rowCount: rows?.count ?? count, into: outputs) { writer, block in
            TextColumn.withViews(columns) { views in
                let (uris, genreNames, features, descriptive) = (views[0], views[1], views[2], views[3...])
                let byRow = [uris] + (formatted ? [] : [features]) + descriptive
                codes.withUnsafeBufferPointer { codes in
                  self.features.values.withUnsafeBufferPointer { values in
                    for k in block {
                        let i = rows?[k] ?? k
                        // Rows picked out of the table (a genre's) are scattered over it: their
                        // values are asked for some rows ahead, the offsets first.
                        if let rows {
                            if k &+ 16 < block.upperBound { for view in byRow { view.prefetchEnds(rows[k &+ 16]) } }
                            if k &+ 8 < block.upperBound {
                                let ahead = rows[k &+ 8]
                                for view in byRow { view.prefetchBytes(ahead) }
                                msr_prefetch(codes.baseAddress! + ahead)
                            }
                        }
                        writer.text(uris[i])
                        let code = Int(codes[i])
                        precondition(code >= 0 && code < genreCount, "a genre code outside the genres")
                        writer.text(genreNames[code])
                        if formatted { writeFeatures(of: i, from: values, to: &writer) } else { writer.raw(features[i]) }
                        for column in descriptive { writer.text(column[i]) }
                        writer.endRow()
                    }
                  }
                }
            }
        }
    }

    /// Writes the features of `rows` (a model's X) atomically, from their text (`featureText()`'s
    /// form).
    public func writeFeatureCSV(to path: String, rows: [Int], featureText: TextColumn, into outputs: OutputSet? = nil) throws {
        try CSVFileWriter.write(to: path, header: featureColumns.map(\.name), rowCount: rows.count, into: outputs) { writer, block in
            for k in block {
                writer.raw(featureText, rows[k])
                writer.endRow()
            }
        }
    }

    @inline(__always)
    private func writeFeatures(of i: Int, from values: UnsafeBufferPointer<Double>, to writer: inout CSVWriter) {
        let n = count
        for j in 0..<featureColumns.count {
            writer.feature(values[j * n + i], integer: featureColumns[j].type == .int64)
        }
    }
}
