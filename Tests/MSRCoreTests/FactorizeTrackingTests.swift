import Foundation
@testable import MSRCore
import MSRTestSupport
import XCTest

/// msr-factorize's MLflow run, against a stand-in server: the factorize params, the figures of
/// factorize.json with the loss per iteration as steps, the factors file and factorize.json as
/// artifacts; nothing logged when tracking is off.
final class FactorizeTrackingTests: XCTestCase {
    /// The stage's inputs: the repository's files, with the playlists, outputs and log in `folder`.
    func inputs(in folder: String) throws -> StageInputs {
        let root = TestPaths.repository
        var config = try ProjectConfig.load(path: "\(root)/config.yaml")
        config.factorization.playlistsDir = "\(folder)/playlists"
        config.factorization.factors = "\(folder)/models/factors.msrf"
        config.factorization.metrics = "\(folder)/metrics/factorize.json"
        config.prediction.log = "\(folder)/recommendations.jsonl"
        var params = try Params.load(path: "\(root)/params.yaml")
        params.factorize.factors = 3
        params.factorize.iterations = 4
        try FileManager.default.createDirectory(atPath: "\(folder)/playlists", withIntermediateDirectories: true)
        let t = TrainingPlaylistsTests.self
        try t.slice([[t.a, t.b], [t.b, t.c], [t.a, t.c, t.d]])
            .write(toFile: "\(folder)/playlists/mpd.slice.0-2.json", atomically: true, encoding: .utf8)
        return StageInputs(config: config, params: params, schema: try Schema.load(path: "\(root)/schema.yaml"))
    }

    func testTheRunHoldsTheParamsTheFiguresTheLossStepsAndTheFactorsFile() throws {
        let fake = FakeMLflow()
        fake.answers["GET /api/2.0/mlflow/experiments/get-by-name"] = (200, #"{"experiment": {"experiment_id": "3"}}"#)
        fake.answers["POST /api/2.0/mlflow/runs/create"] =
            (200, #"{"run": {"info": {"run_id": "f1", "artifact_uri": "mlflow-artifacts:/3/f1/artifacts"}}}"#)
        let client = try XCTUnwrap(try MLflowClient(environment: ["MLFLOW_TRACKING_URI": "http://127.0.0.1:5000"], http: fake))
        try withTemporaryFolder { folder in
            let inputs = try inputs(in: folder)
            let output = try FactorizeStage.run(inputs, tracking: Tracking(client: client))
            XCTAssertTrue(output.summary.hasSuffix("; MLflow run f1 in msr-factorization"), output.summary)
            XCTAssertEqual(fake.requests.map { "\($0.method) \($0.url.path)" }, [
                "GET /api/2.0/mlflow/experiments/get-by-name", "POST /api/2.0/mlflow/runs/create",
                "POST /api/2.0/mlflow/runs/log-batch",
                "PUT /api/2.0/mlflow-artifacts/artifacts/3/f1/artifacts/model/factors.msrf",
                "PUT /api/2.0/mlflow-artifacts/artifacts/3/f1/artifacts/metrics/factorize.json",
                "POST /api/2.0/mlflow/runs/update",
            ])
            XCTAssertEqual(fake.requests[0].url.query, "experiment_name=msr-factorization")
            let created = try JSONParser.parse(fake.requests[1].body)
            XCTAssertEqual(created["run_name"], .string("factorization"))
            let tags = Dictionary(uniqueKeysWithValues: (created["tags"]?.array ?? []).map { ($0["key"]?.string ?? "", $0["value"]?.string ?? "") })
            XCTAssertEqual(tags["mlflow.source.name"], "msr-factorize")
            XCTAssertNotNil(tags["msr.params_fnv1a64"])

            let batch = try JSONParser.parse(fake.requests[2].body)
            let params = Dictionary(uniqueKeysWithValues: (batch["params"]?.array ?? []).map { ($0["key"]?.string ?? "", $0["value"]?.string ?? "") })
            XCTAssertEqual(params, ["factors": "3", "regularization": "0.01", "alpha": "40.0", "iterations": "4", "cg_steps": "3",
                                    "solver": "cg", "bm25": "false", "random_state": "42"], "the factorize section, as params.yaml writes it")
            let metrics = (batch["metrics"]?.array ?? []).map { ($0["key"]?.string ?? "", $0["step"]?.number ?? -1, $0["value"]?.number ?? .nan) }
            let figures = try XCTUnwrap(try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: inputs.config.factorization.metrics)))))
            let losses = try XCTUnwrap(figures["loss"]?.array).compactMap(\.number)
            XCTAssertEqual(losses.count, 4)
            XCTAssertEqual(metrics.filter { $0.1 == 0 }.map(\.0), ["final_loss", "fit_seconds", "non_zeros", "playlists", "tracks"])
            let atZero = Dictionary(uniqueKeysWithValues: metrics.filter { $0.1 == 0 }.map { ($0.0, $0.2) })
            XCTAssertEqual(atZero["final_loss"], losses.last)
            XCTAssertEqual(atZero["fit_seconds"], figures["fit_seconds"]?.number)
            XCTAssertEqual(atZero["playlists"], 3)
            XCTAssertEqual(atZero["tracks"], 4)
            XCTAssertEqual(atZero["non_zeros"], 7)
            let steps = metrics.filter { $0.1 > 0 }
            XCTAssertEqual(steps.map(\.0), ["loss", "loss", "loss", "loss"])
            XCTAssertEqual(steps.map(\.1), [1, 2, 3, 4], "iteration i's loss at step i")
            XCTAssertEqual(steps.map(\.2), losses, "factorize.json's loss per iteration")
            XCTAssertEqual(fake.requests[3].body, Array(try Data(contentsOf: URL(fileURLWithPath: inputs.config.factorization.factors))),
                           "the factors file itself")
            XCTAssertTrue(String(decoding: fake.requests[5].body, as: UTF8.self).contains(#""status":"FINISHED""#))
        }
    }

    /// A server that fails: the outputs are written, the stage fails with one line; optional
    /// tracking goes on with a warning; off, nothing is called.
    func testAFailingServerLeavesTheOutputsWritten() throws {
        let fake = FakeMLflow()
        fake.answers["GET /api/2.0/mlflow/experiments/get-by-name"] = (503, #"{"message": "down"}"#)
        let client = try XCTUnwrap(try MLflowClient(environment: ["MLFLOW_TRACKING_URI": "http://127.0.0.1:5000"], http: fake))
        try withTemporaryFolder { folder in
            let inputs = try inputs(in: folder)
            XCTAssertEqual(errorMessage { _ = try FactorizeStage.run(inputs, tracking: Tracking(client: client)) },
                           "MLflow server http://127.0.0.1:5000: GET api/2.0/mlflow/experiments/get-by-name answered HTTP 503: down "
                           + "(the local artifacts are written)")
            XCTAssertNoThrow(try TrackFactors.read(inputs.config.factorization.factors))
            XCTAssertTrue(FileManager.default.fileExists(atPath: inputs.config.factorization.metrics))

            let warnings = Warnings()
            var optional = inputs
            optional.events = StageEvents(progress: { _ in }, progressDone: {}, warning: { warnings.append($0) }, phase: { _, _ in })
            let output = try FactorizeStage.run(optional, tracking: Tracking(client: client, mode: .optional))
            XCTAssertFalse(output.summary.contains("MLflow"), output.summary)
            XCTAssertEqual(warnings.all.count, 1)
            XCTAssertTrue(warnings.all.first?.hasSuffix("--tracking optional: going on") ?? false, "\(warnings.all)")

            let calls = fake.requests.count
            _ = try FactorizeStage.run(inputs)
            XCTAssertEqual(fake.requests.count, calls, "tracking off: no call")
        }
    }
}
