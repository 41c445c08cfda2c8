import FoundationEssentials
import Glibc

/// Recommends songs for a playlist from the trained models (DESIGN.md, issue 4):
///
/// 1. each track's features come from the song base, or from the playlist when given inline;
/// 2. the playlist's genre is the argmax of the classifier's probabilities averaged over its
///    tracks (on raw features, as it was trained), so one odd track cannot flip it;
/// 3. the mixture component of the playlist's standardised centroid, within that genre;
/// 4. candidates from that component, widened to the genre and then the whole catalogue while
///    fewer than `k`, the playlist's own tracks excluded;
/// 5. ranked by Euclidean distance to the centroid in standardised space (ties: song index order),
///    each recording once (songs with the very same features are one recording under several ids).
///
/// That is the `content` method. With a factorisation (`collaborative`), `cf` ranks the songs by
/// the playlist's collaborative score instead, and `hybrid` blends both rankings
/// (`Recommender+Methods.swift`); the genre, probabilities and similarity are the content
/// analysis's whatever the method.
public struct Recommender: Sendable {
    /// Needed only for tracks whose features come inline: the song index carries every known
    /// song's genre probabilities.
    public let classifier: GradientBoostingClassifier?
    public let mixtures: [GaussianMixture]
    public let catalog: SongIndex
    public let scaler: FeatureScaler
    /// The factorisation the `cf` and `hybrid` methods score with, if loaded.
    public let collaborative: CollaborativeFilter?
    /// Each factor row's song index row, -1 for a track the song base does not hold (never
    /// recommended: msr can say nothing of its genre or features).
    let catalogRows: [Int32]
    /// Each song index row's factor row, -1 for a song no training playlist holds.
    let factorRows: [Int32]
    /// The mean factor of the warm songs (those with a factor) of each genre's mixture
    /// components: component c of genre g is cell `cellStarts[g] + c`, its `factors` values at
    /// `cell * factors` (zeros for a cell without warm songs). What a cold song is scored with.
    let cellFactors: [Float]
    let cellStarts: [Int]
    /// The factor rows of each cell's warm songs, cell after cell, each cell's in factor row
    /// order: cell c's are `cellTracks[cellTrackStarts[c]..<cellTrackStarts[c + 1]]` (a track
    /// the song base does not hold is in none).
    let cellTracks: [Int32]
    let cellTrackStarts: [Int]
    /// Each factor row's share of its cell's popularity: its training-playlist count
    /// (`playlistCounts`) over the sum of its cell's warm songs' counts (0 for a track the song
    /// base does not hold, or in a cell whose counts sum to 0). The same for every request, so
    /// computed once.
    let popularityShares: [Float]
    /// The largest `popularityShares` of each cell's warm songs (0 for a cell without any).
    let cellBestShares: [Float]

    /// One recommended song.
    public struct Pick: Sendable, Equatable {
        /// The song's row in the song index.
        public var row: Int
        public var uri: String
        public var genre: String
        /// By source: content, `1 / (1 + distance)` to the playlist's centroid in standardised
        /// space (1 is identical); cf, the collaborative score `x · y` (a cosine for
        /// `similar(to:)`); hybrid, the blend's score (`HybridParams`).
        public var score: Double
        /// Which method's ranking recommended the song.
        public var source = Source.content

        /// Which ranking a recommended song came from.
        public enum Source: String, Sendable, Equatable {
            case content, cf
            /// Both rankings held it (hybrid).
            case both
        }
    }

    /// What a playlist gets.
    public struct Result: Sendable, Equatable {
        public var playlist: Playlist
        public var knownTracks: Int
        public var unknownTracks: [String]
        public var genre: String
        public var probabilities: [String: Double]
        public var picks: [Pick]
        /// Cosine similarity of the playlist's and the picks' standardised feature means.
        public var similarity: Double
        /// How the picks were found.
        public var method = RecommendMethod.content
    }

    public init(classifier: GradientBoostingClassifier?, mixtures: [GaussianMixture], catalog: SongIndex,
                scaler: FeatureScaler, collaborative: CollaborativeFilter? = nil) throws {
        guard scaler.features == catalog.featureNames, classifier.map({ $0.featureNames == catalog.featureNames }) ?? true else {
            throw MSRError(.badData, "the classifier, the scaler and the song index disagree on the features: run the pipeline again")
        }
        guard classifier.map({ $0.classes == catalog.genres }) ?? true else {
            throw MSRError(.badData, "the song index's genres are not the classifier's: run msr-cluster again")
        }
        guard mixtures.count == catalog.genres.count else {
            throw MSRError(.badData, "\(mixtures.count) mixtures for \(catalog.genres.count) genres: run msr-cluster again")
        }
        let componentCounts = mixtures.map { Int32($0.componentCount) }
        let labels = catalog.labels, components = catalog.components
        let outside = labels.withUnsafeBufferPointer { labels in
            components.withUnsafeBufferPointer { components in
                labels.indices.first { components[$0] >= componentCounts[Int(labels[$0])] }
            }
        }
        if let row = outside {
            throw MSRError(.badData, "song \(catalog.uris[row]) is in a mixture component its genre does not have: run msr-cluster again")
        }
        self.classifier = classifier
        self.mixtures = mixtures
        self.catalog = catalog
        self.scaler = scaler
        self.collaborative = collaborative
        var catalogRows = [Int32](), factorRows = [Int32](repeating: -1, count: collaborative == nil ? 0 : catalog.count)
        if let collaborative {
            let model = collaborative.model
            let uris = model.uris
            catalogRows = uris.bytes.withUnsafeBufferPointer { bytes in
                let base = bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!
                return (0..<model.count).map { i in
                    let range = uris.range(i)
                    guard let row = catalog.find(base + range.lowerBound, count: range.count) else { return -1 }
                    factorRows[row] = Int32(i)
                    return Int32(row)
                }
            }
        }
        self.catalogRows = catalogRows
        self.factorRows = factorRows
        var cellStarts = [0]
        for mixture in mixtures { cellStarts.append(cellStarts.last! + mixture.componentCount) }
        self.cellStarts = cellStarts
        let cells = cellStarts.last!
        let factorCells = catalogRows.map { $0 < 0 ? -1 : cellStarts[Int(labels[Int($0)])] + Int(components[Int($0)]) }
        var cellTrackStarts = [Int](repeating: 0, count: cells + 1)
        for cell in factorCells where cell >= 0 { cellTrackStarts[cell + 1] += 1 }
        for cell in 0..<cells { cellTrackStarts[cell + 1] += cellTrackStarts[cell] }
        var cellTracks = [Int32](repeating: 0, count: cellTrackStarts[cells]), next = cellTrackStarts
        for (i, cell) in factorCells.enumerated() where cell >= 0 {
            cellTracks[next[cell]] = Int32(i)
            next[cell] += 1
        }
        self.cellTracks = cellTracks
        self.cellTrackStarts = cellTrackStarts
        var popularityShares = [Float](repeating: 0, count: factorCells.count)
        var cellBestShares = [Float](repeating: 0, count: cells)
        if let counts = collaborative?.model.playlistCounts {
            for cell in 0..<cells {
                let tracks = cellTracks[cellTrackStarts[cell]..<cellTrackStarts[cell + 1]]
                let total = tracks.reduce(0) { $0 + Double(counts[Int($1)]) }
                guard total > 0 else { continue }
                for i in tracks.map({ Int($0) }) {
                    popularityShares[i] = Float(Double(counts[i]) / total)
                    cellBestShares[cell] = Swift.max(cellBestShares[cell], popularityShares[i])
                }
            }
        }
        self.popularityShares = popularityShares
        self.cellBestShares = cellBestShares
        cellFactors = collaborative.map { Self.cellMeans($0, cellTracks: cellTracks, cellTrackStarts: cellTrackStarts) } ?? []
    }

    /// `cellFactors` of a factorisation.
    private static func cellMeans(_ collaborative: CollaborativeFilter, cellTracks: [Int32], cellTrackStarts: [Int]) -> [Float] {
        let k = collaborative.model.params.factors, factors = collaborative.model.matrix
        var means = [Float]()
        for cell in 0..<(cellTrackStarts.count - 1) {
            let tracks = cellTracks[cellTrackStarts[cell]..<cellTrackStarts[cell + 1]]
            var sum = [Double](repeating: 0, count: k)
            for i in tracks {
                let factor = factors.row(Int(i))
                for j in 0..<k { sum[j] += Double(factor[j]) }
            }
            means += sum.map { tracks.isEmpty ? 0 : Float($0 / Double(tracks.count)) }
        }
        return means
    }

    /// The catalogue row of a track id, if the song base has it.
    public func row(of id: String) -> Int? {
        catalog.row(of: id)
    }

    /// What the content analysis makes of a playlist: its usable tracks, genre and centroid.
    struct Analysis {
        /// The playlist's song index rows (its tracks the song base holds), in playlist order.
        var rows: [Int]
        var unknown: [String]
        /// The classifier's mean probabilities, by label.
        var probabilities: [Double]
        var genre: Int32
        var component: Int32
        /// The mean standardised point of the usable tracks.
        var centroid: [Double]
        /// Usable tracks: those of the song base and those with inline features.
        var usable: Int
    }

    /// Recommends `k` songs for the playlist by `method`, never one of its own nor of the
    /// `excluding` rows (songs a user has already been offered); a playlist without any track
    /// with known features is a bad-data error, as is `cf` or `hybrid` without a factorisation,
    /// and `cf` for a playlist of which no training playlist holds a track.
    public func recommend(_ playlist: Playlist, k: Int, method: RecommendMethod = .content, hybrid: HybridParams = HybridParams(),
                          excluding extra: [Int] = []) throws -> Result {
        let analysis = try analyze(playlist)
        let excluded = analysis.rows + extra
        let picks: [Pick]
        switch method {
        case .content:
            picks = contentPicks(analysis, k: k, excluding: excluded)
        case .cf:
            guard let ranked = try collaborativePicks(playlist, k: k, excluding: excluded) else {
                throw MSRError(.badData, "\(Self.name(playlist)): no training playlist holds any of its tracks, so the cf method "
                    + "cannot place it: use --method hybrid or content")
            }
            picks = ranked
        case .hybrid:
            picks = try hybridPicks(playlist, analysis, k: k, excluding: excluded, params: hybrid)
        }
        return Result(
            playlist: playlist, knownTracks: analysis.usable, unknownTracks: analysis.unknown, genre: catalog.genres[Int(analysis.genre)],
            probabilities: Dictionary(uniqueKeysWithValues: zip(catalog.genres, analysis.probabilities)),
            picks: picks, similarity: Self.cosine(analysis.centroid, catalog.meanPoint(picks.map(\.row))), method: method)
    }

    /// The `k` content picks: the nearest songs to the centroid, pool by pool (the component,
    /// the genre, the catalogue).
    func contentPicks(_ analysis: Analysis, k: Int, excluding excluded: [Int]) -> [Pick] {
        picks(contentRanking(analysis, k: k, excluding: excluded))
    }

    /// The rows and distances of the `k` content picks (`contentPicks`), nearest first.
    func contentRanking(_ analysis: Analysis, k: Int, excluding excluded: [Int]) -> [(row: Int, distance: Double)] {
        let labels = catalog.labels, components = catalog.components
        let genre = analysis.genre, component = analysis.component
        let genreRows = catalog.rows(ofGenre: genre), all = 0..<catalog.count
        return nearest(to: analysis.centroid, k: k, excluding: excluded, pools: 3, scope: { $0 < 2 ? genreRows : all }) { i in
            SongIndex.pool(label: labels[i], component: components[i], genre: genre, playlistComponent: component)
        }
    }

    /// The content analysis of a playlist (steps 1 to 3).
    func analyze(_ playlist: Playlist) throws -> Analysis {
        let d = catalog.dimension, classCount = catalog.genres.count
        // Each usable track, in playlist order: a catalogue row, or features given inline.
        // Catalogue rows carry their genre probabilities and standardised point in the index;
        // only inline tracks go through the classifier and the scaler.
        var rows: [Int?] = [], inline: [[Double]] = [], unknown: [String] = []
        for track in playlist.tracks {
            if let row = row(of: track.id) {
                rows.append(row)
            } else if scaler.features.allSatisfy({ track.features[$0] != nil }) {
                let values = scaler.features.map { track.features[$0]! }
                // The reader keeps features within the schema; a caller of this API might not, and
                // one infinite value would make the centroid and the logged similarity NaN.
                guard values.allSatisfy({ $0.isFinite && abs($0) <= PlaylistReader.unboundedLimit }) else {
                    throw MSRError(.badData, "\(Self.name(playlist)): track \(track.given): an audio feature is not a finite number "
                        + "within +-\(PlaylistReader.unboundedLimitText)")
                }
                rows.append(nil)
                inline.append(values)
            } else {
                unknown.append(track.given)
            }
        }
        guard !rows.isEmpty else {
            let name = Self.name(playlist)
            throw MSRError(.badData, playlist.tracks.isEmpty ? "\(name) has no tracks"
                : "\(name): none of its \(playlist.tracks.count) tracks is in the song base or carries its audio features")
        }
        var inlineProbabilities: [Double] = []
        if !inline.isEmpty {
            guard let classifier else {
                throw MSRError(.badData, "\(Self.name(playlist)): \(inline.count == 1 ? "1 track carries its" : "\(inline.count) tracks carry their") "
                    + "audio features inline, which needs the classifier: this recommender was built without one")
            }
            var columns = (0..<d).map { j in inline.map { $0[j] } }
            inlineProbabilities = classifier.predictProbabilities(FeatureMatrix(consuming: &columns))
        }
        let count = Double(rows.count)
        var mean = [Double](repeating: 0, count: classCount), centroid = [Double](repeating: 0, count: d)
        var next = 0
        for row in rows {
            if let row {
                for c in 0..<classCount { mean[c] += Double(catalog.probabilities[row * classCount + c]) / count }
                for j in 0..<d { centroid[j] += Double(catalog.points[row * d + j]) / count }
            } else {
                for c in 0..<classCount { mean[c] += inlineProbabilities[next * classCount + c] / count }
                for j in 0..<d { centroid[j] += scaler.standardize(inline[next][j], feature: j) / count }
                next += 1
            }
        }
        guard centroid.allSatisfy(\.isFinite) else {
            throw MSRError(.badData, "\(Self.name(playlist)): its audio features give no finite point in the standardised space")
        }
        let genre = Numerics.argmax(mean, width: classCount)[0]
        let component = try mixtures[Int(genre)].predict(centroid)[0]
        return Analysis(rows: rows.compactMap { $0 }, unknown: unknown, probabilities: mean, genre: genre, component: component,
                        centroid: centroid, usable: rows.count)
    }

    /// The recordings of `rows` (song index rows), as a set.
    func recordingSet(_ rows: [Int], room: Int = 0) -> RecordingSet {
        var set = RecordingSet(capacity: rows.count + room)
        for row in rows { set.insert(catalog.recordings[row]) }
        return set
    }

    /// The picks of ranked rows.
    func picks(_ taken: [(row: Int, distance: Double)]) -> [Pick] {
        taken.map { pick(row: $0.row, score: 1 / (1 + $0.distance), source: .content) }
    }

    /// Song index row `row` as a pick.
    func pick(row: Int, score: Double, source: Pick.Source) -> Pick {
        Pick(row: row, uri: catalog.uris[row], genre: catalog.genres[Int(catalog.labels[row])], score: score, source: source)
    }

    /// The `k` songs nearest to `point` in standardised space, taken pool by pool (`pool(row)`:
    /// 0 first, up to `pools - 1`; others never) while fewer than `k`; ties go to the lower row.
    /// `scope(p)` holds every row of pool `p` (the rows scanned for it).
    /// A recording is taken once, the first time it ranks, and never when one of `excluded`'s
    /// rows is that recording.
    ///
    /// A pool's rows go through in segments of `segment` rows (`Recommender.segment`; tests
    /// take fewer): the distances of the segment's rows in the pool first, then the rows offered
    /// to the ranking in two passes, those at most as far as the segment's `k`th nearest, then
    /// the others (most of which the ranking, full by then, turns away at once). Each pass goes
    /// in row order, and no two rows at one distance fall in different passes, so the ranking
    /// is the one of offering every row in row order (it depends only on the rows' order among
    /// equal distances), at a fraction of the insertions.
    @inline(__always)
    func nearest(to point: [Double], k wanted: Int, excluding excluded: [Int], pools: Int,
                 segment: Int = Recommender.segment, scope: (Int) -> Range<Int>, pool: (Int) -> Int) -> [(row: Int, distance: Double)] {
        let d = catalog.dimension, k = Swift.min(wanted, catalog.count)
        var done = recordingSet(excluded, room: k)
        var picks = TopK(k)
        let room = Swift.max(1, Swift.min(segment, catalog.count))
        // Work arrays left uninitialized: each value is written before it is read.
        var rows = [Int](unsafeUninitializedCapacity: room) { $1 = room }
        var work = [Double](unsafeUninitializedCapacity: 2 * room) { $1 = 2 * room }
        rows.withUnsafeMutableBufferPointer { rows in
        work.withUnsafeMutableBufferPointer { work in
            let distances = UnsafeMutableBufferPointer(rebasing: work[0..<room])
            let scratch = work.baseAddress! + room
            catalog.points.withUnsafeBufferPointer { points in
                point.withUnsafeBufferPointer { point in
                    catalog.recordings.withUnsafeBufferPointer { first in
                        catalog.shared.withUnsafeBufferPointer { shared in
                            for current in 0..<pools where picks.taken.count < k {
                                let want = k - picks.taken.count
                                var ranked = TopK(want)
                                let scoped = scope(current).clamped(to: 0..<catalog.count)
                                var start = scoped.lowerBound
                                while start < scoped.upperBound {
                                    let end = Swift.min(start &+ room, scoped.upperBound)
                                    // A row whose recording's first row comes before it in this
                                    // pool's scan, at the same point, never ranks: that row is
                                    // offered first at the same distance, and either ranks (this
                                    // one then does not, as another id of a ranked recording) or
                                    // does not (and neither could this one). Skipped unscored.
                                    let (count, ordered) = Self.distances(points, rows: start..<end, dimension: d, to: point, into: rows,
                                                                          distances) { i in
                                        guard pool(i) == current else { return false }
                                        guard shared[i] != 0 else { return true }
                                        let f = Int(first[i])
                                        guard f < i, f >= scoped.lowerBound, Int(first[f]) == f, pool(f) == current else { return true }
                                        return !Self.samePoint(points, f, i, dimension: d)
                                    }
                                    start = end
                                    // (A NaN distance, which only a damaged index could give,
                                    // would make the ranking depend on more than the order of
                                    // equal distances: one pass then.)
                                    var bar = Double.infinity
                                    if count > want && ordered {
                                        scratch.update(from: distances.baseAddress!, count: count)
                                        bar = Self.nthSmallest(want, scratch, count: count)
                                    }
                                    for pass in 0..<2 {
                                        for c in 0..<count where (distances[c] > bar) == (pass == 1) {
                                            let i = rows[c], distance = distances[c]
                                            // The costlier tests only for a row the ranking would
                                            // keep (most rows are not: skipping them changes
                                            // nothing).
                                            guard ranked.admits(distance), !done.contains(first[i]) else { continue }
                                            // Another id of a recording already ranked has the
                                            // same point, so the same distance, and ranks after
                                            // it: skipped (only such rows look among the ranked
                                            // rows at that distance).
                                            ranked.offer(row: i, distance: distance, unlessRanked: shared[i] != 0 ? first[i] : nil, recordings: first)
                                        }
                                    }
                                }
                                for pick in ranked.taken { done.insert(first[pick.row]) }
                                picks.taken += ranked.taken
                            }
                        }
                    }
                }
            }
        }
        }
        return picks.taken
    }

    /// Whether rows `a` and `b` of `points` are the same point (`==`, value by value: -0 is 0,
    /// a NaN is no value's), eight values a compare.
    @inline(__always)
    static func samePoint(_ points: UnsafeBufferPointer<Float>, _ a: Int, _ b: Int, dimension d: Int) -> Bool {
        let x = points.baseAddress! + a &* d, y = points.baseAddress! + b &* d
        var j = 0
        while j &+ 8 <= d {
            let u = UnsafeRawPointer(x + j).loadUnaligned(as: SIMD8<Float>.self)
            let v = UnsafeRawPointer(y + j).loadUnaligned(as: SIMD8<Float>.self)
            guard all(u .== v) else { return false }
            j &+= 8
        }
        while j < d {
            guard x[j] == y[j] else { return false }
            j &+= 1
        }
        return true
    }

    /// The most rows `nearest` holds the distances of at once.
    static let segment = 4096

    /// The rows of `range` that `take` keeps, in row order, into `rows`, and their distances
    /// from `point` into `distances`; their count, and whether no distance is NaN. Four rows at
    /// a time, as one row's loop sums them (`distances(_:rows:dimension:to:)`).
    @inline(__always)
    static func distances(_ points: UnsafeBufferPointer<Float>, rows range: Range<Int>, dimension d: Int,
                          to point: UnsafeBufferPointer<Double>, into rows: UnsafeMutableBufferPointer<Int>,
                          _ distances: UnsafeMutableBufferPointer<Double>, taking take: (Int) -> Bool) -> (count: Int, ordered: Bool) {
        // The kept rows four at a time, in row order (a SIMD4 of rows filled lane by lane went
        // through memory at every row: 20% slower; local functions over these variables, once
        // not inlined, checked each access at run time). Lanes past `filled` hold rows of an
        // earlier block, or row 0: valid rows, their distances unused.
        var block = (0, 0, 0, 0), filled = 0, next = range.lowerBound, count = 0, ordered = true
        while true {
            while filled < 4 && next < range.upperBound {
                if take(next) {
                    switch filled {
                    case 0: block.0 = next
                    case 1: block.1 = next
                    case 2: block.2 = next
                    default: block.3 = next
                    }
                    filled &+= 1
                }
                next &+= 1
            }
            guard filled > 0 else { return (count, ordered) }
            let values = Self.distances(points, rows: block, dimension: d, to: point)
            if any(values .!= values) { ordered = false }
            let lanes = SIMD4(block.0, block.1, block.2, block.3)
            for lane in 0..<filled {
                rows[count] = lanes[lane]
                distances[count] = values[lane]
                count &+= 1
            }
            filled = 0
        }
    }

    /// The `n`th smallest (from 1) of the first `count` of `values`, which it reorders: Hoare's
    /// selection, median-of-three pivots, what is left sorted once the rounds pass
    /// 2 log2(count) + 8 (so never worse than count log count; `budget`: other than that, for
    /// tests). No value may be NaN.
    static func nthSmallest(_ n: Int, _ values: UnsafeMutablePointer<Double>, count: Int, budget: Int? = nil) -> Double {
        precondition(n >= 1 && n <= count)
        var low = 0, high = count &- 1
        let target = n &- 1, budget = budget ?? 2 &* (Int.bitWidth &- count.leadingZeroBitCount) &+ 8
        var rounds = 0
        while high > low {
            rounds &+= 1
            if rounds > budget {
                var rest = UnsafeMutableBufferPointer(start: values + low, count: high &- low &+ 1)
                rest.sort()
                break
            }
            let middle = low &+ (high &- low) / 2
            let a = values[low], b = values[middle], c = values[high]
            let pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b))
            var i = low, j = high
            while i <= j {
                while values[i] < pivot { i &+= 1 }
                while values[j] > pivot { j &-= 1 }
                if i <= j {
                    let swapped = values[i]
                    values[i] = values[j]
                    values[j] = swapped
                    i &+= 1
                    j &-= 1
                }
            }
            // values[low...j] <= pivot <= values[i...high], and between them the pivot's value.
            if target <= j {
                high = j
            } else if target >= i {
                low = i
            } else {
                break
            }
        }
        return values[target]
    }

    /// The Euclidean distances from `point` to the `dimension` values (Float, widened) at each
    /// of four `rows` of `points`, each summed in index order in Float64, as one row's loop sums
    /// them: four rows side by side in vector lanes (release builds; debug builds, where SIMD
    /// types are ten times slower, one row after another, the same arithmetic).
    @inline(__always)
    static func distances(_ points: UnsafeBufferPointer<Float>, rows: (Int, Int, Int, Int), dimension d: Int,
                          to point: UnsafeBufferPointer<Double>) -> SIMD4<Double> {
        #if DEBUG
        var distances = SIMD4<Double>()
        for (lane, row) in [rows.0, rows.1, rows.2, rows.3].enumerated() {
            var sum = 0.0
            for j in 0..<d {
                let delta = Double(points[row * d + j]) - point[j]
                sum += delta * delta
            }
            distances[lane] = sum.squareRoot()
        }
        return distances
        #else
        let a = rows.0 &* d, b = rows.1 &* d, c = rows.2 &* d, e = rows.3 &* d
        var sum = SIMD4<Double>()
        for j in 0..<d {
            let values = SIMD4<Double>(Double(points[a &+ j]), Double(points[b &+ j]), Double(points[c &+ j]), Double(points[e &+ j]))
            let delta = values - SIMD4(repeating: point[j])
            sum += delta * delta
        }
        return sum.squareRoot()
        #endif
    }

    /// The `k` songs nearest to a known song, as a KNN service answers "similar songs": over the
    /// whole catalogue, or within the song's own genre with `sameGenre`. The song's genre is
    /// its label, a fact, not a guess of the classifier's; `playlist` is how the result names
    /// the request. `row` is a song index row (`row(of:)`); another number is an error.
    /// With `cf`, the neighbours are the songs whose factors have the highest cosine with the
    /// song's (a song no training playlist holds has none: an error); `hybrid` blends both lists.
    public func similar(to row: Int, k: Int, sameGenre: Bool, playlist: Playlist, method: RecommendMethod = .content,
                        hybrid: HybridParams = HybridParams()) throws -> Result {
        guard (0..<catalog.count).contains(row) else {
            throw MSRError(.badData, "\(Self.name(playlist)): song index row \(row) is not one of its \(catalog.count) rows")
        }
        let labels = catalog.labels, label = labels[row]
        let point = catalog.point(row)
        let depth = method == .hybrid ? Swift.max(k, hybrid.candidates) : k
        // Pool 0 alone: the genre's songs, or every song; the others never rank.
        let content = method == .cf ? []
            : nearest(to: point, k: depth, excluding: [row], pools: 1,
                      scope: { _ in sameGenre ? catalog.rows(ofGenre: label) : 0..<catalog.count }) { i in
                sameGenre && labels[i] != label ? 1 : 0
            }
        let taken = switch method {
        case .content: picks(content)
        case .cf: try collaborativeNeighbours(of: row, k: k, sameGenre: sameGenre, playlist: playlist)
        case .hybrid: try hybridNeighbours(of: row, k: k, sameGenre: sameGenre, content: content, params: hybrid)
        }
        let genre = catalog.genres[Int(label)]
        return Result(
            playlist: playlist, knownTracks: 1, unknownTracks: [], genre: genre,
            probabilities: Dictionary(uniqueKeysWithValues: catalog.genres.map { ($0, $0 == genre ? 1.0 : 0.0) }),
            picks: taken, similarity: Self.cosine(point, catalog.meanPoint(taken.map(\.row))), method: method)
    }

    /// `playlist 'name'`, or `playlist` when it has none: how errors name a playlist.
    static func name(_ playlist: Playlist) -> String {
        "playlist\(playlist.name.map { " '\($0)'" } ?? "")"
    }

    /// The `k` nearest rows offered, nearest first (ties: the lower row), kept by insertion:
    /// `k` is small, so this beats sorting a whole genre.
    struct TopK {
        let k: Int
        var taken: [(row: Int, distance: Double)] = []

        init(_ k: Int) {
            self.k = k
            taken.reserveCapacity(k + 1)
        }

        /// Whether `offer` would keep a row at `distance` (nearer than the farthest kept, once `k`
        /// are kept): a cheap test before costlier ones. Rows come in increasing order, so an equal
        /// distance already kept stays first.
        @inline(__always)
        func admits(_ distance: Double) -> Bool {
            taken.count < k || taken.last.map { distance < $0.distance } == true
        }

        /// Keeps `row` at `distance` if it ranks, unless a kept row at exactly that distance is
        /// recording `recording` (when given; `recordings`: each row's). The ids of one recording
        /// have one point, so one distance; only a damaged index (recordings merging different
        /// points, or a point that is not finite) could have such a row elsewhere, and then the
        /// recording may be ranked twice, nothing worse.
        @inline(__always)
        mutating func offer(row: Int, distance: Double, unlessRanked recording: Int32? = nil,
                            recordings: UnsafeBufferPointer<Int32> = UnsafeBufferPointer(start: nil, count: 0)) {
            guard admits(distance) else { return }
            // After every kept row at most as far (a binary search of the sorted distances).
            var low = 0, high = taken.count
            taken.withUnsafeBufferPointer { taken in
                while low < high {
                    let middle = (low &+ high) >> 1
                    let before = distance < taken[middle].distance
                    // Both bounds chosen without a branch: a binary search's comparisons are
                    // as good as random, and a mispredicted branch costs more than the search.
                    high = before ? middle : high
                    low = before ? low : middle &+ 1
                }
            }
            if let recording {
                var i = low
                while i > 0 && taken[i - 1].distance == distance {
                    if recordings[taken[i - 1].row] == recording { return }
                    i -= 1
                }
            }
            taken.insert((row, distance), at: low)
            if taken.count > k { taken.removeLast() }
        }
    }

    static func cosine(_ a: [Double], _ b: [Double]) -> Double {
        var dot = 0.0, normA = 0.0, normB = 0.0
        for (x, y) in zip(a, b) {
            dot += x * y
            normA += x * x
            normB += y * y
        }
        return normA == 0 || normB == 0 ? 0 : dot / (normA.squareRoot() * normB.squareRoot())
    }
}

extension Recommender.Result {
    /// The result as DESIGN.md's output object.
    public var json: JSONValue {
        var info: [String: JSONValue] = ["tracks": .int(playlist.tracks.count), "known_tracks": .int(knownTracks)]
        if let name = playlist.name { info["name"] = .string(name) }
        if let pid = playlist.pid { info["pid"] = .int(pid) }
        return .object([
            "playlist": .object(info),
            "predicted_genre": .string(genre),
            "genre_probabilities": .object(probabilities.mapValues(JSONValue.double)),
            "recommendations": .array(picks.map { pick in
                var object: [String: JSONValue] = ["uri": .string(pick.uri), "genre": .string(pick.genre), "score": .double(pick.score),
                                                   "source": .string(pick.source.rawValue)]
                if let link = Playlist.link(pick.uri) { object["url"] = .string(link) }
                return .object(object)
            }),
            "similarity": .double(similarity),
            "method": .string(method.rawValue),
            "unknown_tracks": .array(unknownTracks.map(JSONValue.string)),
        ])
    }
}
