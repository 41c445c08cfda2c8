import MSRTestSupport
import XCTest
@testable import MSRCore

/// The YAML files the repository ships load, carry the reference defaults, and agree with
/// dvc.yaml and the code on which keys each stage reads.
final class ProjectFilesTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    func testParamsCarryTheReferenceDefaults() throws {
        let params = try Params.load(path: "\(Self.root)/params.yaml")
        XCTAssertEqual(params.ingest.genres, ["alternative", "classical", "country", "edm", "hip-hop",
                                              "jazz", "latin", "pop", "r-n-b", "rock"])
        XCTAssertEqual(params.transform, TransformParams(testSize: 0.2, randomState: 42, stratify: false))
        XCTAssertEqual([params.train.learningRate], [0.008])
        XCTAssertEqual([params.train.maxDepth, params.train.nEstimators, params.train.minSamplesLeaf], [5, 250, 1])
        XCTAssertEqual(params.train.randomState, 42)
        XCTAssertEqual(params.cluster.nComponents, [3])
        XCTAssertEqual(params.cluster.covarianceType, .spherical)
        XCTAssertEqual(params.cluster.randomState, 42)
        XCTAssertNoThrow(try Params.load(path: "\(Self.root)/scripts/presets/tuned-params.yaml"))
    }

    func testSchemaListsTheNineFeaturesInOrder() throws {
        let schema = try Schema.load(path: "\(Self.root)/schema.yaml")
        XCTAssertEqual(schema.id, "uri")
        XCTAssertEqual(schema.target, "genre")
        XCTAssertEqual(schema.features.map(\.name), ["key", "acousticness", "danceability", "energy",
                                                     "instrumentalness", "loudness", "speechiness", "valence", "tempo"])
        XCTAssertEqual(schema.features.first, Schema.Column(name: "key", type: .int64, min: -1, max: 11))
    }

    func testConfigNamesEveryStagesPaths() throws {
        let config = try ProjectConfig.load(path: "\(Self.root)/config.yaml")
        XCTAssertEqual(config.ingestion.datasetZip, "data/raw/dataset.zip")
        XCTAssertEqual(config.ingestion.songBase, "data/raw/song_df.csv")
        XCTAssertEqual(config.validation.status, "data/status.txt")
        XCTAssertEqual(config.transformation.processedDir, "data/processed")
    }

    func testSchemaErrors() throws {
        func error(_ text: String) -> String { loadError(text, as: "s.yaml") { _ = try Schema.load(path: $0) } }
        XCTAssertEqual(error("id: uri\ntarget: genre\ncolumns:\n  uri: {type: str}\n  genre: {type: text}\n"),
                       "s.yaml:5:17: columns.genre.type: expected one of str, float64, int64, got \"text\"")
        XCTAssertEqual(error("id: id\ntarget: genre\ncolumns:\n  uri: {type: str}\n  genre: {type: str}\n  x: {type: float64}\n"),
                       "s.yaml:1:5: id: 'id' is not one of the columns")
        XCTAssertEqual(error("id: uri\ntarget: genre\ncolumns:\n  uri: {type: str}\n  genre: {type: str}\n  x: {type: float64, min: 2, max: 1}\n"),
                       "s.yaml:6:6: columns.x: min 2.0 is above max 1.0")
    }

    func testParamsErrors() throws {
        func error(_ text: String) -> String { loadError(text, as: "p.yaml") { _ = try Params.load(path: $0) } }
        let models = "train:\n  learning_rate: 0.1\n  n_estimators: 5\n  random_state: 1\n  max_depth: 3\n"
            + "cluster:\n  n_components: 3\n  covariance_type: diag\n  random_state: 1\n"
        let transform = "transform:\n  test_size: 0.2\n  random_state: 42\n"
        XCTAssertEqual(error("ingest:\n  genres: [pop, pop]\n" + transform + models),
                       "p.yaml:2:17: ingest.genres[1]: genre 'pop' is listed twice")
        XCTAssertEqual(error("ingest:\n  genres: [pop]\n" + transform + models),
                       "p.yaml:2:11: ingest.genres: expected at least two genres, got 1")
        XCTAssertEqual(error("ingest:\n  genres: [pop, rock]\n" + transform + "  stratify: maybe\n" + models),
                       "p.yaml:6:13: transform.stratify: expected true or false, got \"maybe\"")
        XCTAssertEqual(error("ingest:\n  genres: [pop, rock]\n" + transform + models + "trian: {}\n"),
                       "p.yaml:15:1: trian: unknown key (expected one of: ingest, transform, train, cluster, monitor, evaluate_recommender, feed, "
                       + "factorize, hybrid)")
        XCTAssertEqual(error("ingest:\n  genres: [pop, rock]\ntransform:\n  test_size: 1\n  random_state: 42\n" + models),
                       "p.yaml:4:14: transform.test_size: expected a number in (0, 1), got \"1\"")
        // factorize may be left out (its defaults apply); a bad value is refused with its key path.
        let base = "ingest:\n  genres: [pop, rock]\n" + transform + models
        XCTAssertEqual(try Params.load(path: "\(Self.root)/params.yaml").factorize, FactorizeParams())
        XCTAssertEqual(error(base + "factorize:\n  factors: 0\n"), "p.yaml:16:12: factorize.factors: expected an integer in [1, 1024], got \"0\"")
        XCTAssertEqual(error(base + "factorize:\n  alpha: -40\n"), "p.yaml:16:10: factorize.alpha: expected a number > 0, got \"-40\"")
        XCTAssertEqual(error(base + "factorize:\n  solver: lu\n"), "p.yaml:16:11: factorize.solver: expected one of cg, cholesky, got \"lu\"")
        XCTAssertEqual(error(base + "factorize:\n  regularization: -0.01\n"),
                       "p.yaml:16:19: factorize.regularization: expected a number >= 0, got \"-0.01\"")
    }

    /// The keys the reader accepts in a params section: what it lists when it meets an unknown one.
    func keysTheCodeReads(in section: String, of paramsText: String) throws -> [String] {
        let probe = paramsText.replacingOccurrences(of: "\n\(section):\n", with: "\n\(section):\n  zz_probe: 1\n")
        XCTAssertNotEqual(probe, paramsText, "params.yaml has no section \(section)")
        let message = loadError(probe, as: "params.yaml") { _ = try Params.load(path: $0) }
        let listed = try XCTUnwrap(message.range(of: "(expected one of: "), message)
        return message[listed.upperBound...].dropLast().components(separatedBy: ", ")
    }

    /// params.yaml has every section of the table, with exactly its keys, and the reader accepts
    /// exactly those keys, in the table's order.
    func testParamsYAMLListsExactlyTheKeysOfEachSectionsTable() throws {
        let paramsText = try String(contentsOfFile: "\(Self.root)/params.yaml", encoding: .utf8)
        var params = try ConfigValue.load(path: "\(Self.root)/params.yaml").mapping()
        XCTAssertEqual(params.keys.sorted(), Params.sectionTypes.map { $0.name }.sorted(), "params.yaml has every section")
        for section in Params.sectionTypes {
            XCTAssertEqual(try params.required(section.name).mapping().keys.sorted(), section.keys.sorted(),
                           "params.yaml's \(section.name) lists every key of the table, and no other")
            XCTAssertEqual(try keysTheCodeReads(in: section.name, of: paramsText), section.keys,
                           "the reader of \(section.name) accepts the table's keys")
        }
    }

    func testDVCListsExactlyTheParamsKeysEachStageReads() throws {
        var dvc = try ConfigValue.load(path: "\(Self.root)/dvc.yaml").mapping()
        var stages = try dvc.required("stages").mapping()
        for stage in Stage.allCases where stage != .predict {
            var entry = try stages.required(stage.dvcName).mapping()
            let listed = try entry.optional("params")?.list().map { try $0.string() } ?? []
            let expected = stage.paramsSections.flatMap { section in section.keys.map { "\(section.name).\($0)" } }
            XCTAssertEqual(listed.sorted(), expected.sorted(), "dvc.yaml's \(stage.dvcName) stage lists the keys it reads")
        }
    }
}
