import Foundation
import MSRCore
import Synchronization

/// The models the service answers with, loaded once and swapped whole after a retrain: a
/// request takes the current set at its start and finishes with it, so a reload never fails
/// or mixes a request in flight.
public final class ModelStore: Sendable {
    /// One loaded set of models.
    public final class Models: Sendable {
        public let recommender: Recommender
        /// A digest of the song index, classifier, mixture and (when present) factors files'
        /// bytes (12 hex digits): the same files give the same version.
        public let version: String
        public let loadedAt: Date
        /// The `hybrid` params read with the models.
        public let hybrid: HybridParams

        init(recommender: Recommender, version: String, loadedAt: Date, hybrid: HybridParams) {
            self.recommender = recommender
            self.version = version
            self.loadedAt = loadedAt
            self.hybrid = hybrid
        }

        /// The method a request that names none gets: hybrid when the factors are loaded.
        public var standardMethod: RecommendMethod { .standard(factorsAvailable: recommender.collaborative != nil) }
    }

    private let paths: ProjectConfig.Prediction
    private let paramsFile: String
    private let current: Mutex<Models?>

    /// A store of the models `paths` names, with the `hybrid` params of `paramsFile`; nothing
    /// is loaded until `reload()`.
    public init(paths: ProjectConfig.Prediction, paramsFile: String) {
        self.paths = paths
        self.paramsFile = paramsFile
        current = Mutex(nil)
    }

    /// The models serving now; `nil` before the first successful load.
    public var models: Models? { current.withLock { $0 } }

    /// Loads the models from disk and swaps them in; on failure the previous ones stay and the
    /// error is thrown ("run make pipeline first" when a file is missing).
    @discardableResult
    public func reload(now: Date = Date()) throws -> Models {
        guard FileManager.default.fileExists(atPath: paths.catalog) else {
            throw MSRError(.missingInput, "\(paths.catalog): no song index: run make pipeline first")
        }
        let recommender: Recommender
        do {
            recommender = try PredictStage.load(paths, classifier: true, bounded: true)
        } catch let error as MSRError where error.kind == .missingInput {
            throw MSRError(.missingInput, "\(error.message): run make pipeline first")
        }
        let hybrid = try Params.load(path: paramsFile).hybrid
        var hash = Numerics.fnv1aOffsetBasis
        let factors = recommender.collaborative == nil ? [] : [paths.factors]
        for file in [paths.catalog, paths.model] + recommender.catalog.genres.indices.map({ "\(paths.mixturesDir)/\(FolderFiles.mixture($0))" })
            + factors {
            hash = Numerics.fnv1a(try FileBytes.read(file, what: "model file"), from: hash)
        }
        let models = Models(recommender: recommender, version: String(String(hash, radix: 16).suffix(12)), loadedAt: now, hybrid: hybrid)
        current.withLock { $0 = models }
        return models
    }
}
