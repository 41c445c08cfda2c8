import FoundationEssentials
import Glibc

/// `msr-evaluate --recommender`: the offline evaluation of the recommendations. Playlists drawn
/// from the test split (`HeldOutPlaylists`) get msr's recommendations and the reference
/// project's (`ReferenceRecommender`); both are scored on the same figures, written as DVC
/// metrics (`metrics/reco_metrics.json`):
///
/// - genre_accuracy: share of playlists whose predicted genre is their majority genre;
/// - precision_at_k: share of the recommended songs whose genre is one of the playlist's;
/// - mean_similarity: mean over playlists of msr-predict's `similarity`;
/// - catalog_coverage: share of the catalogue recommended to at least one playlist.
///
/// A third set, `alphabetical`, keeps the reference's ordering but takes msr's genre: what the
/// ranking alone is worth. Then, when there are training playlists, the playlist-continuation
/// figures of every method (`ContinuationStudy`), under `"continuation"`.
public enum RecommenderEvaluationStage {
    /// What one method scored.
    public struct Scores: Sendable, Equatable {
        public var genreAccuracy = 0.0
        public var precisionAtK = 0.0
        public var meanSimilarity = 0.0
        public var catalogCoverage = 0.0

        var json: JSONValue {
            .object(["genre_accuracy": .double(genreAccuracy), "precision_at_k": .double(precisionAtK),
                     "mean_similarity": .double(meanSimilarity), "catalog_coverage": .double(catalogCoverage)])
        }
    }

    /// One method's answer for one playlist.
    struct Answer: Sendable {
        var genre: Int32
        var picks: [Int]
        var similarity: Double
    }

    public static func run(_ inputs: StageInputs) throws -> StageOutput {
        let paths = inputs.config.evaluation, params = inputs.params.evaluateRecommender
        let recommender = try PredictStage.load(inputs.config.prediction, classifier: true, method: .content, events: inputs.events)
        let catalog = recommender.catalog
        var columns = try CSVReader(path: paths.urisTest).read([(inputs.schema.id, .text)])
        let uris = columns.texts.removeValue(forKey: inputs.schema.id)!
        var rows: [Int] = []
        for i in 0..<uris.count {
            guard let row = recommender.row(of: uris[i]) else {
                throw MSRError.badData(file: paths.urisTest, line: Int(columns.lines[i]), "song \(uris[i]) is not in the song "
                    + "index \(inputs.config.prediction.catalog) (run msr-cluster again)")
            }
            rows.append(row)
        }
        let draws = try HeldOutPlaylists(rows: rows, labels: Array(catalog.labels), params: params).draws
        let reference = ReferenceRecommender(recommender)
        let k = params.k
        let outcomes = Parallel.blocks(draws.count, size: 32) { block in
            block.map { i in
                Swift.Result { () throws -> (msr: Answer, reference: Answer, alphabetical: Answer) in
                    let draw = draws[i]
                    let playlist = Playlist(tracks: draw.rows.map { Playlist.Track(id: catalog.uris[$0], given: catalog.uris[$0]) })
                    let result = try recommender.recommend(playlist, k: k)
                    let msr = Answer(genre: Int32(catalog.genres.firstIndex(of: result.genre)!),
                                     picks: result.picks.map(\.row), similarity: result.similarity)
                    let centroid = catalog.meanPoint(draw.rows)
                    func answer(_ method: (genre: Int32, picks: [Int])) -> Answer {
                        Answer(genre: method.genre, picks: method.picks,
                               similarity: Recommender.cosine(centroid, catalog.meanPoint(method.picks)))
                    }
                    return (msr, answer(try reference.recommend(rows: draw.rows, k: k)),
                            answer(try reference.recommend(rows: draw.rows, k: k, genre: msr.genre)))
                }
            }
        }
        let answers = try outcomes.joined().map { try $0.get() }
        let msr = score(answers.map(\.msr), draws: draws, catalog: catalog)
        let ref = score(answers.map(\.reference), draws: draws, catalog: catalog)
        let alphabetical = score(answers.map(\.alphabetical), draws: draws, catalog: catalog)
        let mixed = draws.filter { $0.genres.count == 2 }.count
        var metrics: [String: JSONValue] = [
            "playlists": .int(draws.count), "single_genre": .int(draws.count - mixed), "two_genre": .int(mixed), "k": .int(k),
            "msr": msr.json, "reference": ref.json, "alphabetical": alphabetical.json,
        ]
        let study = try continuation(inputs, recommender: recommender)
        if let study { metrics["continuation"] = study.json }
        try JSONValue.object(metrics).write(to: paths.recoMetrics)

        func line(_ name: String, _ figure: KeyPath<Scores, Double>) -> String {
            name.padded(to: 18)
                + String(printf: "%8.4f  %9.4f  %12.4f\n", msr[keyPath: figure], ref[keyPath: figure], alphabetical[keyPath: figure])
        }
        let report = "figure                 msr  reference  alphabetical\n"
            + line("genre accuracy", \.genreAccuracy) + line("precision@\(k)", \.precisionAtK)
            + line("mean similarity", \.meanSimilarity) + line("catalog coverage", \.catalogCoverage)
        return StageOutput(report: report, summary: "\(draws.count) held-out playlists (\(draws.count - mixed) of one genre, "
            + "\(mixed) of two)\(study.map(Self.summary) ?? ", no training playlist for the continuation figures"), genre accuracy \(String(printf: "%.4f", msr.genreAccuracy)) (reference "
            + "\(String(printf: "%.4f", ref.genreAccuracy))), precision@\(k) \(String(printf: "%.4f", msr.precisionAtK)) "
            + "(reference \(String(printf: "%.4f", ref.precisionAtK))) -> \(paths.recoMetrics)")
    }

    /// The continuation study on the playlists msr-factorize reads; nil when there are none.
    static func continuation(_ inputs: StageInputs, recommender: Recommender) throws -> ContinuationStudy? {
        let events = inputs.events
        let playlists = try TrainingPlaylists.read(folder: inputs.config.factorization.playlistsDir, log: inputs.config.prediction.log) {
            events.progress($0)
        }
        events.progressDone()
        guard playlists.count > 0 else { return nil }
        do {
            let study = try ContinuationStudy(playlists: playlists, recommender: recommender, params: inputs.params) { events.progress($0) }
            events.progressDone()
            return study
        } catch let error as FactorizationError {
            events.progressDone()
            throw MSRError.badData(file: inputs.params.file, error.message)
        }
    }

    /// The continuation's NDCG@10 of each method, for the summary line.
    static func summary(_ study: ContinuationStudy) -> String {
        ", continuation of \(study.heldOut) held-out playlists NDCG@10 "
            + study.methods.map { "\($0.name) \(String(printf: "%.4f", $0.random.all.ndcgAt10))" }.joined(separator: ", ")
    }

    /// The four figures of one method's answers.
    static func score(_ answers: [Answer], draws: [HeldOutPlaylists.Draw], catalog: SongIndex) -> Scores {
        var scores = Scores()
        var recommended = [Bool](repeating: false, count: catalog.count)
        var picks = 0, relevant = 0
        for (answer, draw) in zip(answers, draws) {
            if answer.genre == draw.genres[0] { scores.genreAccuracy += 1 }
            scores.meanSimilarity += answer.similarity
            for row in answer.picks {
                picks += 1
                if draw.genres.contains(catalog.labels[row]) { relevant += 1 }
                recommended[row] = true
            }
        }
        let count = Double(max(answers.count, 1))
        scores.genreAccuracy /= count
        scores.meanSimilarity /= count
        scores.precisionAtK = Double(relevant) / Double(max(picks, 1))
        scores.catalogCoverage = Double(recommended.filter { $0 }.count) / Double(max(catalog.count, 1))
        return scores
    }
}
