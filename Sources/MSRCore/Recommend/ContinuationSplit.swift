/// The playlist-continuation split of the RecSys Challenge 2018's kind: a seeded share of the
/// playlists is held out of training, and each held-out playlist is shown in part and asked to
/// be continued with the rest, two ways: a random share of its tracks hidden, and only its first
/// tracks shown.
///
/// Playlists are lists of track numbers (indices into the caller's track list); a track listed
/// twice in a playlist counts once (its first place).
public struct ContinuationSplit: Sendable, Equatable {
    /// One held-out playlist as a test case: what the recommender is shown, what it should find.
    public struct Case: Sendable, Equatable {
        /// The playlist's index in the input.
        public let playlist: Int
        public let shown: [Int32]
        public let hidden: Set<Int32>

        public init(playlist: Int, shown: [Int32], hidden: Set<Int32>) {
            self.playlist = playlist
            self.shown = shown
            self.hidden = hidden
        }
    }

    /// The indices of the playlists that train (every playlist not held out), in input order.
    public let training: [Int]
    /// Each held-out playlist with `hiddenShare` of its tracks hidden at random (at least one,
    /// and at least one shown), in input order.
    public let randomHidden: [Case]
    /// Each held-out playlist longer than `shownFirst` tracks with only its first `shownFirst`
    /// shown, in input order.
    public let firstShown: [Case]

    /// Holds out `heldOutShare` of the playlists (rounded, drawn among those of two tracks or
    /// more, all of them when fewer are eligible), seeded by `seed`.
    public init(playlists: [[Int32]], heldOutShare: Double = 0.1, hiddenShare: Double = 0.2, shownFirst: Int = 5, seed: UInt64) {
        precondition((0...1).contains(heldOutShare) && hiddenShare > 0 && hiddenShare < 1 && shownFirst >= 1)
        let distinct = playlists.map(Self.distinct)
        let eligible = distinct.indices.filter { distinct[$0].count >= 2 }
        var random = SplitMix64(seed: seed)
        let count = min(eligible.count, Int((heldOutShare * Double(playlists.count)).rounded()))
        let heldOut = Set(random.sample(count, from: eligible))
        training = playlists.indices.filter { !heldOut.contains($0) }
        var randomHidden: [Case] = []
        var firstShown: [Case] = []
        for index in playlists.indices where heldOut.contains(index) {
            let tracks = distinct[index]
            let hiddenCount = min(tracks.count - 1, max(1, Int((hiddenShare * Double(tracks.count)).rounded())))
            let hiddenPlaces = Set(random.sample(hiddenCount, from: Array(tracks.indices)))
            randomHidden.append(Case(playlist: index, shown: tracks.indices.filter { !hiddenPlaces.contains($0) }.map { tracks[$0] },
                                     hidden: Set(hiddenPlaces.map { tracks[$0] })))
            if tracks.count > shownFirst {
                firstShown.append(Case(playlist: index, shown: Array(tracks[..<shownFirst]), hidden: Set(tracks[shownFirst...])))
            }
        }
        self.randomHidden = randomHidden
        self.firstShown = firstShown
    }

    /// The playlist's tracks without repeats, each at its first place.
    private static func distinct(_ tracks: [Int32]) -> [Int32] {
        var seen = Set<Int32>()
        return tracks.filter { seen.insert($0).inserted }
    }
}
