/// What `CSVReader` asks of a column.
public enum CSVColumnKind: Sendable {
    /// Parsed into `[Double]`; missing markers become NaN.
    case number
    /// Parsed into `[Double]` as `.number`, and kept as text too: each row's feature columns,
    /// in request order, joined by commas as `SongTable.featureText()` writes them (an `integer`
    /// column's whole values without `.0`), in `CSVColumns.featureText`. A field already in
    /// that form is copied, any other formatted from its value.
    case feature(integer: Bool)
    /// Kept as bytes in a `TextColumn`.
    case text
    /// Interned into a `CategoryColumn`: small codes and a list of the distinct values.
    case category
    /// Checked as it is read and not kept: a non-empty value that is not printable text (valid
    /// UTF-8, no control character: `TrackIDForm.printable`) is a bad cell (`.notPrintable`).
    /// What a validator needs of a column it does not use (a song base's track names).
    case printable
}

/// A column of few distinct strings, as codes into `names` (in first-seen order).
public struct CategoryColumn: Sendable, Equatable {
    public var names: [String]
    public var codes: [Int32]

    public init(names: [String], codes: [Int32]) {
        self.names = names
        self.codes = codes
    }

    /// The value of row `i`.
    public subscript(i: Int) -> String { names[Int(codes[i])] }
}

/// A cell of a number column that was not a finite number (its place holds NaN), or of a
/// `.printable` column that was not printable text, kept when the reader collects such cells.
/// An empty cell is not listed: it is plainly missing (a number) or unknown (a text).
public struct BadCell: Sendable, Equatable {
    /// What the cell held instead of a finite number (or of printable text).
    public enum Reason: Sendable, Equatable {
        /// Text that is no number (`high`, `1,5`).
        case notANumber
        /// A number too large for a double (`1e999`), read as infinity.
        case notFinite
        /// One of the markers pandas reads as missing (`nan`, `NA`, `null`), not an empty cell.
        case missingMarker
        /// A `.printable` column's value that is not printable text.
        case notPrintable
    }

    /// The row's 0-based index among the data rows.
    public var row: Int
    /// The 1-based line of the file where the row starts.
    public var line: Int
    public var column: String
    public var value: String
    public var reason: Reason

    public init(row: Int, line: Int, column: String, value: String, reason: Reason = .notANumber) {
        self.row = row
        self.line = line
        self.column = column
        self.value = value
        self.reason = reason
    }
}

/// The columns one read produced, by name, each with `rowCount` values.
public struct CSVColumns: Sendable {
    public var header: [String]
    public var rowCount: Int = 0
    /// The 1-based file line at which each row starts (quoted newlines make it differ from the row).
    public var lines: [Int32] = []
    public var numbers: [String: [Double]] = [:]
    public var texts: [String: TextColumn] = [:]
    public var categories: [String: CategoryColumn] = [:]
    /// Each row's `.feature` columns as text (empty when none was requested).
    public var featureText = TextColumn()
    /// Cells of number columns that held no finite number (and were not empty), when the reader
    /// was asked to collect them.
    public var badCells: [BadCell] = []
}

extension CSVColumns {
    /// Takes the named number columns out as one feature matrix; a missing value is an error
    /// naming `file`, its line and column.
    public mutating func takeFeatures(_ names: [String], file: String) throws -> FeatureMatrix {
        var taken: [[Double]] = []
        for name in names {
            let values = numbers.removeValue(forKey: name)!
            if let row = values.firstIndex(where: \.isNaN) {
                throw MSRError.badData(file: file, line: Int(lines[row]), "column '\(name)': missing value (expected a number)")
            }
            taken.append(values)
        }
        return FeatureMatrix(consuming: &taken)
    }
}
