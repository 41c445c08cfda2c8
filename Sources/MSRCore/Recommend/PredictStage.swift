import FoundationEssentials
import Glibc

/// msr-predict: recommendations for the playlists of a file, as JSON (one object per playlist,
/// JSON Lines for several), JSON Lines whatever their count, or a table, each logged as one line
/// for monitoring.
public enum PredictStage {
    /// How the results are printed: `json` pretty for one playlist and one line each for several,
    /// `jsonl` one line per playlist always (a pipe that maps input lines to output lines, as a
    /// Spark executor does), `table` for people.
    public enum Format: String, Sendable, CaseIterable {
        case json, jsonl, table
    }

    /// What the command line asks.
    public struct Request: Sendable {
        /// A playlist file, or `-` for standard input.
        public var playlistFile: String?
        /// A known song whose nearest songs are listed instead of reading a playlist.
        public var similarTo: String?
        /// With `similarTo`: only songs of its genre (otherwise the whole catalogue).
        public var sameGenre = false
        public var k = 10
        public var pid: Int?
        public var log = true
        public var format = Format.json
        /// The method; nil: hybrid when the factors exist, content otherwise.
        public var method: RecommendMethod?

        public init() {}
    }

    public static func run(_ inputs: StageInputs, _ request: Request) throws -> StageOutput {
        let paths = inputs.config.prediction
        var playlists: [Playlist]
        if let track = request.similarTo {
            guard let id = Playlist.trackID(track) else {
                throw MSRError(.badData, "--similar-to: expected a Spotify track id, spotify:track: URI or open.spotify.com track URL, got \"\(track)\"")
            }
            playlists = [Playlist(name: "similar to \(track)", tracks: [.init(id: id, given: track)])]
        } else if let file = request.playlistFile {
            let reader = PlaylistReader(file: file, features: inputs.schema.features, schemaFile: inputs.config.schema)
            playlists = try reader.read()
            if let pid = request.pid {
                playlists = playlists.filter { $0.pid == pid }
                guard !playlists.isEmpty else { throw MSRError.badData(file: reader.name, "no playlist with pid \(pid)") }
            }
        } else {
            throw MSRError(.badData, "give a playlist file, or --similar-to TRACK")
        }
        let inline = playlists.contains { $0.tracks.contains { !$0.features.isEmpty } }
        let recommender = try load(paths, classifier: inline, method: request.method,
                                   bounded: playlists.count > CollaborativeFilter.boundsPayOff, events: inputs.events)
        let method = request.method ?? .standard(factorsAvailable: recommender.collaborative != nil)
        let hybrid = inputs.params.hybrid
        let results: [Recommender.Result]
        if let track = request.similarTo {
            guard let row = recommender.row(of: playlists[0].tracks[0].id) else {
                throw MSRError(.badData, "--similar-to: track \(track) is not in the song index (\(paths.catalog))")
            }
            results = [try recommender.similar(to: row, k: request.k, sameGenre: request.sameGenre, playlist: playlists[0],
                                               method: method, hybrid: hybrid)]
        } else {
            // Playlists in blocks on every core; the first failure in file order is reported.
            let requested = playlists
            let outcomes = Parallel.blocks(requested.count, size: 64) { block in
                block.map { i in Swift.Result { try recommender.recommend(requested[i], k: request.k, method: method, hybrid: hybrid) } }
            }
            results = try outcomes.joined().map { try $0.get() }
        }
        if request.log { try RecommendationLog(path: paths.log).append(results, playlists: request.similarTo == nil) }
        switch request.format {
        case .json, .jsonl:
            // One line per playlist (JSON Lines) when there are several or when asked; pretty for one.
            let catalog = recommender.catalog
            let text = results.count == 1 && request.format == .json ? results[0].json(details: catalog).serialized()
                : Parallel.blocks(results.count, size: 64) { block in
                    block.map { String(decoding: results[$0].compactJSON(details: catalog), as: UTF8.self) + "\n" }.joined()
                }.joined()
            return StageOutput(report: text, summary: "")
        case .table:
            return StageOutput(report: results.map { table($0, catalog: recommender.catalog) }.joined(separator: "\n"), summary: "")
        }
    }

    /// Loads the mixtures, the song index, the scaler, when asked the classifier (only tracks
    /// with inline features need it: 3 of a cold call's 15 ms), and the track factors for
    /// `method` cf or hybrid (missing: an error), or for no method when the file exists (a
    /// damaged one is still an error: a fit gone bad must not silently turn into content).
    /// `bounded`: the factors' byte copy that bounds the scores, for ranking many playlists
    /// (`CollaborativeFilter.init(_:bounded:)`).
    public static func load(_ paths: ProjectConfig.Prediction, classifier needed: Bool, method: RecommendMethod? = nil,
                            bounded: Bool = false, events: StageEvents = .silent) throws -> Recommender {
        var timer = PhaseTimer(events)
        let catalog = try SongIndex.read(paths.catalog)
        timer.mark("song index")
        let classifier = needed ? try GradientBoostingClassifier.read(paths.model) : nil
        timer.mark("classifier")
        let mixtures = try catalog.genres.enumerated().map { label, genre in
            let path = "\(paths.mixturesDir)/\(FolderFiles.mixture(label))"
            let (mixture, fileGenre) = try GaussianMixture.read(path, dimension: catalog.dimension)
            guard fileGenre == genre else {
                throw MSRError.badData(file: path, "is genre '\(fileGenre)', the song index's genre \(label) is '\(genre)' (run msr-cluster again)")
            }
            return mixture
        }
        timer.mark("mixtures")
        let wantsFactors = method.map { $0 != .content } ?? FileManager.default.fileExists(atPath: paths.factors)
        let collaborative = wantsFactors ? CollaborativeFilter(try TrackFactors.read(paths.factors), bounded: bounded) : nil
        timer.mark("factors")
        let recommender = try Recommender(classifier: classifier, mixtures: mixtures, catalog: catalog,
                                          scaler: try FeatureScaler.read(paths.scaler), collaborative: collaborative)
        timer.mark("scaler, recommender")
        return recommender
    }

    /// The result as a table: each pick's id, genre, score, link and, when the song index
    /// knows them, "name — artists".
    static func table(_ result: Recommender.Result, catalog: SongIndex) -> String {
        // The name as the playlist gave it, quoted and its control characters escaped: a terminal
        // shows it, and a line break or an escape sequence in it would forge lines.
        let name = result.playlist.name.map { MessageText.quoted($0, limit: 200) } ?? "playlist"
        var out = "\(name): \(result.knownTracks) of \(result.playlist.tracks.count) tracks known, "
            + "genre \(result.genre), similarity \(String(printf: "%.3f", result.similarity)), method \(result.method.rawValue)\n"
        // The song column only when the song index knows names (a dataset with descriptive columns).
        let columns = SongDetails.Columns(catalog)
        let details = result.picks.map { columns.details($0.row) }
        let titled = details.contains { $0.title != nil }
        out += "  #  uri                     genre         from     score  link" + (titled ? String(repeating: " ", count: 51) + "song" : "") + "\n"
        for (n, pick) in result.picks.enumerated() {
            let song = details[n]
            out += String(printf: "%3d  ", n + 1) + pick.uri.padded(to: 24)
                + pick.genre.padded(to: 14) + pick.source.rawValue.padded(to: 9)
                + String(printf: "%.3f", pick.score)
            if let title = song.title {
                let link = song.url ?? "-"
                out += "  " + link + String(repeating: " ", count: max(2, 53 - link.count)) + title + "\n"
            } else {
                out += (song.url.map { "  " + $0 } ?? "") + "\n"
            }
        }
        if !result.unknownTracks.isEmpty { out += "  unknown: \(result.unknownTracks.joined(separator: ", "))\n" }
        return out
    }
}
