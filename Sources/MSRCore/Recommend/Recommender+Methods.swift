import CMemory

/// The `cf` and `hybrid` methods of `Recommender`: rankings by the factorisation's scores, and
/// the hybrid's join of them with the content ranking (`HybridParams`).
extension Recommender {
    /// The factorisation, or the error naming what is missing.
    func requireCollaborative() throws -> CollaborativeFilter {
        guard let collaborative else {
            throw MSRError(.missingInput, "the cf and hybrid methods need the track factors (factorization.factors): run msr-factorize")
        }
        return collaborative
    }

    /// The playlist's folded-in factor, from its tracks a training playlist holds (those the
    /// song base lacks included); nil when there is none.
    func playlistFactor(_ playlist: Playlist) throws -> [Float]? {
        let cf = try requireCollaborative()
        return cf.factor(rows: playlist.tracks.compactMap { cf.row(of: $0.id) })
    }

    /// The `k` songs of the song base the playlist's collaborative scores rank first, its own
    /// (and `excluded`'s) recordings left out; nil when no training playlist holds any of its tracks.
    func collaborativePicks(_ playlist: Playlist, k: Int, excluding excluded: [Int]) throws -> [Pick]? {
        guard let factor = try playlistFactor(playlist) else { return nil }
        return top(try requireCollaborative().scores(of: factor), k: k, excluding: excluded) { _ in true }
    }

    /// Song `row`'s factor, or for a song no training playlist holds its cell's mean (`cellFactors`).
    func songFactor(_ row: Int) throws -> [Float] {
        let cf = try requireCollaborative()
        return factorRows[row] >= 0 ? cf.trackFactor(Int(factorRows[row])) : cellFactor(row)
    }

    /// The mean factor of the warm songs of song `row`'s genre and component.
    func cellFactor(_ row: Int) -> [Float] {
        let k = collaborative?.model.params.factors ?? 0
        let cell = cell(of: row)
        return Array(cellFactors[(cell * k)..<((cell + 1) * k)])
    }

    /// The `k` songs whose factors have the highest cosine with song `row`'s (within its genre
    /// with `sameGenre`).
    func collaborativeNeighbours(of row: Int, k: Int, sameGenre: Bool, playlist: Playlist) throws -> [Pick] {
        let cf = try requireCollaborative()
        guard factorRows[row] >= 0 else {
            throw MSRError(.badData, "\(Self.name(playlist)): no training playlist holds song \(catalog.uris[row]), so the cf method "
                + "has no neighbours for it: use --method hybrid or content")
        }
        let labels = catalog.labels, label = labels[row]
        return top(cf.cosines(of: try songFactor(row)), k: k, excluding: [row]) { !sameGenre || labels[$0] == label }
    }

    /// The `k` song index rows of the highest `scores` (by factor row), best first (equal
    /// scores: the lower factor row), each recording once and none of `excluded`'s, among the
    /// rows `eligible` accepts.
    func top(_ scores: [Float], k: Int, excluding excluded: [Int], eligible: (Int) -> Bool) -> [Pick] {
        guard k > 0 else { return [] }
        let first = catalog.recordings
        let done = recordingSet(excluded)
        // Two ids of one recording have factors of their own: the better ranked one is kept, so
        // the ranking is taken deeper until k distinct recordings are in it.
        var depth = k
        while true {
            // Once the ranking is full, what `admits` asks, in Float: a score above the last
            // kept one's (its distance is a Float score negated, so the two tests agree on every
            // value, NaN and infinities included), eight tracks a compare (`firstAbove`).
            let ranked = scores.withUnsafeBufferPointer { scores in
                var ranked = TopK(depth), i = 0
                while i < scores.count {
                    if ranked.taken.count == depth {
                        i = Self.firstAbove(Float(-ranked.taken[depth - 1].distance), in: scores, from: i)
                        guard i < scores.count else { break }
                    }
                    let row = Int(catalogRows[i])
                    if row >= 0, !done.contains(first[row]), eligible(row) {
                        ranked.offer(row: row, distance: -Double(scores[i]))
                    }
                    i += 1
                }
                return ranked
            }
            var seen = RecordingSet(capacity: ranked.taken.count)
            let distinct = ranked.taken.filter { seen.insert(first[$0.row]) }
            if distinct.count >= k || ranked.taken.count < depth {
                return distinct.prefix(k).map { pick(row: $0.row, score: -$0.distance, source: .cf) }
            }
            depth *= 2
        }
    }

    /// The first index from `start` on whose score is above `bar` (a NaN is above nothing and
    /// nothing is above it), or the count.
    static func firstAbove(_ bar: Float, in scores: UnsafeBufferPointer<Float>, from start: Int) -> Int {
        var i = start
        if let base = scores.baseAddress {
            let bars = SIMD8<Float>(repeating: bar)
            while i &+ 8 <= scores.count {
                let block = UnsafeRawPointer(base + i).loadUnaligned(as: SIMD8<Float>.self)
                if any(block .> bars) { break }
                i &+= 8
            }
        }
        while i < scores.count && !(scores[i] > bar) { i &+= 1 }
        return i
    }

    /// 1 / m, m the best cf score (`scores.max()`: the first score when it is NaN, else the
    /// largest of those that are not NaN); 1 when m is not above 0 or its inverse does not fit a
    /// Float. Eight scores a compare.
    static func cfScale(_ scores: [Float]) -> Float {
        guard let first = scores.first, !first.isNaN else { return 1 }
        let best = scores.withUnsafeBufferPointer { scores in
            var lanes = SIMD8<Float>(repeating: -.infinity), i = 0
            if let base = scores.baseAddress {
                while i &+ 8 <= scores.count {
                    let block = UnsafeRawPointer(base + i).loadUnaligned(as: SIMD8<Float>.self)
                    lanes.replace(with: block, where: block .> lanes)
                    i &+= 8
                }
            }
            var best = -Float.infinity
            for lane in 0..<8 where lanes[lane] > best { best = lanes[lane] }
            while i < scores.count {
                if scores[i] > best { best = scores[i] }
                i &+= 1
            }
            return best
        }
        let inverse = 1 / best
        return best > 0 && inverse.isFinite ? inverse : 1
    }

    /// The hybrid picks of a playlist (`HybridParams`): the content ranking when no training
    /// playlist holds any of its tracks.
    func hybridPicks(_ playlist: Playlist, _ analysis: Analysis, k: Int, excluding excluded: [Int], params: HybridParams) throws -> [Pick] {
        let content = contentRanking(analysis, k: Swift.max(k, params.candidates), excluding: excluded)
        guard let factor = try playlistFactor(playlist) else { return picks(Array(content.prefix(k))) }
        let cf = try requireCollaborative()
        let priors = cellPriors(rows: analysis.rows, weight: Float(params.popularityWeight))
        let (warm, cfScale) = boundedWarmPicks(factor, cf, priors: priors, k: k, excluding: excluded) ?? {
            var scores = cf.scores(of: factor)
            let cfScale = Self.cfScale(scores)
            blend(into: &scores, cfScale: cfScale, priors: priors)
            return (top(scores, k: k, excluding: excluded) { _ in true }, cfScale)
        }()
        return join(warm: warm, content: content, k: k, params: params) { cfScale * dot(factor, cellFactor($0)) }
    }

    /// The hybrid's warm picks and `cfScale`, as from every track's score, but with only the
    /// tracks scored whose bound (`ScoreBounds`) lets them be the best score or reach the picks:
    /// the same picks, bit for bit (every pick above what any track not scored could reach);
    /// nil when the bounds are not loaded, cannot be made for this factor or cannot vouch for
    /// the picks, and the caller scores every track.
    func boundedWarmPicks(_ factor: [Float], _ cf: CollaborativeFilter, priors: [(track: Int, prior: Float)]?, k: Int,
                          excluding excluded: [Int]) -> (picks: [Pick], cfScale: Float)? {
        guard let bounds = cf.bounds, k > 0 else { return nil }
        let x = cf.padded(factor)
        guard var products = x.withUnsafeBufferPointer({ bounds.products($0.baseAddress!) }) else { return nil }
        let count = bounds.count, unit = products.unit, radius = products.radius
        guard count > 0 else { return nil }
        let most = count / 4  // beyond this many tracks scored, scoring them all is as cheap
        var scores = [Float](repeating: -.infinity, count: count)
        var scored = 0
        // Each track's integer sum (as a Float), and the largest and the widest of them.
        var keys: [Float] = []  // taken from the products, not copied; past `count` padding
        swap(&keys, &products.sums)
        var least: Float = 0, largest: Float = 0
        msr_float_range(keys, count, &least, &largest)
        let widest = Swift.max(-least, largest)
        /// Scores the tracks whose key is at least `bar`; false once more than `most` are scored.
        func scoreFrom(_ bar: Float) -> Bool {
            x.withUnsafeBufferPointer { x in
                keys.withUnsafeBufferPointer { keys in
                    var t = 0
                    while true {
                        t = Self.firstAbove(bar.nextDown, in: keys, from: t)
                        guard t < count else { return true }
                        if scores[t] == -.infinity {
                            scores[t] = cf.score(t, against: x.baseAddress!)
                            scored &+= 1
                            if scored > most { return false }
                        }
                        t &+= 1
                    }
                }
            }
        }
        // The best score is among the tracks whose bound reaches the best lower bound: sums at
        // least the largest less 2 radius / unit.
        let gap = (2 * radius / unit).rounded(.up) + 1
        guard gap < 1e9, scoreFrom(Float(Double(largest) - gap).nextDown) else { return nil }
        let cfScale = Self.cfScale(scores)
        // Each track's blended score, as a key within `width` of the blend's (`blend`): its
        // bound's centre times cfScale, plus its popularity term.
        let alpha = Float(Double(cfScale) * unit)
        var largestPrior: Float = 0
        keys.withUnsafeMutableBufferPointer { keys in
            let raw = UnsafeMutableRawPointer(keys.baseAddress!)
            var t = 0
            while t &+ 8 <= count {
                raw.storeBytes(of: alpha * raw.loadUnaligned(fromByteOffset: t &* 4, as: SIMD8<Float>.self), toByteOffset: t &* 4,
                               as: SIMD8<Float>.self)
                t &+= 8
            }
            while t < count {
                keys[t] = alpha * keys[t]
                t &+= 1
            }
            for t in count..<keys.count { keys[t] = -.infinity }  // the padding, never a track
            for (t, prior) in priors ?? [] {
                keys[t] += prior
                largestPrior = Swift.max(largestPrior, abs(prior))
            }
        }
        let scale = Double(cfScale)
        let width = scale * radius + 0x1p-18 * (scale * (unit * Double(widest) + radius) + Double(largestPrior)) + 1e-30
        // Keys and blended scores far from Float's end: none overflows (a key at -infinity
        // would never be scored, while its blended score, rounded otherwise, could be a pick's;
        // a best score of 1e-16 against others of -1e38 does that).
        guard Double(alpha.magnitude) * Double(widest) + Double(largestPrior) + 2 * width < Double(Float.greatestFiniteMagnitude) / 2 else {
            return nil
        }
        // The picks come from the tracks whose key is among the best, a margin left for the
        // excluded, a recording's second ids and tracks the song base lacks.
        let bar = Self.largest(k + excluded.count + 16, of: keys)
        guard bar.isFinite, scoreFrom(Float(Double(bar) - 2 * width).nextDown) else { return nil }
        // A track not scored has a blended score below bar - width, which every pick must top.
        blend(into: &scores, cfScale: cfScale, priors: priors)
        let picks = top(scores, k: k, excluding: excluded) { _ in true }
        let floor = Double(bar) - width / 2
        guard picks.count == k, picks.allSatisfy({ $0.score >= floor }) else { return nil }
        return (picks, cfScale)
    }

    /// The `m`th largest of `keys` or a value below it (equal keys may count once); -infinity
    /// when fewer than `m` are finite. A heap of the `m` largest, the keys below its least
    /// passed over eight at a time.
    static func largest(_ m: Int, of keys: [Float]) -> Float {
        guard m > 0 else { return .infinity }
        var heap = [Float](repeating: -.infinity, count: m)  // the least at 0
        return heap.withUnsafeMutableBufferPointer { heap in
            keys.withUnsafeBufferPointer { keys in
                var i = 0
                while true {
                    i = firstAbove(heap[0], in: keys, from: i)
                    guard i < keys.count else { break }
                    let key = keys[i]
                    i &+= 1
                    guard key.isFinite else { continue }
                    // The least replaced, sifted down.
                    var at = 0
                    while true {
                        let left = 2 &* at &+ 1, right = left &+ 1
                        var child = left
                        guard left < m else { break }
                        if right < m && heap[right] < heap[left] { child = right }
                        guard heap[child] < key else { break }
                        heap[at] = heap[child]
                        at = child
                    }
                    heap[at] = key
                }
                return heap[0]
            }
        }
    }

    /// The cell popularity term of each warm song in the playlist's cells (by factor row): the
    /// song's cell popularity for the playlist (how many of the playlist's distinct song index
    /// `rows` are in the song's cell, times the song's training-playlist count over its cell's,
    /// `popularityShares`) times `weight` over the best cell popularity of any track with a
    /// factor. Nil when no song has one (weight 0, or no cell popularity).
    func cellPriors(rows: [Int], weight: Float) -> [(track: Int, prior: Float)]? {
        var shares = [Float](repeating: 0, count: cellStarts.last!)
        for row in rows.sortedUnique() { shares[cell(of: row)] += 1 }
        let cells = shares.indices.filter { shares[$0] > 0 }
        // The best cell popularity: each cell's best share times the playlist's songs in it (a
        // product's rounding keeps the order, so that is the largest of its songs' products).
        let best = weight > 0 ? cells.reduce(Float(0)) { Swift.max($0, shares[$1] * cellBestShares[$1]) } : 0
        guard best > 0 else { return nil }
        // weight / best is finite (weight is at most 1,000, best at least a count of 1 over its
        // cell's total).
        let priorScale = weight / best
        let count = cells.reduce(0) { $0 + cellTrackStarts[$1 + 1] - cellTrackStarts[$1] }
        return [(track: Int, prior: Float)](unsafeUninitializedCapacity: count) { priors, initialized in
            cellTracks.withUnsafeBufferPointer { tracks in
                popularityShares.withUnsafeBufferPointer { popularity in
                    for cell in cells {
                        let share = shares[cell]
                        for track in cellTrackStarts[cell]..<cellTrackStarts[cell + 1] {
                            let i = Int(tracks[track])
                            priors.initializeElement(at: initialized, to: (i, priorScale * (share * popularity[i])))
                            initialized += 1
                        }
                    }
                }
            }
        }
    }

    /// Turns the cf scores of the tracks with a factor (by factor row) into the hybrid's: each
    /// times `cfScale`, plus its popularity term (`cellPriors`). With priors, a song outside the
    /// playlist's cells adds 0, which turns a -0 into 0 and nothing else; a song inside adds its
    /// term to that, the same sum as adding it alone.
    func blend(into scores: inout [Float], cfScale: Float, priors: [(track: Int, prior: Float)]?) {
        guard let priors else {
            for i in scores.indices { scores[i] *= cfScale }
            return
        }
        for i in scores.indices { scores[i] = cfScale * scores[i] + 0 }
        for (i, prior) in priors { scores[i] += prior }
    }

    /// Song `row`'s genre and component, as a cell number (`cellStarts`).
    func cell(of row: Int) -> Int {
        cellStarts[Int(catalog.labels[row])] + Int(catalog.components[row])
    }

    /// The hybrid neighbours of song `row`: by cosine with its factor (its cell's mean when it
    /// has none), cold songs among the content neighbours scored by their cell's mean.
    func hybridNeighbours(of row: Int, k: Int, sameGenre: Bool, content: [(row: Int, distance: Double)], params: HybridParams) throws -> [Pick] {
        let query = try songFactor(row)
        let labels = catalog.labels, label = labels[row]
        let warm = top(try requireCollaborative().cosines(of: query), k: k, excluding: [row]) { !sameGenre || labels[$0] == label }
        return join(warm: warm, content: content, k: k, params: params) { cosine(query, cellFactor($0)) }
    }

    /// The warm songs' ranking joined with the cold songs of the content ranking (its rows,
    /// nearest first), each of those scored `params.coldWeight * coldScore(row)`: the `k` best
    /// scores (equal scores: warm first, then the content order), each recording once. A warm
    /// song the content ranking also holds is `both`.
    func join(warm: [Pick], content: [(row: Int, distance: Double)], k: Int, params: HybridParams, coldScore: (Int) -> Float) -> [Pick] {
        let first = catalog.recordings
        let fromContent = recordingSet(content.map(\.row)), warmRecordings = recordingSet(warm.map(\.row))
        // The cold songs by row and score: a pick (its uri and genre) is made only for those kept.
        var joined: [(row: Int, score: Double, warm: Int?)] = warm.indices.map { (warm[$0].row, warm[$0].score, $0) }
        for (row, _) in content where factorRows[row] < 0 && !warmRecordings.contains(first[row]) {
            joined.append((row, params.coldWeight * Double(coldScore(row)), nil))
        }
        // A stable sort: equal scores keep warm before cold, and the content order among cold.
        let order = joined.indices.sorted { joined[$0].score != joined[$1].score ? joined[$0].score > joined[$1].score : $0 < $1 }
        return order.prefix(k).map { i in
            let entry = joined[i]
            guard let w = entry.warm else { return pick(row: entry.row, score: entry.score, source: .content) }
            var pick = warm[w]
            if fromContent.contains(first[pick.row]) { pick.source = .both }
            return pick
        }
    }

    private func dot(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
    }

    private func cosine(_ a: [Float], _ b: [Float]) -> Float {
        let product = (dot(a, a) * dot(b, b)).squareRoot()
        return product > 0 ? dot(a, b) / product : 0
    }
}
