import FoundationEssentials
import Glibc

/// Okapi BM25 weighting as the `implicit` library's `bm25_weight(X, K1=100, B=0.8)` does it,
/// on the track x playlist matrix (as implicit's examples weigh their item x user matrix):
/// tracks are the documents, playlists the terms. A pair of value x (1 in msr's matrix) weighs
///
///     x * (K1 + 1) / (K1 * norm_t + x) * idf_p
///     norm_t = (1 - B) + B * length_t / mean length      length_t: track t's row sum
///     idf_p  = ln(tracks) - ln(1 + n_p)                  n_p: the pairs of playlist p
///
/// so a popular track weighs less in each playlist, and a long playlist's pairs weigh less.
public struct BM25: Sendable, Equatable {
    /// Term-frequency saturation: implicit's K1 for ALS.
    public static let k1 = 100.0
    /// Length normalisation: implicit's B for ALS.
    public static let b = 0.8

    /// The documents: the matrix's tracks.
    public let trackCount: Int
    /// The mean of the tracks' row sums.
    public let meanLength: Double

    /// The weights of a matrix of `trackCount` tracks whose row sums average `meanLength`.
    public init(trackCount: Int, meanLength: Double) {
        self.trackCount = trackCount
        self.meanLength = meanLength
    }

    /// The weights of the tracks whose row sums are `lengths` (a track's playlists, each 1).
    public init(trackLengths lengths: [Int32]) {
        let total = lengths.reduce(0.0) { $0 + Double($1) }
        self.init(trackCount: lengths.count, meanLength: lengths.isEmpty ? 1 : total / Double(lengths.count))
    }

    /// The weight of a pair of value `value` between a track of row sum `trackLength` and a
    /// playlist of `playlistPairs` pairs.
    public func weight(value: Double = 1, trackLength: Double, playlistPairs: Int) -> Double {
        let norm = (1 - Self.b) + Self.b * trackLength / meanLength
        let idf = log(Double(trackCount)) - log1p(Double(playlistPairs))
        return value * (Self.k1 + 1) / (Self.k1 * norm + value) * idf
    }
}

extension InteractionMatrix {
    /// The matrix with each pair's value replaced by its BM25 weight (`BM25`). A playlist
    /// holding nearly every track gets weights of 0 or less: such pairs count as absent.
    public func weightedByBM25() -> InteractionMatrix {
        let lengths = (0..<trackCount).map { t in byTrack.range(t).reduce(0.0) { $0 + Double(byTrack.values[$1]) } }
        let bm25 = BM25(trackCount: trackCount, meanLength: lengths.isEmpty ? 1 : lengths.reduce(0, +) / Double(trackCount))
        var weighted = self
        var values = byPlaylist.values
        for p in 0..<playlistCount {
            let range = byPlaylist.range(p)
            for k in range {
                values[k] = Float(bm25.weight(value: Double(values[k]), trackLength: lengths[Int(byPlaylist.columns[k])],
                                              playlistPairs: range.count))
            }
        }
        weighted.setValues(values)
        return weighted
    }
}
