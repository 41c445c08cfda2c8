import Foundation
import HTTPTypes
import MSRCore
import MSRService
import XCTest

/// The admin API: who may call it, and the params edits.
final class AdminAPITests: XCTestCase {
    /// Every admin route: anonymous 401, a user 403.
    func testAdminRoutesNeedTheAdminRole() async throws {
        let fixture = try ServiceFixture()
        _ = try await AdminSetup.createAdmin(configFile: fixture.config, name: "root", password: "Admin-pass-123")
        try await fixture.test { _, client in
            let user = try await client.signUp("lena")
            let admin = try await client.signIn("root", password: "Admin-pass-123")
            let routes: [(HTTPTypes.HTTPRequest.Method, String, String?)] = [
                (.get, "/v1/admin/params", nil), (.put, "/v1/admin/params", "{}"), (.post, "/v1/admin/retrain", nil),
                (.get, "/v1/jobs/1", nil), (.get, "/v1/admin/users", nil), (.delete, "/v1/admin/users/lena", nil),
                (.post, "/v1/admin/users/lena/unlock", nil), (.post, "/v1/admin/users/lena/promote", nil),
            ]
            for (method, uri, body) in routes {
                XCTAssertError(try await client.call(method, uri, body), .unauthorized, code: "unauthorized")
                XCTAssertError(try await client.call(method, uri, body, token: user), .forbidden, code: "forbidden")
            }
            let users = try await client.call(.get, "/v1/admin/users", token: admin)
            XCTAssertEqual(users.count("users"), 2)
            let awaited1 = try await client.call(.post, "/v1/admin/users/lena/promote", token: admin).status
            XCTAssertEqual(awaited1, .noContent)
            let awaited2 = try await client.call(.get, "/v1/admin/users", token: user).status
            XCTAssertEqual(awaited2, .ok, "promoted")
            XCTAssertError(try await client.call(.get, "/v1/jobs/999", token: admin), .notFound, code: "not_found", field: "id")
        }
    }

    func testParamsAreEditedInPlaceAndABadValueLeavesTheFileUntouched() async throws {
        let fixture = try ServiceFixture()
        _ = try await AdminSetup.createAdmin(configFile: fixture.config, name: "root", password: "Admin-pass-123")
        // Comments after values keep their column.
        let commented = try String(contentsOfFile: fixture.params, encoding: .utf8)
            .replacingOccurrences(of: "  max_depth: 5\n", with: "  max_depth: 5        # depth limit\n")
            .replacingOccurrences(of: "  learning_rate: 0.008\n", with: "  learning_rate: 0.008  # step\n")
        try commented.write(toFile: fixture.params, atomically: true, encoding: .utf8)
        let before = try String(contentsOfFile: fixture.params, encoding: .utf8)
        try await fixture.test { state, client in
            let admin = try await client.signIn("root", password: "Admin-pass-123")
            let current = try await client.call(.get, "/v1/admin/params", token: admin)
            XCTAssertEqual(current["train.max_depth"], .int(5))
            XCTAssertEqual(current["cluster.covariance_type"], .string("spherical"))
            XCTAssertNil(current["ingest"], "only train and cluster")

            let refused: [(String, String, String)] = [
                (#"{"train": {"max_depth": 0}}"#, "train.max_depth", "train.max_depth: expected an integer in [1, 64], got \"0\""),
                (#"{"train": {"learning_rate": -1}}"#, "train.learning_rate", "train.learning_rate: expected a number > 0"),
                (#"{"train": {"max_depht": 3}}"#, "train.max_depht", "unknown key"),
                (#"{"cluster": {"covariance_type": "round"}}"#, "cluster.covariance_type", ""),
                (#"{"cluster": {"covariance_type": "full\nevil: 1"}}"#, "cluster.covariance_type", ""),
                (#"{"ingest": {"genres": ["a", "b"]}}"#, "ingest", "only train and cluster can be changed here"),
                (#"{"train": 5}"#, "train", "expected an object of train keys and values"),
                (#"{"train": {"max_depth": {"a": 1}}}"#, "train.max_depth", "expected a number, true or false, a word or a list"),
                (#"{"train": {"max_depth": null}}"#, "train.max_depth", "expected a number, true or false, a word or a list"),
                // Past Float64's range: was written as `null`, which the stages then read as the default.
                (#"{"train": {"l2_regularization": 1e309}}"#, "train.l2_regularization", "expected a finite number"),
                (#"{"cluster": {"reg_covar": -1e309}}"#, "cluster.reg_covar", "expected a finite number"),
                (#"{"cluster": {"n_components": [1e309, 2, 2, 2, 2, 2, 2, 2, 2, 2]}}"#, "cluster.n_components[0]", "expected a finite number"),
                // Keys the table does not declare never reach the text (one was written as a comment).
                (##"{"train": {"#note": 1}}"##, "train.#note", "unknown key (expected one of: learning_rate, "),
                (#"{"train": {"": 1}}"#, "train.", "unknown key"),
                (##"{"train": {"max_depth: 7 #": 1}}"##, "train.max_depth: 7 #", "unknown key"),
                (#"{"cluster": {"n_components": [1, 2]}}"#, "cluster.n_components", "expected one value or one per genre (10), got 2"),
                // Keys valid alone, not together: told at the objective.
                (#"{"train": {"objective": "multiclassova", "early_stopping": true}}"#, "train.objective",
                 "train.objective: multiclassova fits the genres one after another and does not stop early"),
            ]
            for (body, field, message) in refused {
                let reply = try await client.call(.put, "/v1/admin/params", body, token: admin)
                XCTAssertError(reply, .unprocessableContent, code: "invalid_field", field: field)
                XCTAssertTrue(message.isEmpty || reply.string("error.message")?.contains(message) ?? false, "\(body): \(reply.text)")
                XCTAssertFalse(reply.string("error.message")?.contains(".check-") ?? true, "names params.yaml, not the temporary")
                XCTAssertEqual(try String(contentsOfFile: fixture.params, encoding: .utf8), before, body)
            }
            let changed = try await client.call(.put, "/v1/admin/params",
                                                #"{"train": {"max_depth": 6, "learning_rate": 0.05}, "cluster": {"n_components": [2, 3, 2, 2, 2, 2, 2, 2, 2, 2]}}"#,
                                                token: admin)
            XCTAssertEqual(changed.status, .ok, changed.text)
            XCTAssertEqual(changed["train.max_depth"], .int(6))
            XCTAssertEqual(changed.count("changes"), 3, changed.text)
            let after = try String(contentsOfFile: fixture.params, encoding: .utf8)
            XCTAssertTrue(after.contains("  max_depth: 6        # depth limit\n"), after)
            XCTAssertTrue(after.contains("  learning_rate: 0.05   # step\n"), after)
            XCTAssertTrue(after.contains("n_components: [2, 3, 2, 2, 2, 2, 2, 2, 2, 2]"), after)
            XCTAssertEqual(try Params.load(path: fixture.params).train.maxDepth, 6)
            // Everything else is as it was.
            XCTAssertEqual(after.split(separator: "\n").count, before.split(separator: "\n").count)
            let audit = try await state.database.auditLog(limit: 1)
            XCTAssertEqual(audit.first?.action, "params")
            XCTAssertEqual(audit.first?.detail, "cluster.n_components: 3 -> [2, 3, 2, 2, 2, 2, 2, 2, 2, 2]; train.learning_rate: 0.008 -> 0.05; train.max_depth: 5 -> 6")
            // What GET gives, sent back as it came (`1.0e-6` reads back as `1e-06`), or
            // 6 as 6.0: no change, the file's bytes untouched.
            let unchanged = try Data(contentsOf: URL(fileURLWithPath: fixture.params))
            let again = try await client.call(.get, "/v1/admin/params", token: admin)
            let resent = try await client.call(.put, "/v1/admin/params", again.text, token: admin)
            XCTAssertEqual(resent.status, .ok, resent.text)
            XCTAssertEqual(resent.count("changes"), 0, resent.text)
            let floats = try await client.call(.put, "/v1/admin/params", #"{"train": {"max_depth": 6.0, "learning_rate": 5e-2}}"#, token: admin)
            XCTAssertEqual(floats.count("changes"), 0, floats.text)
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: fixture.params)), unchanged)
        }
    }
}
