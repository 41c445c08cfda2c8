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
        /// A digest of the song index, classifier and mixture files' bytes (12 hex digits):
        /// the same files give the same version.
        public let version: String
        public let loadedAt: Date

        init(recommender: Recommender, version: String, loadedAt: Date) {
            self.recommender = recommender
            self.version = version
            self.loadedAt = loadedAt
        }
    }

    private let paths: ProjectConfig.Prediction
    private let current: Mutex<Models?>

    /// A store of the models `paths` names; nothing is loaded until `reload()`.
    public init(paths: ProjectConfig.Prediction) {
        self.paths = paths
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
            recommender = try PredictStage.load(paths, classifier: true)
        } catch let error as MSRError where error.kind == .missingInput {
            throw MSRError(.missingInput, "\(error.message): run make pipeline first")
        }
        var hash = Numerics.fnv1aOffsetBasis
        for file in [paths.catalog, paths.model] + recommender.catalog.genres.indices.map({ "\(paths.mixturesDir)/\(FolderFiles.mixture($0))" }) {
            hash = Numerics.fnv1a(try FileBytes.read(file, what: "model file"), from: hash)
        }
        let models = Models(recommender: recommender, version: String(String(hash, radix: 16).suffix(12)), loadedAt: now)
        current.withLock { $0 = models }
        return models
    }
}
