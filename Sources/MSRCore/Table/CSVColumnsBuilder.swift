import Glibc

/// A read's columns, built from the parts of each window as they are parsed: each part's values
/// appended to the columns, then the part handed back emptied with its room kept, for the next
/// window to be parsed into. The parts' memory is allocated (and its pages faulted in) once, not
/// once a window, and never held for the whole file beside the joined columns: a million-song
/// base made 60,000 page faults fewer, and the columns are not copied a second time.
struct CSVColumnsBuilder {
    private var columns: CSVColumns
    private let layout: CSVRowLayout
    private var numbers: [[Double]]
    /// The text columns, then the feature text when `.feature` columns were asked for.
    private var texts: [TextColumn]
    private var tables: [ByteStringTable]
    private var codes: [[Int32]]
    private var lineBase: Int
    private var reserved = false

    init(layout: CSVRowLayout, header: [String], firstLine: Int) {
        self.layout = layout
        columns = CSVColumns(header: header)
        numbers = Array(repeating: [], count: layout.numberNames.count)
        texts = Array(repeating: TextColumn(), count: layout.textNames.count + (layout.featureIntegers.isEmpty ? 0 : 1))
        tables = Array(repeating: ByteStringTable(), count: layout.categoryNames.count)
        codes = Array(repeating: [], count: layout.categoryNames.count)
        lineBase = firstLine
    }

    /// Appends `parts` (in order) and empties them, keeping their room. `scale` is how many
    /// times the data parsed so far the whole is expected to be (nil: unknown): at the first
    /// append every column reserves room for that much, so it is neither grown nor copied.
    mutating func append(_ parts: inout [CSVPart], scale: Double?) {
        let rows = parts.reduce(0) { $0 + $1.rowCount }
        if !reserved, let scale {
            reserved = true
            reserve(parts, rows: rows, scale: Swift.max(1, scale))
        }
        for k in parts.indices {
            let shift = Int32(truncatingIfNeeded: lineBase), rowBase = columns.rowCount
            for line in parts[k].lines { columns.lines.append(line &+ shift) }
            for cell in parts[k].badCells {
                columns.badCells.append(BadCell(row: cell.row + rowBase, line: cell.line + lineBase, column: cell.column,
                                                value: cell.value, reason: cell.reason))
            }
            lineBase += parts[k].linesConsumed
            columns.rowCount += parts[k].rowCount
        }
        // Each column with its pieces, on every core; the pieces come back emptied. (What a task
        // returns is unique once `mapConsuming` has released its items.)
        var numberWork = numbers.indices.map { j in
            (joined: Self.take(&numbers[j]), pieces: parts.indices.map { Self.take(&parts[$0].numbers[j]) })
        }
        var numbersDone = Parallel.mapConsuming(&numberWork) { _, work in
            for k in work.pieces.indices {
                work.joined.append(contentsOf: work.pieces[k])
                work.pieces[k].removeAll(keepingCapacity: true)
            }
            return work
        }
        var textWork = texts.indices.map { j in
            (joined: Self.take(&texts[j]), pieces: parts.indices.map { k in
                j < layout.textNames.count ? Self.take(&parts[k].texts[j]) : Self.take(&parts[k].featureText)
            })
        }
        var textsDone = Parallel.mapConsuming(&textWork) { _, work in
            for k in work.pieces.indices {
                work.joined.append(contentsOf: work.pieces[k])
                work.pieces[k].removeAll(keepingCapacity: true)
            }
            return work
        }
        // Moved back (swapped, so that no copy keeps a buffer shared and the next append unique).
        for j in numbers.indices {
            swap(&numbers[j], &numbersDone[j].joined)
            for k in parts.indices { swap(&parts[k].numbers[j], &numbersDone[j].pieces[k]) }
        }
        for j in texts.indices {
            swap(&texts[j], &textsDone[j].joined)
            for k in parts.indices {
                if j < layout.textNames.count { swap(&parts[k].texts[j], &textsDone[j].pieces[k]) }
                else { swap(&parts[k].featureText, &textsDone[j].pieces[k]) }
            }
        }
        // Category codes mapped onto one table: the first part's codes are the table's own.
        for j in codes.indices {
            for k in parts.indices {
                let keys = parts[k].tables[j].keys
                let map: [Int32] = keys.bytes.withUnsafeBufferPointer { stored in
                    (0..<keys.count).map { id in
                        let range = keys.range(id)
                        return Int32(tables[j].insert(stored.baseAddress! + range.lowerBound, count: range.count).id)
                    }
                }
                for code in parts[k].codes[j] { codes[j].append(map[Int(code)]) }
                parts[k].tables[j] = ByteStringTable()
                parts[k].codes[j].removeAll(keepingCapacity: true)
            }
        }
        for k in parts.indices {
            parts[k].lines.removeAll(keepingCapacity: true)
            parts[k].badCells = []
            parts[k].rowCount = 0
        }
    }

    /// Room in every column for `scale` times what `parts` hold; none when that would be more
    /// than half the machine's memory (a size that is only declared, an archive entry's, may lie:
    /// the read then fails at its end, and the columns grow as they go meanwhile).
    private mutating func reserve(_ parts: [CSVPart], rows: Int, scale: Double) {
        // In Double until the plan is known to fit: a declared size near `Int.max` times a text
        // column's share would overflow an `Int`.
        let values = (Double(rows) * scale * 1.02).rounded(.up) + 16
        let textBytes = texts.indices.map { j in
            let bytes = parts.reduce(0) { total, part in
                total + (j < layout.textNames.count ? part.texts[j].bytes.count : part.featureText.bytes.count)
            }
            return (Double(bytes) * scale * 1.02).rounded(.up) + 64
        }
        let planned = values * Double(8 * (numbers.count + texts.count) + 4 * (codes.count + 1)) + textBytes.reduce(0, +)
        guard planned <= Double(sysconf(Int32(_SC_PHYS_PAGES))) * Double(sysconf(Int32(_SC_PAGESIZE))) / 2 else { return }
        let expected = Int(values)
        columns.lines.reserveCapacity(expected)
        for j in numbers.indices { numbers[j].reserveCapacity(expected) }
        for j in codes.indices { codes[j].reserveCapacity(expected) }
        for j in texts.indices { texts[j].reserve(values: expected, bytes: Int(textBytes[j])) }
    }

    /// The columns, by name.
    consuming func finish() -> CSVColumns {
        for (j, name) in layout.numberNames.enumerated() { columns.numbers[name] = Self.take(&numbers[j]) }
        for (j, name) in layout.textNames.enumerated() { columns.texts[name] = Self.take(&texts[j]) }
        if !layout.featureIntegers.isEmpty { columns.featureText = Self.take(&texts[layout.textNames.count]) }
        for (j, name) in layout.categoryNames.enumerated() {
            columns.categories[name] = CategoryColumn(names: tables[j].keys.strings, codes: Self.take(&codes[j]))
        }
        return columns
    }

    /// The value, its place left empty (no copy shares its buffer).
    private static func take<T: RangeReplaceableCollection>(_ value: inout T) -> T {
        var taken = T()
        swap(&taken, &value)
        return taken
    }

    private static func take(_ value: inout TextColumn) -> TextColumn {
        var taken = TextColumn()
        swap(&taken, &value)
        return taken
    }
}
