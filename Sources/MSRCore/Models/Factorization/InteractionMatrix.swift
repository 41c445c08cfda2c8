/// The playlist x track matrix ALS factorises, held both ways: by playlist (CSR) for the
/// playlists' half of an iteration and by track (CSC, as the transpose's rows) for the tracks'
/// half, built once. A value is 1 per (playlist, track) pair, a track repeated in a playlist
/// counting once, or the pair's BM25 weight (`weightedByBM25`).
public struct InteractionMatrix: Sendable, Equatable {
    /// Row p: playlist p's tracks.
    public private(set) var byPlaylist: SparseRows
    /// Row t: the playlists holding track t.
    public private(set) var byTrack: SparseRows

    /// The matrix's rows.
    public var playlistCount: Int { byPlaylist.rowCount }
    /// The matrix's columns.
    public var trackCount: Int { byPlaylist.columnCount }
    /// Distinct (playlist, track) pairs.
    public var pairCount: Int { byPlaylist.entryCount }

    /// The matrix of playlists given as track indices in `0..<trackCount`: playlist p holds
    /// `tracks[starts[p]..<starts[p + 1]]`, in any order, repeats allowed.
    public init(starts: [Int], tracks: [Int32], trackCount: Int) {
        precondition(starts.first == 0 && starts.last == tracks.count)
        let playlistCount = starts.count - 1
        var rowStarts = [Int](repeating: 0, count: playlistCount + 1)
        var columns: [Int32] = []
        columns.reserveCapacity(tracks.count)
        var row: [Int32] = []
        for p in 0..<playlistCount {
            row.removeAll(keepingCapacity: true)
            row.append(contentsOf: tracks[starts[p]..<starts[p + 1]])
            row.sort()
            var previous: Int32 = -1
            for track in row where track != previous {
                precondition(track >= 0 && Int(track) < trackCount)
                columns.append(track)
                previous = track
            }
            rowStarts[p + 1] = columns.count
        }
        byPlaylist = SparseRows(rowCount: playlistCount, columnCount: trackCount, starts: rowStarts, columns: columns,
                                values: [Float](repeating: 1, count: columns.count))
        byTrack = byPlaylist.transposed()
    }

    /// The matrix with these values (by playlist), the same pairs.
    mutating func setValues(_ values: [Float]) {
        byPlaylist.values = values
        byTrack = byPlaylist.transposed()
    }

    /// How many playlists hold each track (the track's row length by track).
    public var playlistsPerTrack: [Int32] {
        (0..<trackCount).map { Int32(byTrack.range($0).count) }
    }
}
