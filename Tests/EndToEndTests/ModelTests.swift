import MSRTestSupport
import XCTest

/// msr-train and msr-evaluate on the embedded data.
final class ModelTests: XCTestCase {
    func testDefaultParamsReachTheAccuracyFloorDeterministically() throws {
        let workspace = try Workspace()
        try workspace.runPipeline()
        let train = try workspace.run("train")
        XCTAssertEqual(train.status, 0, train.stderr)
        XCTAssertTrue(train.stdout.hasPrefix("msr-train: 250 rounds x 10 classes = 2500 trees on 8539 rows in "), train.stdout)
        let model = try XCTUnwrap(workspace.bytes("models/classifier.msrgb"))
        XCTAssertEqual(Array(model.prefix(8)), Array("MSRGBDT1".utf8))

        let evaluate = try workspace.run("evaluate")
        XCTAssertEqual(evaluate.status, 0, evaluate.stderr)
        XCTAssertTrue(evaluate.stdout.contains("   classical       0.9"), evaluate.stdout)
        XCTAssertTrue(evaluate.stdout.contains("weighted avg"))
        let metrics = try JSONSerialization.jsonObject(with: XCTUnwrap(workspace.bytes("metrics/metrics.json"))) as? [String: Any]
        let accuracy = try XCTUnwrap(metrics?["accuracy"] as? Double)
        XCTAssertGreaterThanOrEqual(accuracy, 0.48, "10 genres: chance is 0.10; scikit-learn reaches 0.53 here")
        XCTAssertGreaterThan(try XCTUnwrap(metrics?["macro_f1"] as? Double), 0.45)
        XCTAssertLessThan(try XCTUnwrap(metrics?["log_loss"] as? Double), 1.6)
        let perClass = try XCTUnwrap(metrics?["per_class"] as? [String: [String: Any]])
        XCTAssertEqual(perClass.count, 10)
        XCTAssertEqual(perClass.values.reduce(0) { $0 + (($1["support"] as? Int) ?? 0) }, 2135)
        let confusion = try JSONSerialization.jsonObject(with: XCTUnwrap(workspace.bytes("metrics/confusion.json"))) as? [[String: String]]
        XCTAssertEqual(confusion?.count, 2135)
        XCTAssertEqual(Set(confusion?.compactMap { $0["actual"] } ?? []).count, 10)
        let importance = try JSONSerialization.jsonObject(with: XCTUnwrap(workspace.bytes("models/feature_importance.json"))) as? [String: Any]
        let shares = try XCTUnwrap(importance?["importance"] as? [String: Double])
        XCTAssertEqual(shares.values.reduce(0, +), 1, accuracy: 1e-9)

        XCTAssertEqual(try workspace.run("train").status, 0)
        XCTAssertEqual(workspace.bytes("models/classifier.msrgb"), model, "same data, params and seed: same bytes")
    }

    func testTrainWithoutTheSplitAndEvaluateWithoutAModel() throws {
        let workspace = try Workspace()
        XCTAssertFails(try workspace.run("train"), status: 66, "msr-train: data/processed/labels.json: labels file not found")
        XCTAssertFails(try workspace.run("evaluate"), status: 66, "msr-evaluate: models/classifier.msrgb: model file not found")
        try workspace.write("not a model", to: "models/classifier.msrgb")
        XCTAssertFails(try workspace.run("evaluate"), status: 65,
                       "msr-evaluate: models/classifier.msrgb: not an msr boosted-trees model (expected the MSRGBDT1 header)")
        XCTAssertFalse(workspace.exists("metrics"))
    }

    func testBadTrainParamIsRefusedWithItsKeyPath() throws {
        let workspace = try Workspace()
        try workspace.edit("params.yaml", "max_depth: 5", "max_depth: 0")
        let result = try workspace.run("train")
        XCTAssertEqual(result.status, 65)
        XCTAssertTrue(result.stderr.hasPrefix("msr-train: params.yaml:"), result.stderr)
        XCTAssertTrue(result.stderr.hasSuffix(": train.max_depth: expected an integer in [1, 64], got \"0\"\n"), result.stderr)
    }

    func testAStageWritesAllItsOutputsOrNone() throws {
        let workspace = try Workspace()
        try workspace.runPipeline()
        try workspace.trainQuickly()
        XCTAssertEqual(try workspace.run("evaluate").status, 0)
        let outputs = ["models/classifier.msrgb", "models/feature_importance.json", "metrics/metrics.json", "metrics/confusion.json"]
        let before = outputs.map { workspace.bytes($0) }
        let files = workspace.files()

        // The second output of each stage cannot be written (its name is too long for the
        // system, which only the write finds): the first stays.
        let long = String(repeating: "x", count: 300)
        try workspace.edit("params.yaml", "n_estimators: 5", "n_estimators: 6")
        try workspace.edit("config.yaml", "importance: models/feature_importance.json", "importance: models/\(long).json")
        try workspace.edit("config.yaml", "confusion: metrics/confusion.json", "confusion: metrics/\(long).json")
        let train = try workspace.run("train"), evaluate = try workspace.run("evaluate")
        XCTAssertEqual([train.status, evaluate.status], [74, 74], train.stderr + evaluate.stderr)
        XCTAssertTrue(train.stderr.hasPrefix("msr-train: models/\(long).json: cannot create a temporary file: "), train.stderr)
        XCTAssertTrue(evaluate.stderr.hasPrefix("msr-evaluate: metrics/\(long).json: cannot create a temporary file: "), evaluate.stderr)
        for (file, bytes) in zip(outputs, before) {
            XCTAssertNotNil(bytes, file)
            XCTAssertEqual(workspace.bytes(file), bytes, "\(file) was rewritten by a failed stage")
        }
        XCTAssertEqual(workspace.files().filter { !$0.hasSuffix(".yaml") }, files.filter { !$0.hasSuffix(".yaml") }, "no temporary is left")
    }
}
