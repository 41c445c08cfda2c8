extension SongTable {
    /// This table followed by `rows` of `other` (same feature columns), in that order; genres
    /// new to this table are added after its own. The result has the descriptive columns of
    /// either, empty for the rows of the one without.
    public func appending(_ other: SongTable, rows: [Int]) -> SongTable {
        precondition(other.featureColumns.map(\.name) == featureColumns.map(\.name))
        var uris = self.uris
        var names = genres.names, codes = genres.codes
        var codeOfOther: [Int32] = []
        for name in other.genres.names {
            if let code = names.firstIndex(of: name) {
                codeOfOther.append(Int32(code))
            } else {
                codeOfOther.append(Int32(names.count))
                names.append(name)
            }
        }
        var lines = self.lines
        for row in rows {
            let range = other.uris.range(row)
            other.uris.bytes.withUnsafeBufferPointer { uris.append($0.baseAddress! + range.lowerBound, count: range.count) }
            codes.append(codeOfOther[Int(other.genres.codes[row])])
            lines.append(other.lines[row])
        }
        var columns = (0..<featureColumns.count).map { j in
            Array(features.column(j)) + rows.map { other.features[$0, j] }
        }
        let descriptive = DescriptiveColumn.concatenating(
            [self.descriptive, other.descriptive.map { DescriptiveColumn(name: $0.name, values: $0.values.selecting(rows)) }],
            counts: [count, rows.count])
        return SongTable(uris: uris, genres: CategoryColumn(names: names, codes: codes),
                         features: FeatureMatrix(consuming: &columns), featureColumns: featureColumns, lines: lines,
                         descriptive: descriptive)
    }
}

extension SongTable {
    /// A table with no rows.
    public static func empty(featureColumns: [Schema.Column]) -> SongTable {
        SongTable(uris: TextColumn(), genres: CategoryColumn(names: [], codes: []),
                  features: FeatureMatrix(rowCount: 0, columnCount: featureColumns.count, values: []),
                  featureColumns: featureColumns, lines: [])
    }
}
