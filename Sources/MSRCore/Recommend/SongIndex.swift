/// The catalogue msr-predict recommends from, as msr-cluster writes it (`models/catalog.msrix`):
/// every song of the per-genre song files with its genre, standardised features, the
/// classifier's genre probabilities and its mixture component, genre by genre. Reading the song
/// base CSV and assigning components took 9 ms per call, and the classifier 70 us per track;
/// this file loads with a few copies and a playlist of known songs needs no tree walked.
/// Songs' descriptive text (schema.yaml's `descriptive`: name, artists, album), when the song
/// files had it, follows as offsets and bytes, read in one copy per column like the uris.
///
/// The file, little-endian, version 2 (version 1 had no descriptive section):
///
/// ```
/// "MSRSONG1"                             8 bytes of magic
/// version: UInt32 (1)
/// songs n, features d, genres G: UInt32 each; uri bytes B: UInt64
/// G genre names, d feature names         UInt32 byte length + UTF-8 each
/// labels: n Int32                        each song's genre (index in the names: the classifier's class)
/// components: n Int32                    each song's mixture component within its genre
/// uri ends: n Int64, uris: B bytes       song i's uri ends at ends[i] and starts where i - 1's ends
/// points: n x d Float64                  standardised with scaler.json, row-major
/// probabilities: n x G Float64           the classifier's genre probabilities, row-major
/// descriptive columns C: UInt32          0 when the song files had none
/// C times:
///   name                                 UInt32 byte length + UTF-8 (`track_name`)
///   bytes T: UInt64, ends: n Int64,      song i's value ends at ends[i] and starts where i - 1's
///   values: T bytes                      ends; an empty value is unknown
/// ```
public struct SongIndex: Sendable, Equatable {
    public var genres: [String]
    public var featureNames: [String]
    public var uris: TextColumn
    /// Each song's genre: its index in `genres`, which is the classifier's class and the
    /// number of its mixture file.
    public var labels: [Int32]
    public var components: [Int32]
    /// Standardised features, row-major: where distances are measured.
    public var points: [Double]
    /// The classifier's probability of each genre, row-major `count x genres.count`.
    public var probabilities: [Double]
    /// The songs' descriptive text (name, artists, album) the song files had, one value a song.
    public var descriptive: [DescriptiveColumn]

    public var count: Int { labels.count }
    public var dimension: Int { featureNames.count }

    /// The mean of the rows' standardised points.
    public func meanPoint(_ rows: [Int]) -> [Double] {
        let d = dimension
        var mean = [Double](repeating: 0, count: d)
        for row in rows { for j in 0..<d { mean[j] += points[row * d + j] / Double(rows.count) } }
        return mean
    }

    /// The pool a song of genre `label` and mixture component `component` is in for a
    /// playlist of `genre` and `playlistComponent`: 0 that component, 1 the rest of the genre,
    /// 2 the rest of the catalogue. Recommendations are taken pool by pool.
    @inline(__always)
    static func pool(label: Int32, component: Int32, genre: Int32, playlistComponent: Int32) -> Int {
        label != genre ? 2 : component != playlistComponent ? 1 : 0
    }

    public init(genres: [String], featureNames: [String], uris: TextColumn, labels: [Int32], components: [Int32],
                points: [Double], probabilities: [Double], descriptive: [DescriptiveColumn] = []) {
        precondition(uris.count == labels.count && components.count == labels.count
                     && points.count == labels.count * featureNames.count
                     && probabilities.count == labels.count * genres.count
                     && descriptive.allSatisfy { $0.values.count == labels.count })
        self.genres = genres
        self.featureNames = featureNames
        self.uris = uris
        self.labels = labels
        self.components = components
        self.points = points
        self.probabilities = probabilities
        self.descriptive = descriptive
    }

    static let magic = "MSRSONG1"
    static let version: UInt32 = 2

    /// The file's bytes; the same index always encodes to the same bytes.
    public func encoded() -> [UInt8] {
        var writer = BinaryWriter()
        writer.raw(Array(Self.magic.utf8))
        writer.uint32(Self.version)
        writer.uint32(UInt32(count))
        writer.uint32(UInt32(dimension))
        writer.uint32(UInt32(genres.count))
        writer.records([UInt64(uris.bytes.count)])
        for name in genres { writer.string(name) }
        for name in featureNames { writer.string(name) }
        writer.int32s(labels)
        writer.int32s(components)
        writer.records(uris.ends.map(Int64.init))
        writer.raw(uris.bytes)
        writer.doubles(points)
        writer.doubles(probabilities)
        writer.uint32(UInt32(descriptive.count))
        for column in descriptive {
            writer.string(column.name)
            writer.records([UInt64(column.values.bytes.count)])
            writer.records(column.values.ends.map(Int64.init))
            writer.raw(column.values.bytes)
        }
        return writer.bytes
    }

    /// Writes the index atomically.
    public func write(to path: String) throws {
        try AtomicFile.write(encoded(), to: path)
    }

    /// Reads an index file; a damaged or foreign file is a bad-data error naming it.
    public static func read(_ path: String) throws -> SongIndex {
        try FileBytes.withMapped(path, what: "song index (run msr-cluster)") { try decode(BinaryReader(bytes: $0, file: path)) }
    }

    static func decode(_ reader: BinaryReader) throws -> SongIndex {
        var reader = reader
        let path = reader.file
        try reader.header(magic: magic, version: version, what: "song index", remedy: "run msr-cluster again")
        let n = try reader.count(limit: 1 << 30, what: "song")
        let d = try reader.count(limit: 100_000, what: "feature")
        let genreCount = try reader.count(limit: 100_000, what: "genre")
        let byteCount = Int(clamping: try reader.records(1, of: UInt64.self)[0])
        let genres = try (0..<genreCount).map { _ in try reader.string() }
        let featureNames = try (0..<d).map { _ in try reader.string() }
        let labels = try reader.int32s(n)
        let components = try reader.int32s(n)
        let ends = try reader.records(n, of: Int64.self)
        let uriBytes = try reader.raw(byteCount)
        let points = try reader.doubles(n * d)
        let probabilities = try reader.doubles(n * genreCount)
        let columnCount = try reader.count(limit: 1000, what: "descriptive column")
        var descriptive: [DescriptiveColumn] = []
        for _ in 0..<columnCount {
            let name = try reader.string()
            let textBytes = Int(clamping: try reader.records(1, of: UInt64.self)[0])
            let textEnds = try reader.records(n, of: Int64.self)
            let values = try reader.raw(textBytes)
            guard Self.isOffsetTable(textEnds, byteCount: textBytes) else {
                throw MSRError.badData(file: path, "descriptive column '\(name)': a song's text points outside the index: a damaged index")
            }
            descriptive.append(DescriptiveColumn(name: name, values: TextColumn(bytes: values, ends: textEnds.map(Int.init))))
        }
        guard reader.atEnd else { throw MSRError.badData(file: path, "unexpected bytes after the descriptive columns: a damaged index") }
        guard labels.allSatisfy({ $0 >= 0 && Int($0) < genreCount }), components.allSatisfy({ $0 >= 0 }),
              isOffsetTable(ends, byteCount: byteCount) else {
            throw MSRError.badData(file: path, "a song's genre, component or uri points outside the index: a damaged index")
        }
        return SongIndex(genres: genres, featureNames: featureNames, uris: TextColumn(bytes: uriBytes, ends: ends.map(Int.init)),
                         labels: labels, components: components, points: points,
                         probabilities: probabilities, descriptive: descriptive)
    }

    /// Whether `ends` are a text column's end offsets into `byteCount` bytes: from 0 up, never
    /// decreasing, the last at `byteCount`.
    static func isOffsetTable(_ ends: [Int64], byteCount: Int) -> Bool {
        zip(ends, ends.dropFirst()).allSatisfy({ $0 <= $1 }) && (ends.first ?? 0) >= 0 && (ends.last ?? 0) == Int64(byteCount)
    }
}
