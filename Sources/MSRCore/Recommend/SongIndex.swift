/// The catalogue msr-predict recommends from, as msr-cluster writes it (`models/catalog.msrix`):
/// every song of the per-genre song files with its genre, standardised features, the
/// classifier's genre probabilities and its mixture component, genre by genre, with the uri
/// lookup table and the recordings (songs sharing a feature row) worked out when written.
///
/// A read index is the file mapped, not read: its values are used where they lie, so a cold
/// msr-predict touches the pages its checks and its playlist need and the rows it scans (a
/// million songs of 114 genres are a 599 MB file, of which a call touches about 10 MB and the
/// playlist genre's rows in the page cache), and several processes share one copy. Numbers are Float32, as the factors are: the
/// features' standardised values and the classifier's probabilities need no more than 7 digits.
/// A mapping is not a snapshot: msr replaces the file by rename, and so must anyone else (copying
/// over it in place under a running msr-serve changes what it reads, or kills it with SIGBUS when
/// the file shrinks).
///
/// The file, little-endian, version 3 (version 2 stored Float64 and no lookup table; version 1
/// had no descriptive section). Each section after the names starts at a multiple of 8 bytes
/// (zero bytes pad the one before), so the file's values are read in place:
///
/// ```
/// "MSRSONG1"                             8 bytes of magic
/// version: UInt32 (3)
/// songs n, features d, genres G: UInt32 each; uri bytes B: UInt64
/// lookup slots S: UInt32                 the least power of two at least 16 and 2n
/// descriptive columns C: UInt32          0 when the song files had none
/// G genre names, d feature names         UInt32 byte length + UTF-8 each
/// C times: name + text bytes T: UInt64   name as above (`track_name`)
/// labels: n Int32                        each song's genre (index in the names: the classifier's class)
/// components: n Int32                    each song's mixture component within its genre
/// recordings: n Int32                    the first row with exactly the song's point (itself if none before)
/// shared: n UInt8                        1 when another row has exactly the song's point
/// lookup: S Int32                        open addressing by `ByteStringTable.hash` of the uri, linear
///                                        probing; a row, or -1 for an empty slot
/// uri starts: n Int64, lengths: n UInt16 song i's uri is bytes starts[i] ..< starts[i] + lengths[i]
/// uris: B bytes                          (a value of at most 65,535 bytes: `MappedText`)
/// points: n x d Float32                  standardised with scaler.json, row-major
/// probabilities: n x G Float32           the classifier's genre probabilities, row-major
/// C times: starts n Int64, lengths       as the uris; an empty value is unknown
///   n UInt16, values T bytes
/// zero bytes to a multiple of 8
/// ```
public struct SongIndex: Sendable, Equatable {
    public let genres: [String]
    public let featureNames: [String]
    public let uris: MappedText
    /// Each song's genre: its index in `genres`, which is the classifier's class and the
    /// number of its mixture file.
    public let labels: MappedValues<Int32>
    public let components: MappedValues<Int32>
    /// Standardised features, row-major: where distances are measured.
    public let points: MappedValues<Float>
    /// The classifier's probability of each genre, row-major `count x genres.count`.
    public let probabilities: MappedValues<Float>
    /// The songs' descriptive text (name, artists, album) the song files had, one value a song.
    public let descriptive: [Text]
    /// Each row's recording: the lowest row with exactly its point. Only compared, never an
    /// index into memory, so not checked at load: a damaged file can only merge recordings.
    let recordings: MappedValues<Int32>
    /// Whether another row has the same point (non-zero): only those rows need a duplicate check.
    let shared: MappedValues<UInt8>
    /// The uri lookup table.
    let slots: MappedValues<Int32>
    /// Where each genre's rows start, and `count` last, when the rows are genre by genre (as
    /// msr-cluster writes them): a search within a genre scans its rows alone.
    let genreStarts: [Int]?
    /// The file's bytes, which the values above lie in.
    let region: MappedRegion

    /// A descriptive column of the index.
    public struct Text: Sendable {
        /// The column's name in the song base (`track_name`).
        public let name: String
        /// One value per song; an empty value is unknown.
        public let values: MappedText
    }

    public var count: Int { labels.count }
    public var dimension: Int { featureNames.count }

    /// The index of these songs, in memory (what msr-cluster writes): the points and
    /// probabilities are stored as Float32.
    public init(genres: [String], featureNames: [String], uris: TextColumn, labels: [Int32], components: [Int32],
                points: [Double], probabilities: [Double], descriptive: [DescriptiveColumn] = []) {
        precondition(uris.count == labels.count && components.count == labels.count
                     && points.count == labels.count * featureNames.count
                     && probabilities.count == labels.count * genres.count
                     && labels.allSatisfy { $0 >= 0 && Int($0) < genres.count } && components.allSatisfy { $0 >= 0 }
                     && descriptive.allSatisfy { $0.values.count == labels.count })
        var bytes: [UInt8] = []
        do {
            try Self.encode(genres: genres, featureNames: featureNames, uris: uris, labels: labels, components: components,
                            points: points.map(Float.init), chunks: 1, probabilities: { _ in probabilities.map(Float.init) },
                            descriptive: descriptive) { bytes.append(contentsOf: $0) }
            self = try Self.decode(MappedRegion(copying: bytes), file: "song index")
        } catch {
            preconditionFailure("a song index built in memory reads back: \(error)")
        }
    }

    init(genres: [String], featureNames: [String], uris: MappedText, labels: MappedValues<Int32>, components: MappedValues<Int32>,
                 points: MappedValues<Float>, probabilities: MappedValues<Float>, descriptive: [Text],
                 recordings: MappedValues<Int32>, shared: MappedValues<UInt8>, slots: MappedValues<Int32>, genreStarts: [Int]?,
                 region: MappedRegion) {
        self.genres = genres
        self.featureNames = featureNames
        self.uris = uris
        self.labels = labels
        self.components = components
        self.points = points
        self.probabilities = probabilities
        self.descriptive = descriptive
        self.recordings = recordings
        self.shared = shared
        self.slots = slots
        self.genreStarts = genreStarts
        self.region = region
    }

    /// Two indexes are equal when their files' bytes are.
    public static func == (a: SongIndex, b: SongIndex) -> Bool {
        a.region.bytes.elementsEqual(b.region.bytes)
    }

    /// The row of the song with this uri, if the index has it.
    public func row(of uri: String) -> Int? {
        var copy = uri
        return copy.withUTF8 { find($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, count: $0.count) }
    }

    /// The row of the song whose uri is the `count` bytes at `pointer`. The table's slots are
    /// checked as they are probed (a damaged slot ends the search: not found), not all at load;
    /// a search probes at most every slot, which the reader keeps under 4n + 16.
    func find(_ pointer: UnsafePointer<UInt8>, count: Int) -> Int? {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: ByteStringTable.hash(pointer, count)) & mask
        for _ in 0..<slots.count {
            let row = Int(slots[slot])
            guard row >= 0, row < self.count else { return nil }
            if uris.equals(row, pointer, count) { return row }
            slot = (slot + 1) & mask
        }
        return nil
    }

    /// The rows that may hold songs of genre `label`: its own when the rows are genre by genre,
    /// otherwise all.
    func rows(ofGenre label: Int32) -> Range<Int> {
        genreStarts.map { $0[Int(label)]..<$0[Int(label) + 1] } ?? 0..<count
    }

    /// Song `row`'s standardised point.
    public func point(_ row: Int) -> [Double] {
        (0..<dimension).map { Double(points[row * dimension + $0]) }
    }

    /// The mean of the rows' standardised points.
    public func meanPoint(_ rows: [Int]) -> [Double] {
        let d = dimension
        var mean = [Double](repeating: 0, count: d)
        for row in rows { for j in 0..<d { mean[j] += Double(points[row * d + j]) / Double(rows.count) } }
        return mean
    }

    /// The pool a song of genre `label` and mixture component `component` is in for a
    /// playlist of `genre` and `playlistComponent`: 0 that component, 1 the rest of the genre,
    /// 2 the rest of the catalogue. Recommendations are taken pool by pool.
    @inline(__always)
    static func pool(label: Int32, component: Int32, genre: Int32, playlistComponent: Int32) -> Int {
        label != genre ? 2 : component != playlistComponent ? 1 : 0
    }

    static let magic = "MSRSONG1"
    static let version: UInt32 = 3

    /// The file's bytes; the same index always encodes to the same bytes.
    public func encoded() -> [UInt8] {
        Array(region.bytes)
    }

    /// Writes the index atomically.
    public func write(to path: String) throws {
        try AtomicFile.write(encoded(), to: path)
    }

    /// Reads an index file, mapped; a damaged or foreign file is a bad-data error naming it.
    public static func read(_ path: String) throws -> SongIndex {
        try decode(MappedRegion(mapping: path, what: "song index (run msr-cluster)"), file: path)
    }
}
