import FuzzSupport
import MSRCore

/// The CSV reader on a song base read with the project's schema, as msr-validate and the later
/// stages read it (SongTable.read); and the reader cut into three parts (as a large file is, one
/// per core) must give exactly the one-part result, including which error it reports.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Fuzz.bytes(data, size)
    let schema = Fuzz.schema
    // SongTable.read fails only with MSRError; the feature text kept as read (msr-transform's) is
    // exactly the features formatted, and that read succeeds or fails as the plain one does.
    let path = Fuzz.scratch(bytes)
    let plain = Result { try SongTable.read(path: path, schema: schema) }
    let kept = Result { try SongTable.readWithFeatureText(path: path, schema: schema) }
    switch (plain, kept) {
    case (.success(let table), .success(let read)):
        Fuzz.check(read.featureText == table.featureText(), "readWithFeatureText: the kept text is not the formatted features")
    case (.failure(let a), .failure(let b)):
        Fuzz.check(a is MSRError, "SongTable.read threw \(type(of: a)), not MSRError: \(a)")
        Fuzz.check("\(a)" == "\(b)", "readWithFeatureText failed otherwise: \(a) / \(b)")
    default:
        Fuzz.check(false, "SongTable.read and readWithFeatureText disagree on success")
    }

    let reader = CSVReader(bytes: bytes, file: "fuzz.csv")
    Fuzz.read("CSVReader.header") { try reader.header() }
    let request: [(name: String, kind: CSVColumnKind)] =
        [(schema.id, .text), (schema.target, .category)] + schema.features.map { ($0.name, .number) }
    // The descriptive columns the header has, checked as msr-validate checks them (`.printable`).
    let header = (try? reader.header()) ?? []
    let printable = schema.descriptive.filter(header.contains).map { (name: $0, kind: CSVColumnKind.printable) }
    for request in printable.isEmpty ? [request] : [request, request + printable] {
        for policy in [CSVReader.BadCellPolicy.fail, .collect] {
            let whole = outcome { try reader.read(request, badCells: policy, parts: 1) }
            let cut = outcome { try reader.read(request, badCells: policy, parts: 3) }
            Fuzz.check(whole == cut, "CSVReader.read(\(policy)): 1 part gave \(whole), 3 parts gave \(cut)")
            // The file a few bytes a window, each window's parts reused for the next.
            let window = 5 + size % 61
            let windowed = outcome { try CSVReader(path: path, displayName: "fuzz.csv", chunkBytes: window).read(request, badCells: policy, parts: 2) }
            Fuzz.check(whole == windowed, "CSVReader.read(\(policy)): 1 part gave \(whole), windows of \(window) bytes gave \(windowed)")
        }
    }
    Fuzz.read("SchemaValidator.problems") { try SchemaValidator(schema: schema, genres: ["pop", "rock"]).problems(in: reader) }
    return 0
}

/// What a read gave, comparable: the columns (numbers by bit pattern, so NaN equals NaN) or the
/// error message.
private enum Outcome: Equatable {
    case columns(header: [String], rows: Int, lines: [Int32], numbers: [String: [UInt64]], texts: [String: TextColumn],
                 categories: [String: CategoryColumn], badCells: [BadCell])
    case error(String)
}

private func outcome(_ body: () throws -> CSVColumns) -> Outcome {
    do {
        let c = try body()
        return .columns(header: c.header, rows: c.rowCount, lines: c.lines, numbers: c.numbers.mapValues { $0.map(\.bitPattern) },
                        texts: c.texts, categories: c.categories, badCells: c.badCells)
    } catch let error as MSRError {
        return .error(error.message)
    } catch {
        fatalError("CSVReader.read threw \(type(of: error)), not MSRError: \(error)")
    }
}
