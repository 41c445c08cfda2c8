/// The factors file msr-factorize writes (`models/factors.msrf`), little-endian, version 1:
///
/// ```
/// "MSRFACT1"                      8 bytes of magic
/// version: UInt32 (1)
/// tracks n, factors k: UInt32 each   k in [1, 1024]
/// playlists P: UInt32             training playlists (the matrix's rows)
/// pairs: UInt64                   distinct (playlist, track) pairs: the sum of the counts
/// params:                         the fit's factorize section
///   regularization, alpha: Float64 each
///   iterations, cg_steps: UInt32 each
///   solver: UInt32                0 cg, 1 cholesky
///   bm25: UInt32                  0 or 1
///   random_state: UInt64
/// uri bytes B: UInt64
/// counts: n Int32                 training playlists holding each track, in [1, P]
/// factors: n x k Float32          row-major: track i's factor is values i*k ..< (i+1)*k
/// uri ends: n Int64, uris: B bytes   track i's 22-character Spotify id ends at ends[i] and
///                                 starts where i - 1's ends
/// ```
///
/// The same factors always encode to the same bytes. Reading maps the file and checks every
/// field: the magic, the version, each count, each param within its range, each count within
/// [1, P] and their sum, each factor finite, each uri a distinct Spotify id, and the size: a
/// truncated or damaged file is one error naming it.
extension TrackFactors {
    static let magic = "MSRFACT1"
    static let version: UInt32 = 1
    /// The most tracks a file may hold.
    static let maxTracks = 1 << 28

    /// The file's bytes.
    public func encoded() -> [UInt8] {
        var writer = BinaryWriter()
        writer.raw(Array(Self.magic.utf8))
        writer.uint32(Self.version)
        writer.uint32(UInt32(count))
        writer.uint32(UInt32(params.factors))
        writer.uint32(UInt32(playlists))
        writer.records([UInt64(pairs)])
        writer.double(params.regularization)
        writer.double(params.alpha)
        writer.uint32(UInt32(params.iterations))
        writer.uint32(UInt32(params.cgSteps))
        writer.uint32(params.solver == .cg ? 0 : 1)
        writer.uint32(params.bm25 ? 1 : 0)
        writer.records([params.randomState])
        writer.records([UInt64(uris.bytes.count)])
        writer.int32s(playlistCounts)
        writer.records(factors)
        writer.records(uris.ends.map(Int64.init))
        writer.raw(uris.bytes)
        return writer.bytes
    }

    /// Reads a factors file through one mapping; a missing file is a missing input, a damaged
    /// or foreign one a bad-data error naming it.
    public static func read(_ path: String) throws -> TrackFactors {
        try FileBytes.withMapped(path, what: "factors file (run msr-factorize)") { try decode(BinaryReader(bytes: $0, file: path)) }
    }

    static func decode(_ reader: BinaryReader) throws -> TrackFactors {
        var reader = reader
        let path = reader.file
        func damaged(_ what: String) -> MSRError { MSRError.badData(file: path, "\(what): a damaged factors file (run msr-factorize again)") }
        try reader.header(magic: magic, version: version, what: "factors file", remedy: "run msr-factorize again")
        let n = try reader.count(limit: maxTracks, what: "track")
        let k = try reader.count(limit: FactorizeParams.maxFactors, what: "factor")
        let playlists = Int(try reader.uint32())
        let pairs = try reader.records(1, of: UInt64.self)[0]
        var params = FactorizeParams()
        params.factors = k
        params.regularization = try reader.double()
        params.alpha = try reader.double()
        params.iterations = Int(try reader.uint32())
        params.cgSteps = Int(try reader.uint32())
        let solver = try reader.uint32(), bm25 = try reader.uint32()
        params.randomState = try reader.records(1, of: UInt64.self)[0]
        let byteCount = try reader.records(1, of: UInt64.self)[0]
        guard k >= 1 else { throw damaged("0 factors") }
        guard params.regularization.isFinite, params.regularization >= 0, params.alpha.isFinite, params.alpha > 0,
              (1...10_000).contains(params.iterations), (1...1000).contains(params.cgSteps), solver <= 1, bm25 <= 1 else {
            throw damaged("params out of their ranges")
        }
        params.solver = solver == 0 ? .cg : .cholesky
        params.bm25 = bm25 == 1
        // 22 bytes per uri: a larger count is a lie, refused before any allocation.
        guard byteCount == UInt64(22 * n) else { throw damaged("\(byteCount) uri bytes for \(n) tracks") }
        let counts = try reader.int32s(n)
        let factors = try reader.records(n * k, of: Float.self)
        let ends = try reader.records(n, of: Int64.self)
        let bytes = try reader.raw(Int(byteCount))
        guard reader.atEnd else { throw damaged("unexpected bytes after the uris") }
        guard counts.allSatisfy({ $0 >= 1 && Int($0) <= playlists }), counts.reduce(0, { $0 + UInt64($1) }) == pairs else {
            throw damaged("the tracks' playlist counts disagree with \(playlists) playlists and \(pairs) pairs")
        }
        guard factors.allSatisfy(\.isFinite) else { throw damaged("a factor that is not a finite number") }
        guard ends.enumerated().allSatisfy({ $1 == Int64(22 * ($0 + 1)) }) else { throw damaged("a uri's end outside its place") }
        let uris = TextColumn(bytes: bytes, ends: ends.map(Int.init))
        // Each uri is 22 bytes (checked above): a Spotify id, once. On the bytes, with no String
        // a track (a cold msr-predict reads ten thousand of them).
        var seen = ByteStringTable(capacity: n)
        let problem: MSRError? = bytes.withUnsafeBufferPointer { bytes in
            let base = bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!
            for i in 0..<n {
                guard TrackIDForm.spotify.accepts(base + 22 * i, count: 22) else { return damaged("track \(i)'s uri is not a Spotify track id") }
                guard seen.insert(base + 22 * i, count: 22).inserted else { return damaged("track \(uris[i]) listed twice") }
            }
            return nil
        }
        if let problem { throw problem }
        return TrackFactors(uris: uris, playlistCounts: counts, factors: factors, params: params, playlists: playlists,
                            pairs: Int(pairs))
    }
}
