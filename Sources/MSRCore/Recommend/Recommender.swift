import Foundation

/// Recommends songs for a playlist from the trained models (DESIGN.md, issue 4):
///
/// 1. each track's features come from the song base, or from the playlist when given inline;
/// 2. the playlist's genre is the argmax of the classifier's probabilities averaged over its
///    tracks (on raw features, as it was trained), so one odd track cannot flip it;
/// 3. the mixture component of the playlist's standardised centroid, within that genre;
/// 4. candidates from that component, widened to the genre and then the whole catalogue while
///    fewer than `k`, the playlist's own tracks excluded;
/// 5. ranked by Euclidean distance to the centroid in standardised space (ties: song index order).
public struct Recommender {
    public let classifier: GradientBoostingClassifier
    public let mixtures: [GaussianMixture]
    public let catalog: SongIndex
    public let scaler: FeatureScaler
    /// Catalogue rows by uri.
    let index: ByteStringTable

    /// One recommended song.
    public struct Pick: Sendable, Equatable {
        public var uri: String
        public var genre: String
        /// `1 / (1 + distance)` to the playlist's centroid in standardised space: 1 is identical.
        public var score: Double
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
    }

    public init(classifier: GradientBoostingClassifier, mixtures: [GaussianMixture], catalog: SongIndex,
                scaler: FeatureScaler) throws {
        guard classifier.featureNames == catalog.featureNames, scaler.features == classifier.featureNames else {
            throw MSRError(.badData, "the classifier, the scaler and the song index disagree on the features: run the pipeline again")
        }
        guard catalog.genres == classifier.classes else {
            throw MSRError(.badData, "the song index's genres are not the classifier's: run msr-cluster again")
        }
        guard mixtures.count == classifier.classes.count else {
            throw MSRError(.badData, "\(mixtures.count) mixtures for \(classifier.classes.count) genres: run msr-cluster again")
        }
        if let row = (0..<catalog.count).first(where: { Int(catalog.components[$0]) >= mixtures[Int(catalog.labels[$0])].componentCount }) {
            throw MSRError(.badData, "song \(catalog.uris[row]) is in a mixture component its genre does not have: run msr-cluster again")
        }
        self.classifier = classifier
        self.mixtures = mixtures
        self.catalog = catalog
        self.scaler = scaler
        var index = ByteStringTable(capacity: catalog.count)
        catalog.uris.bytes.withUnsafeBufferPointer { bytes in
            for i in 0..<catalog.count {
                let range = catalog.uris.range(i)
                _ = index.insert(bytes.baseAddress! + range.lowerBound, count: range.count)
            }
        }
        self.index = index
    }

    /// The catalogue row of a track id, if the song base has it.
    public func row(of id: String) -> Int? {
        index.find(id)
    }

    /// Recommends `k` songs for the playlist; a playlist without any track with known features
    /// is a bad-data error.
    public func recommend(_ playlist: Playlist, k: Int) throws -> Result {
        let d = catalog.dimension
        let points = catalog.points, labels = catalog.labels, components = catalog.components
        // `known`: the playlist's catalogue rows, which are never recommended back.
        var raw: [[Double]] = [], known = Set<Int>(), unknown: [String] = []
        for track in playlist.tracks {
            if let row = row(of: track.id) {
                raw.append(Array(catalog.features[(row * d)..<((row + 1) * d)]))
                known.insert(row)
            } else if scaler.features.allSatisfy({ track.features[$0] != nil }) {
                raw.append(scaler.features.map { track.features[$0]! })
            } else {
                unknown.append(track.given)
            }
        }
        guard !raw.isEmpty else {
            let name = "playlist\(playlist.name.map { " '\($0)'" } ?? "")"
            throw MSRError(.badData, playlist.tracks.isEmpty ? "\(name) has no tracks"
                : "\(name): none of its \(playlist.tracks.count) tracks is in the song base or carries its audio features")
        }
        var columns = (0..<d).map { j in raw.map { $0[j] } }
        let probabilities = classifier.predictProbabilities(FeatureMatrix(consuming: &columns))
        let classCount = classifier.classes.count
        var mean = [Double](repeating: 0, count: classCount)
        for r in 0..<raw.count { for c in 0..<classCount { mean[c] += probabilities[r * classCount + c] / Double(raw.count) } }
        let genre = GradientBoostingClassifier.argmax(mean, classes: classCount)[0]

        var centroid = [Double](repeating: 0, count: d)
        for row in raw { for j in 0..<d { centroid[j] += scaler.standardize(row[j], feature: j) / Double(raw.count) } }
        let component = try mixtures[Int(genre)].predict(centroid)[0]

        func distance(_ i: Int) -> Double {
            var sum = 0.0
            for j in 0..<d {
                let delta = points[i * d + j] - centroid[j]
                sum += delta * delta
            }
            return sum.squareRoot()
        }
        var picks: [(row: Int, distance: Double)] = []
        var taken = Set<Int>()
        // Widen the pool until it holds k songs: the component, the genre, the catalogue.
        let inComponent: (Int) -> Bool = { labels[$0] == genre && components[$0] == component }
        let inGenre: (Int) -> Bool = { labels[$0] == genre }
        let anywhere: (Int) -> Bool = { _ in true }
        for pool in [inComponent, inGenre, anywhere] {
            guard picks.count < k else { break }
            var ranked: [(row: Int, distance: Double)] = []
            for i in 0..<catalog.count where pool(i) && !taken.contains(i) && !known.contains(i) {
                ranked.append((i, distance(i)))
            }
            ranked.sort { $0.distance < $1.distance || ($0.distance == $1.distance && $0.row < $1.row) }
            for pick in ranked.prefix(k - picks.count) {
                picks.append(pick)
                taken.insert(pick.row)
            }
        }
        var pickMean = [Double](repeating: 0, count: d)
        for pick in picks { for j in 0..<d { pickMean[j] += points[pick.row * d + j] / Double(picks.count) } }
        return Result(
            playlist: playlist, knownTracks: raw.count, unknownTracks: unknown, genre: classifier.classes[Int(genre)],
            probabilities: Dictionary(uniqueKeysWithValues: zip(classifier.classes, mean)),
            picks: picks.map { Pick(uri: catalog.uris[$0.row], genre: catalog.genres[Int(labels[$0.row])], score: 1 / (1 + $0.distance)) },
            similarity: Self.cosine(centroid, pickMean))
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
            "recommendations": .array(picks.map { .object(["uri": .string($0.uri), "genre": .string($0.genre), "score": .double($0.score)]) }),
            "similarity": .double(similarity),
            "unknown_tracks": .array(unknownTracks.map(JSONValue.string)),
        ])
    }
}
