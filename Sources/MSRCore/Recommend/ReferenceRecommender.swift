/// The reference Python project's recommendation method, reproduced for the offline comparison:
/// the classifier fed standardised features although it was trained on raw ones (the
/// reference's bug), the playlist's mixture component within that genre, and that component's
/// songs in alphabetical order (of uri: the song base has no titles), the playlist's own songs
/// excluded. Widened to the genre and then the catalogue like msr when a component holds fewer
/// than `k` songs, so both methods always return `k`.
public struct ReferenceRecommender: Sendable {
    public let recommender: Recommender
    /// Song index rows in alphabetical order of uri.
    let alphabetical: [Int]

    /// `recommender` must hold the classifier.
    public init(_ recommender: Recommender) {
        precondition(recommender.classifier != nil, "the reference method runs the classifier")
        self.recommender = recommender
        let uris = recommender.catalog.uris
        alphabetical = uris.bytes.withUnsafeBufferPointer { bytes in
            (0..<uris.count).sorted { a, b in
                bytes[uris.range(a)].lexicographicallyPrecedes(bytes[uris.range(b)])
            }
        }
    }

    /// The genre and `k` songs the reference method picks for a playlist of song index rows;
    /// with `genre` given, the reference's ordering alone (its genre prediction replaced).
    public func recommend(rows: [Int], k: Int, genre given: Int32? = nil) throws -> (genre: Int32, picks: [Int]) {
        let catalog = recommender.catalog, d = catalog.dimension
        let genre: Int32
        if let given {
            genre = given
        } else {
            var columns = (0..<d).map { j in rows.map { Double(catalog.points[$0 * d + j]) } }
            let classifier = recommender.classifier!
            let probabilities = classifier.predictProbabilities(FeatureMatrix(consuming: &columns))
            let classCount = classifier.classes.count
            var mean = [Double](repeating: 0, count: classCount)
            for r in 0..<rows.count { for c in 0..<classCount { mean[c] += probabilities[r * classCount + c] / Double(rows.count) } }
            genre = Numerics.argmax(mean, width: classCount)[0]
        }
        let component = try recommender.mixtures[Int(genre)].predict(catalog.meanPoint(rows))[0]
        let excluded = Set(rows)
        var picks: [Int] = []
        for pool in 0..<3 where picks.count < k {
            for row in alphabetical where picks.count < k && !excluded.contains(row)
                && SongIndex.pool(label: catalog.labels[row], component: catalog.components[row], genre: genre,
                                  playlistComponent: component) == pool {
                picks.append(row)
            }
        }
        return (genre, picks)
    }
}
