import Foundation
@testable import MSRCore
import MSRTestSupport
import XCTest

/// A stand-in MLflow server: answers by path, records every request.
final class FakeMLflow: HTTPClient, @unchecked Sendable {
    var requests: [HTTPRequest] = []
    var answers: [String: (Int, String)] = [:]
    let lock = NSLock()

    func download(_ url: URL, to path: String, maxBytes: Int) throws {}

    func send(_ request: HTTPRequest) throws -> HTTPResponse {
        lock.lock()
        defer { lock.unlock() }
        requests.append(request)
        let key = "\(request.method) \(request.url.path)"
        let (status, body) = answers[key] ?? (200, "{}")
        return HTTPResponse(status: status, body: Array(body.utf8))
    }

    func body(_ index: Int) -> String { String(decoding: requests[index].body, as: UTF8.self) }
}

final class MLflowClientTests: XCTestCase {
    func testOnlyAnHTTPTrackingURITurnsTrackingOn() throws {
        let fake = FakeMLflow()
        XCTAssertNil(try MLflowClient(environment: [:], http: fake))
        XCTAssertNil(try MLflowClient(environment: ["MLFLOW_TRACKING_URI": "file:///tmp/mlruns"], http: fake))
        let basic = try XCTUnwrap(try MLflowClient(environment: ["MLFLOW_TRACKING_URI": "https://user:secret@mlflow.example:8443/base/"], http: fake))
        XCTAssertEqual(basic.displayName, "https://mlflow.example:8443/base", "no credentials in messages")
        XCTAssertEqual(basic.authorization, "Basic " + Data("user:secret".utf8).base64EncodedString())
        let token = try XCTUnwrap(try MLflowClient(environment: ["MLFLOW_TRACKING_URI": "http://h", "MLFLOW_TRACKING_TOKEN": "t0k"], http: fake))
        XCTAssertEqual(token.authorization, "Bearer t0k")
    }

    func testALoggedRunIsWhatTheRESTAPIWants() throws {
        let fake = FakeMLflow()
        fake.answers["GET /api/2.0/mlflow/experiments/get-by-name"] = (404, #"{"error_code": "RESOURCE_DOES_NOT_EXIST"}"#)
        fake.answers["POST /api/2.0/mlflow/experiments/create"] = (200, #"{"experiment_id": "7"}"#)
        fake.answers["POST /api/2.0/mlflow/runs/create"] =
            (200, #"{"run": {"info": {"run_id": "r1", "artifact_uri": "mlflow-artifacts:/7/r1/artifacts"}}}"#)
        let client = try XCTUnwrap(try MLflowClient(environment: ["MLFLOW_TRACKING_URI": "http://127.0.0.1:5000",
                                                                  "MLFLOW_TRACKING_USERNAME": "u", "MLFLOW_TRACKING_PASSWORD": "p"], http: fake))
        try withTemporaryFolder { folder in
            try Data("model bytes".utf8).write(to: URL(fileURLWithPath: "\(folder)/m.bin"))
            let run = try client.logRun(experiment: "exp", name: "classifier", params: ["max_depth": "5"], metrics: ["accuracy": 0.5],
                                        tags: ["k": "v"], artifacts: [("\(folder)/m.bin", "model/m.bin")],
                                        now: Date(timeIntervalSince1970: 1_700_000_000))
            XCTAssertEqual(run.id, "r1")
        }
        XCTAssertEqual(fake.requests.map { "\($0.method) \($0.url.path)" }, [
            "GET /api/2.0/mlflow/experiments/get-by-name", "POST /api/2.0/mlflow/experiments/create",
            "POST /api/2.0/mlflow/runs/create", "POST /api/2.0/mlflow/runs/log-batch",
            "PUT /api/2.0/mlflow-artifacts/artifacts/7/r1/artifacts/model/m.bin", "POST /api/2.0/mlflow/runs/update",
        ])
        XCTAssertEqual(fake.requests[0].url.query, "experiment_name=exp")
        XCTAssertEqual(fake.body(2), #"{"experiment_id":"7","run_name":"classifier","start_time":1700000000000,"tags":[{"key":"k","value":"v"}]}"#)
        XCTAssertEqual(fake.body(3), #"{"metrics":[{"key":"accuracy","step":0,"timestamp":1700000000000,"value":0.5}],"#
                       + #""params":[{"key":"max_depth","value":"5"}],"run_id":"r1"}"#, "params as strings, metrics with a timestamp")
        XCTAssertEqual(fake.body(4), "model bytes")
        XCTAssertTrue(fake.body(5).contains(#""status":"FINISHED""#))
        XCTAssertEqual(fake.requests[3].headers["Content-Type"], "application/json")
        XCTAssertEqual(fake.requests[3].headers["Authorization"], "Basic " + Data("u:p".utf8).base64EncodedString())
    }

    /// A metric's history (msr-factorize's loss per iteration): value i at step i + 1, after the
    /// step-0 metrics, split into batches of 1,000 metrics as MLflow allows.
    func testAMetricsHistoryIsLoggedStepByStep() throws {
        let fake = FakeMLflow()
        let client = try XCTUnwrap(try MLflowClient(environment: ["MLFLOW_TRACKING_URI": "http://127.0.0.1:5000"], http: fake))
        try client.log(runID: "r1", params: [:], metrics: ["final_loss": 0.25], steps: ["loss": [0.5, 0.25]], timestamp: 7)
        XCTAssertEqual(fake.body(0), #"{"metrics":[{"key":"final_loss","step":0,"timestamp":7,"value":0.25},"#
                       + #"{"key":"loss","step":1,"timestamp":7,"value":0.5},{"key":"loss","step":2,"timestamp":7,"value":0.25}],"#
                       + #""params":[],"run_id":"r1"}"#)
        let long = (0..<1500).map { 1 / Double($0 + 1) }
        try client.log(runID: "r2", params: ["factors": "64"], metrics: ["tracks": 9], steps: ["loss": long], timestamp: 7)
        XCTAssertEqual(fake.requests.count, 3, "1,501 metrics: two calls")
        let first = try JSONParser.parse(fake.requests[1].body), second = try JSONParser.parse(fake.requests[2].body)
        XCTAssertEqual(first["metrics"]?.array?.count, 1000)
        XCTAssertEqual(second["metrics"]?.array?.count, 501)
        XCTAssertEqual(second["metrics"]?.array?.last?["step"], .int(1500))
        XCTAssertNil(second["params"], "params once")
    }

    func testAFailureIsOneLineAndOptionalTrackingGoesOn() throws {
        let fake = FakeMLflow()
        fake.answers["GET /api/2.0/mlflow/experiments/get-by-name"] = (500, #"{"error_code": "INTERNAL_ERROR", "message": "database\nlocked"}"#)
        let client = try XCTUnwrap(try MLflowClient(environment: ["MLFLOW_TRACKING_URI": "http://a:b@127.0.0.1:5000"], http: fake))
        let required = errorMessage { _ = try Tracking(client: client, mode: .required).record(events: .silent) { try $0.experimentID(named: "x") } }
        XCTAssertEqual(required, "MLflow server http://127.0.0.1:5000: GET api/2.0/mlflow/experiments/get-by-name answered HTTP 500 "
                       + "INTERNAL_ERROR: database locked (the local artifacts are written)")
        let warnings = Warnings()
        let events = StageEvents(progress: { _ in }, progressDone: {}, warning: { warnings.append($0) }, phase: { _, _ in })
        XCTAssertNil(try Tracking(client: client, mode: .optional).record(events: events) { try $0.experimentID(named: "x") })
        XCTAssertEqual(warnings.all, ["MLflow server http://127.0.0.1:5000: GET api/2.0/mlflow/experiments/get-by-name answered "
                                      + "HTTP 500 INTERNAL_ERROR: database locked (the local artifacts are written); --tracking "
                                      + "optional: going on"], "the warning goes to the caller's events, not to stderr")
        XCTAssertNil(try Tracking.off.record(events: .silent) { _ in "never" })
    }
}

/// Collects the warnings a stage reports.
final class Warnings: @unchecked Sendable {
    private var items: [String] = []
    private let lock = NSLock()

    func append(_ text: String) {
        lock.lock()
        items.append(text)
        lock.unlock()
    }

    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return items
    }
}
