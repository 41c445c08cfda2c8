import MSRCore
import MSRTestSupport
import XCTest

/// msr-cluster on the embedded data.
final class ClusterTests: XCTestCase {
    func testAMixturePerGenreWithScores() throws {
        let workspace = try Workspace()
        try workspace.runPipeline()
        // The song index carries the classifier's probabilities: a small one will do.
        try workspace.trainQuickly()
        // What a run with more genres left, beside a file of the user's own.
        for file in ["models/mixtures/mixture_10.json", "metrics/clusters/uns_metrics_11.json", "models/mixtures/notes.txt"] {
            try workspace.write("{}\n", to: file)
        }
        let result = try workspace.run("cluster")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("msr-cluster: 10 genres, 3 spherical components each, mean silhouette "), result.stdout)
        XCTAssertEqual(workspace.files(under: "models/mixtures"), (0..<10).map { "mixture_\($0).json" }.sorted() + ["notes.txt"])
        XCTAssertEqual(workspace.files(under: "metrics/clusters"), (0..<10).map { "uns_metrics_\($0).json" }.sorted())
        for label in 0..<10 {
            let metrics = try JSONSerialization.jsonObject(with: XCTUnwrap(workspace.bytes("metrics/clusters/uns_metrics_\(label).json"))) as? [String: Any]
            let silhouette = try XCTUnwrap(metrics?["silhouette_score"] as? Double)
            XCTAssertTrue((-1...1).contains(silhouette))
            XCTAssertGreaterThan(try XCTUnwrap(metrics?["calinski_harabasz_score"] as? Double), 0)
            XCTAssertGreaterThan(try XCTUnwrap(metrics?["davies_bouldin_score"] as? Double), 0)
            XCTAssertNotNil(metrics?["bic"] as? Double)
            XCTAssertNotNil(metrics?["time_predict"] as? Double)
            let model = try JSONSerialization.jsonObject(with: XCTUnwrap(workspace.bytes("models/mixtures/mixture_\(label).json"))) as? [String: Any]
            XCTAssertEqual((model?["weights"] as? [Double])?.count, 3)
            XCTAssertEqual((model?["means"] as? [[Double]])?.first?.count, 9)
        }
        // The song index: every song once, genre by genre, its component one of its genre's three.
        let index = try SongIndex.read("\(workspace.path)/models/catalog.msrix")
        XCTAssertEqual(index.count, 10_674)
        XCTAssertEqual(Set(index.uris.strings).count, 10_674)
        XCTAssertEqual(index.genres, workspace.read("data/to_rec/genres.txt")?.split(separator: "\n").map(String.init))
        XCTAssertEqual(Array(index.labels), index.labels.sorted())
        XCTAssertEqual(Set(index.components), [0, 1, 2])
        let rockFile = try XCTUnwrap(workspace.read("data/to_rec/to_rec_9.csv")).split(separator: "\n").dropFirst()
        let rockRows = (0..<index.count).filter { index.labels[$0] == 9 }
        XCTAssertEqual(rockRows.map { index.uris[$0] }, rockFile.map { String($0.prefix { $0 != "," }) })
        // The classifier's probabilities, as msr-evaluate's model gives them.
        let classifier = try GradientBoostingClassifier.read("\(workspace.path)/models/classifier.msrgb")
        let raw = rockFile.prefix(5).map { $0.split(separator: ",").dropFirst(2).map { Double($0)! } }
        var columns = (0..<9).map { j in raw.map { $0[j] } }
        XCTAssertEqual(Array(index.probabilities[(rockRows[0] * 10)..<(rockRows[0] * 10 + 50)]),
                       classifier.predictProbabilities(FeatureMatrix(consuming: &columns)).map(Float.init), "stored as Float32")

        let first = workspace.bytes("models/mixtures/mixture_7.json")
        let firstIndex = workspace.bytes("models/catalog.msrix")
        XCTAssertEqual(try workspace.run("cluster").status, 0)
        XCTAssertEqual(workspace.bytes("models/mixtures/mixture_7.json"), first, "same data and seed: same mixture")
        XCTAssertEqual(workspace.bytes("models/catalog.msrix"), firstIndex)
    }

    /// Per-genre runs (an Airflow task each) then --index-only write the whole stage's mixtures
    /// and song index, byte for byte; each refuses what does not fit.
    func testPerGenreRunsThenTheIndexGiveTheWholeStagesModels() throws {
        let workspace = try Workspace()
        try workspace.runPipeline()
        try workspace.trainQuickly()
        XCTAssertEqual(try workspace.run("cluster").status, 0)
        let mixtures = (0..<10).map { workspace.bytes("models/mixtures/mixture_\($0).json") }
        let index = try XCTUnwrap(workspace.bytes("models/catalog.msrix"))
        try FileManager.default.removeItem(atPath: "\(workspace.path)/models/mixtures")
        try FileManager.default.removeItem(atPath: "\(workspace.path)/metrics/clusters")
        try FileManager.default.removeItem(atPath: "\(workspace.path)/models/catalog.msrix")

        let one = try workspace.run("cluster", "--genre", "3")
        XCTAssertEqual(one.status, 0, one.stderr)
        XCTAssertTrue(one.stdout.hasPrefix("genre           songs  silhouette"), one.stdout)
        XCTAssertTrue(one.stdout.contains("msr-cluster: genre 3 'edm', 3 spherical components, silhouette "), one.stdout)
        XCTAssertEqual(workspace.files(under: "models/mixtures"), ["mixture_3.json"])
        XCTAssertTrue(workspace.exists("metrics/clusters/uns_metrics_3.json"))
        XCTAssertFalse(workspace.exists("models/catalog.msrix"), "a genre's run leaves the song index alone")
        // The index needs every genre's mixture.
        XCTAssertFails(try workspace.run("cluster", "--index-only"), status: 66,
                       "msr-cluster: models/mixtures/mixture_0.json: not found: run msr-cluster --genre 0 first (--index-only reads "
                       + "every genre's mixture)")
        for label in [0, 1, 2, 4, 5, 6, 7, 8, 9] {
            let result = try workspace.run("cluster", "--genre", "\(label)")
            XCTAssertEqual(result.status, 0, result.stderr)
        }
        XCTAssertEqual((0..<10).map { workspace.bytes("models/mixtures/mixture_\($0).json") }, mixtures)
        let written = try workspace.run("cluster", "--index-only")
        XCTAssertEqual(written.status, 0, written.stderr)
        XCTAssertEqual(written.stdout, "msr-cluster: song index of 10674 songs in 10 genres, from models/mixtures/mixture_<i>.json "
                       + "-> models/catalog.msrix\n")
        XCTAssertEqual(workspace.bytes("models/catalog.msrix"), index, "the whole stage's song index, byte for byte")

        XCTAssertFails(try workspace.run("cluster", "--genre", "10"), status: 65,
                       "msr-cluster: data/to_rec/genres.txt: --genre 10: expected a genre label in [0, 9] (this file lists 10 "
                       + "genres, one per line)")
        XCTAssertFails(try workspace.run("cluster", "--genre", "-1"), status: 65,
                       "msr-cluster: data/to_rec/genres.txt: --genre -1: expected a genre label in [0, 9] (this file lists 10 "
                       + "genres, one per line)")
        XCTAssertEqual(try workspace.run("cluster", "--genre", "1", "--index-only").status, 64)
        // A mixture under another genre's label is refused, and the index kept.
        try FileManager.default.removeItem(atPath: "\(workspace.path)/models/mixtures/mixture_2.json")
        try FileManager.default.copyItem(atPath: "\(workspace.path)/models/mixtures/mixture_1.json",
                                         toPath: "\(workspace.path)/models/mixtures/mixture_2.json")
        XCTAssertFails(try workspace.run("cluster", "--index-only"), status: 65,
                       "msr-cluster: models/mixtures/mixture_2.json: genre: 'classical', but label 2 is 'country' in "
                       + "data/to_rec/genres.txt (run msr-cluster --genre 2 again)")
        XCTAssertEqual(workspace.bytes("models/catalog.msrix"), index)
    }

    func testAMixtureThatDoesNotConvergeIsAWarningTheExecutablePrints() throws {
        let workspace = try Workspace()
        try workspace.runPipeline()
        try workspace.edit("params.yaml", "n_estimators: 250", "n_estimators: 2")
        XCTAssertEqual(try workspace.run("train").status, 0)
        try workspace.edit("params.yaml", "max_iter: 100", "max_iter: 1")
        let result = try workspace.run("cluster")
        XCTAssertEqual(result.status, 0, result.stderr)
        let warnings = result.stderr.split(separator: "\n")
        XCTAssertEqual(warnings.count, 10, result.stderr)
        XCTAssertEqual(warnings.first, "msr-cluster: warning: genre 'alternative' did not converge in 1 iterations "
                       + "(increase cluster.max_iter or cluster.tol)")
    }

    func testMoreComponentListsThanGenresIsRefused() throws {
        let workspace = try Workspace()
        try workspace.runPipeline()
        try workspace.edit("params.yaml", "n_components: 3\n", "n_components: [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3]\n")
        XCTAssertFails(try workspace.run("cluster"), status: 65,
                       "msr-cluster: params.yaml: cluster.n_components: 11 values for 10 genres (data/to_rec/genres.txt): "
                       + "give one value, or one per genre")
        XCTAssertFalse(workspace.exists("models"))
    }

    func testAFailedRefitLeavesEveryPreviousOutputAsItWas() throws {
        let workspace = try Workspace()
        try workspace.runPipeline()
        try workspace.trainQuickly()
        XCTAssertEqual(try workspace.run("cluster").status, 0)
        let outputs = (0..<10).flatMap { ["models/mixtures/mixture_\($0).json", "metrics/clusters/uns_metrics_\($0).json"] } + ["models/catalog.msrix"]
        let before = outputs.map { workspace.bytes($0) }
        let files = workspace.files()

        // Nine genres refit with 2 components; rock (label 9), cut to 100 songs, cannot have 150.
        let rock = try XCTUnwrap(workspace.read("data/to_rec/to_rec_9.csv")).split(separator: "\n").prefix(101)
        try workspace.write(rock.joined(separator: "\n") + "\n", to: "data/to_rec/to_rec_9.csv")
        try workspace.edit("params.yaml", "n_components: 3\n", "n_components: [2, 2, 2, 2, 2, 2, 2, 2, 2, 150]\n")
        let result = try workspace.run("cluster")
        XCTAssertFails(result, status: 65, "msr-cluster: params.yaml: cluster.n_components[9]: 150 components for genre 'rock', "
                       + "which has 100 songs (data/to_rec/to_rec_9.csv): expected an integer in [1, 100]")
        for (file, bytes) in zip(outputs, before) {
            XCTAssertNotNil(bytes, file)
            XCTAssertEqual(workspace.bytes(file), bytes, "\(file) was rewritten by a failed msr-cluster")
        }
        XCTAssertEqual(workspace.files(), files, "no temporary is left")
    }

    func testDamagedMixtureFilesAreRefusedWithTheirJSONPath() throws {
        let workspace = try Workspace()
        try workspace.runPipeline()
        try workspace.edit("params.yaml", "n_estimators: 250", "n_estimators: 5")
        try workspace.edit("params.yaml", "covariance_type: spherical", "covariance_type: full")
        XCTAssertEqual(try workspace.run("train").status, 0)
        XCTAssertEqual(try workspace.run("cluster").status, 0)
        let song = try XCTUnwrap(workspace.read("data/to_rec/to_rec_0.csv")?.split(separator: "\n")[1].split(separator: ",").first)
        XCTAssertEqual(try workspace.run("predict", "--no-log", "--similar-to", String(song)).status, 0)
        let good = try XCTUnwrap(workspace.bytes("models/mixtures/mixture_0.json"))

        /// Writes mixture_0.json with one change; returns msr-predict's run.
        func predict(_ change: (inout [String: Any]) -> Void) throws -> Workspace.Result {
            var object = try XCTUnwrap(try JSONSerialization.jsonObject(with: good) as? [String: Any])
            change(&object)
            try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: "\(workspace.path)/models/mixtures/mixture_0.json"))
            return try workspace.run("predict", "--no-log", "--similar-to", String(song))
        }
        func covariances(_ object: [String: Any]) -> [[[Double]]] { object["covariances"] as! [[[Double]]] }

        // A covariance that is symmetric but not positive definite (a negative variance).
        XCTAssertFails(try predict { object in
            var blocks = covariances(object)
            blocks[1][4][4] = -1.5
            object["covariances"] = blocks
        }, status: 65, "msr-predict: models/mixtures/mixture_0.json: covariances[1]: not positive definite (run msr-cluster again)")
        XCTAssertFails(try predict { object in
            var blocks = covariances(object)
            blocks[2][0][3] += 1
            object["covariances"] = blocks
        }, status: 65, "msr-predict: models/mixtures/mixture_0.json: covariances[2]: not symmetric ([0][3] differs from [3][0]) (run msr-cluster again)")
        // NaN is written as null.
        XCTAssertFails(try predict { object in
            var weights = object["weights"] as! [Any]
            weights[1] = NSNull()
            object["weights"] = weights
        }, status: 65, "msr-predict: models/mixtures/mixture_0.json: weights[1]: expected a finite number > 0, got null (run msr-cluster again)")
        XCTAssertFails(try predict { object in
            object["weights"] = [0.5, 0.25, 0.125]
        }, status: 65, "msr-predict: models/mixtures/mixture_0.json: weights: sum to 0.875, expected 1 (run msr-cluster again)")
        XCTAssertFails(try predict { object in
            object["means"] = Array((object["means"] as! [[Double]]).dropLast())
        }, status: 65, "msr-predict: models/mixtures/mixture_0.json: means: expected a list of 3 rows (one per weight), got 2 (run msr-cluster again)")
        XCTAssertFails(try predict { object in
            var blocks = covariances(object)
            blocks[0][8] = Array(blocks[0][8].prefix(8))
            object["covariances"] = blocks
        }, status: 65, "msr-predict: models/mixtures/mixture_0.json: covariances[0][8]: expected a list of 9 numbers, got 8 (run msr-cluster again)")
    }
}
