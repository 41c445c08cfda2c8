import Foundation
import HTTPTypes
import HummingbirdTesting
import MSRCore
import MSRService
import XCTest

/// Retrain jobs: one at a time, the new models served on success, the old ones kept on
/// failure, and no request failing while the models are swapped.
final class RetrainTests: XCTestCase {
    /// Polls the job until it ends.
    static func finished(_ client: any TestClientProtocol, job: Int, token: String) async throws -> JSONReply {
        for _ in 0..<600 {
            let reply = try await client.call(.get, "/v1/jobs/\(job)", token: token)
            if reply.string("status") == "succeeded" || reply.string("status") == "failed" { return reply }
            try await Task.sleep(for: .milliseconds(200))
        }
        XCTFail("job \(job) did not finish")
        return try await client.call(.get, "/v1/jobs/\(job)", token: token)
    }

    func testARetrainServesTheNewModelsAndAFailedOneKeepsTheOld() async throws {
        let fixture = try ServiceFixture()
        _ = try await AdminSetup.createAdmin(configFile: fixture.config, name: "root", password: "Admin-pass-123")
        let id = try RecommendationAPITests.trackIDs(fixture, count: 1)[0]
        try await fixture.test { state, client in
            let admin = try await client.signIn("root", password: "Admin-pass-123")
            let before = try await client.call(.get, "/readyz")
            let version = before.string("model_version")
            let awaited1 = try await client.call(.put, "/v1/admin/params", #"{"cluster": {"n_components": 2}}"#, token: admin).status
            XCTAssertEqual(awaited1, .ok)
            let started = try await client.call(.post, "/v1/admin/retrain", token: admin)
            XCTAssertEqual(started.status, .accepted, started.text)
            guard case .int(let job)? = started["job"] else { return XCTFail(started.text) }
            XCTAssertEqual(started.headers[.location], "/v1/jobs/\(job)")
            XCTAssertError(try await client.call(.post, "/v1/admin/retrain", token: admin), .conflict, code: "retrain_running")
            let done = try await Self.finished(client, job: job, token: admin)
            XCTAssertEqual(done.string("status"), "succeeded", done.text)
            XCTAssertTrue(done.string("log")?.contains("$ msr-cluster --config") ?? false, done.text)
            let after = try await client.call(.get, "/readyz")
            XCTAssertNotEqual(after.string("model_version"), version)
            XCTAssertEqual(done.string("model_version"), after.string("model_version"))
            let user = try await client.signUp("mona")
            let reply = try await client.call(.post, "/v1/recommendations", #"{"playlist": "\#(id)"}"#, token: user)
            XCTAssertEqual(reply.string("model_version"), after.string("model_version"))

            // A stage that fails (the dataset archive damaged): the job fails with the stage's
            // line, the service keeps the models it had.
            try Data("not a zip".utf8).write(to: URL(fileURLWithPath: "\(fixture.path)/data/raw/dataset.zip"))
            let awaited2 = try await client.call(.get, "/v1/admin/params", token: admin).status
            XCTAssertEqual(awaited2, .ok)
            let second = try await client.call(.post, "/v1/admin/retrain", token: admin)
            guard case .int(let failedJob)? = second["job"] else { return XCTFail(second.text) }
            let failed = try await Self.finished(client, job: failedJob, token: admin)
            XCTAssertEqual(failed.string("status"), "failed", failed.text)
            XCTAssertTrue(failed.string("error")?.hasPrefix("msr-ingest failed (exit 65): msr-ingest: ") ?? false, failed.text)
            let awaited3 = try await client.call(.get, "/readyz").string("model_version")
            XCTAssertEqual(awaited3, after.string("model_version"))
            let awaited4 = try await client.call(.post, "/v1/recommendations", #"{"playlist": "\#(id)"}"#, token: user).status
            XCTAssertEqual(awaited4, .ok)
            _ = state
        }
    }

    func testRequestsInFlightDuringAReloadAllSucceed() async throws {
        let fixture = try ServiceFixture()
        let ids = try RecommendationAPITests.trackIDs(fixture, count: 20)
        try await fixture.test { state, client in
            let token = try await client.signUp("nina")
            let body = #"{"playlist": "\#(ids.joined(separator: " "))"}"#
            let statuses = try await withThrowingTaskGroup(of: [HTTPTypes.HTTPResponse.Status].self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        var seen: [HTTPTypes.HTTPResponse.Status] = []
                        for _ in 0..<25 { seen.append(try await client.call(.post, "/v1/recommendations", body, token: token).status) }
                        return seen
                    }
                }
                group.addTask {
                    for _ in 0..<5 { try state.models.reload() }
                    return []
                }
                return try await group.reduce([], +)
            }
            XCTAssertEqual(statuses.count, 100)
            XCTAssertEqual(Set(statuses), [.ok])
        }
    }
}
