/// One of schema.yaml's descriptive columns (a song's name, artists, album) for a table's rows:
/// text carried beside the features, never read by a model.
public struct DescriptiveColumn: Sendable, Equatable {
    /// The column's name in the song base (`track_name`).
    public var name: String
    /// One value per row; an empty value is unknown.
    public var values: TextColumn

    public init(name: String, values: TextColumn) {
        self.name = name
        self.values = values
    }

    /// The columns of several tables one after the other (`counts[t]` rows each): every column
    /// any of them has, in first-seen order, empty for the rows of a table without it.
    public static func concatenating(_ parts: [[DescriptiveColumn]], counts: [Int]) -> [DescriptiveColumn] {
        var parts = parts
        return concatenating(consuming: &parts, counts: counts)
    }

    /// `concatenating`, each part's column let go of once copied: memory holds the parts' text
    /// and the joined text at most one column twice (a million songs' names, artists and albums
    /// are about 60 MB).
    public static func concatenating(consuming parts: inout [[DescriptiveColumn]], counts: [Int]) -> [DescriptiveColumn] {
        var names: [String] = []
        for part in parts { for column in part where !names.contains(column.name) { names.append(column.name) } }
        return names.map { name in
            var values = TextColumn()
            values.reserve(values: counts.reduce(0, +),
                           bytes: parts.reduce(0) { $0 + ($1.first { $0.name == name }?.values.bytes.count ?? 0) })
            for p in parts.indices {
                if let column = parts[p].firstIndex(where: { $0.name == name }) {
                    values.append(contentsOf: parts[p][column].values)
                    parts[p][column].values = TextColumn()
                } else {
                    values.appendEmpty(counts[p])
                }
            }
            return DescriptiveColumn(name: name, values: values)
        }
    }
}

extension TextColumn {
    /// Appends `count` empty values.
    public mutating func appendEmpty(_ count: Int) {
        for _ in 0..<count { append(UnsafePointer(bitPattern: 1)!, count: 0) }
    }

    /// The values at `rows`, in that order.
    public func selecting(_ rows: [Int]) -> TextColumn {
        var column = TextColumn()
        column.reserve(values: rows.count, bytes: rows.reduce(0) { $0 + range($1).count })
        bytes.withUnsafeBufferPointer { buffer in
            let base = buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!
            for row in rows {
                let range = range(row)
                column.append(base + range.lowerBound, count: range.count)
            }
        }
        return column
    }
}
