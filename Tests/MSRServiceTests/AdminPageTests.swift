import Foundation
import HTTPTypes
import HummingbirdTesting
import MSRCore
@testable import MSRService
import XCTest

/// The admin pages: who may see them, the params form, retrain jobs, users, monitoring.
final class AdminPageTests: XCTestCase {
    /// A fixture with the admin `root`.
    static func fixture(limits: [String: Int] = [:]) async throws -> ServiceFixture {
        let fixture = try ServiceFixture(limits: limits)
        _ = try await AdminSetup.createAdmin(configFile: fixture.config, name: "root", password: "Admin-pass-123")
        return fixture
    }

    static func signedInAdmin(_ client: any TestClientProtocol) async throws -> Browser {
        let admin = Browser(client)
        let signed = try await admin.signIn("root", password: "Admin-pass-123")
        XCTAssertEqual(signed.location, "/recommend", signed.text)
        return admin
    }

    func testAUserGets403OnEveryAdminPageAndAdminsSeeTheirEntries() async throws {
        let fixture = try await Self.fixture()
        let params = try Data(contentsOf: URL(fileURLWithPath: fixture.params))
        try await fixture.test { state, client in
            let user = Browser(client)
            try await user.signUp("abel")
            let csrf = try await user.sessionCSRF()
            for uri in ["/admin", "/admin/monitoring", "/admin/jobs/1"] {
                let page = try await user.get(uri)
                XCTAssertEqual(page.status, .forbidden, uri)
                XCTAssertTrue(page.text.contains("this page is for admins"), page.text)
                XCTAssertPageHeaders(page)
            }
            for (uri, fields) in [("/admin/params", [("train.max_depth", "6")]), ("/admin/retrain", []),
                                  ("/admin/users/promote", [("name", "abel")]), ("/admin/users/delete", [("name", "root")])] {
                let page = try await user.post(uri, [("csrf", csrf)] + fields)
                XCTAssertEqual(page.status, .forbidden, uri)
            }
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: fixture.params)), params)
            let jobs = try await state.database.jobs(limit: 1)
            XCTAssertTrue(jobs.isEmpty)
            let awaited1 = try await state.database.user(named: "abel")?.role
            XCTAssertEqual(awaited1, .user)
            let awaited2 = try await state.database.user(named: "root")
            XCTAssertNotNil(awaited2)
            let admin = try await Self.signedInAdmin(client)
            let page = try await admin.get("/recommend")
            XCTAssertTrue(page.text.contains("<a href=\"/admin\">Admin</a><a href=\"/admin/monitoring\">Monitoring</a>"), page.text)
        }
    }

    func testTheParamsFormRefusesABadValueWith422AndSavesAGoodOne() async throws {
        let fixture = try await Self.fixture()
        let before = try Data(contentsOf: URL(fileURLWithPath: fixture.params))
        try await fixture.test { state, client in
            let admin = try await Self.signedInAdmin(client)
            let form = try await admin.get("/admin")
            XCTAssertEqual(form.status, .ok)
            XCTAssertPageHeaders(form)
            // One input per key of the declared tables, with the file's value, meaning and range.
            for field in BoostingParams.fields {
                XCTAssertTrue(form.text.contains("name=\"train.\(field.key)\""), field.key)
                XCTAssertTrue(form.text.contains(HTMLText.escaped("\(field.doc) Expected: \(field.kind.expected).")), field.key)
            }
            for field in MixtureParams.fields { XCTAssertTrue(form.text.contains("name=\"cluster.\(field.key)\""), field.key) }
            XCTAssertTrue(form.text.contains("<input type=\"text\" id=\"train.max_depth\" name=\"train.max_depth\" value=\"5\">"), form.text)
            XCTAssertTrue(form.text.contains("name=\"cluster.covariance_type\" value=\"spherical\""))
            XCTAssertTrue(form.text.contains("name=\"train.tol\" value=\"1e-07\""), "a double as the editor reads it")
            let csrf = try XCTUnwrap(form.csrf)
            // Every value sent back as shown: nothing changes.
            let fields = Self.inputs(form.text)
            XCTAssertEqual(fields.count, BoostingParams.fields.count + MixtureParams.fields.count)
            let unchanged = try await admin.post("/admin/params", [("csrf", csrf)] + fields)
            XCTAssertEqual(unchanged.location, "/admin?saved=0")
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: fixture.params)), before)

            let refused: [([(String, String)], String, String)] = [
                ([("train.max_depth", "0")], "train.max_depth", "train.max_depth: expected an integer in [1, 64], got &quot;0&quot;"),
                ([("train.learning_rate", "-1")], "train.learning_rate", "train.learning_rate: expected a number &gt; 0"),
                ([("cluster.covariance_type", "round")], "cluster.covariance_type", "cluster.covariance_type: expected one of spherical"),
                ([("cluster.n_components", "[2, x]")], "cluster.n_components", "cluster.n_components"),
                ([("train.early_stopping", "maybe")], "train.early_stopping", "train.early_stopping"),
                ([("train.max_depth", "6"), ("cluster.tol", "0")], "cluster.tol", "cluster.tol: expected a number &gt; 0"),
            ]
            for (changes, field, message) in refused {
                let page = try await admin.post("/admin/params", [("csrf", csrf)] + fields.filter { f in !changes.contains { $0.0 == f.0 } } + changes)
                XCTAssertEqual(page.status, .unprocessableContent, "\(changes): \(page.text)")
                XCTAssertPageHeaders(page)
                XCTAssertTrue(page.text.contains("Not saved: \(field) was refused (params.yaml is unchanged)."), page.text)
                XCTAssertTrue(page.text.contains("name=\"\(field)\" value=\"\(HTMLText.escaped(changes.last!.1))\" aria-invalid=\"true\""),
                              "the refused value is kept, marked: \(page.text)")
                // The message sits right after the field's help.
                let afterField = page.text.components(separatedBy: "name=\"\(field)\"")[1]
                let nextField = afterField.range(of: "<label")?.lowerBound ?? afterField.endIndex
                XCTAssertTrue(afterField[..<nextField].contains("<p class=\"field-error\" role=\"alert\">"), "\(field): \(afterField.prefix(600))")
                XCTAssertTrue(afterField[..<nextField].contains(message), "\(message): \(afterField.prefix(600))")
                XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: fixture.params)), before, "params.yaml byte-identical")
            }
            let unknown = try await admin.post("/admin/params", [("csrf", csrf), ("ingest.genres", "[a]")])
            XCTAssertEqual(unknown.status, .unprocessableContent)
            XCTAssertTrue(unknown.text.contains("ingest.genres: unknown field"), unknown.text)
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: fixture.params)), before)

            // Good values: saved in place, audited with the diff.
            let changes = [("train.learning_rate", "0.05"), ("train.max_depth", "6"), ("cluster.n_components", "[2, 3, 2, 2, 2, 2, 2, 2, 2, 2]")]
            let saved = try await admin.post("/admin/params",
                                             [("csrf", csrf)] + fields.filter { f in !changes.contains { $0.0 == f.0 } } + changes)
            XCTAssertEqual(saved.status, .seeOther, saved.text)
            XCTAssertEqual(saved.location, "/admin?saved=3")
            let params = try Params.load(path: fixture.params)
            XCTAssertEqual(params.train.learningRate, 0.05)
            XCTAssertEqual(params.train.maxDepth, 6)
            XCTAssertEqual(params.cluster.nComponents, [2, 3, 2, 2, 2, 2, 2, 2, 2, 2])
            let after = try String(contentsOfFile: fixture.params, encoding: .utf8)
            XCTAssertEqual(after.split(separator: "\n").count, String(decoding: before, as: UTF8.self).split(separator: "\n").count,
                           "edited in place")
            let audit = try await state.database.auditLog(limit: 1)
            XCTAssertEqual(audit.first?.actor, "root")
            XCTAssertEqual(audit.first?.action, "params")
            XCTAssertEqual(audit.first?.detail,
                           "cluster.n_components: 3 -> [2, 3, 2, 2, 2, 2, 2, 2, 2, 2]; train.learning_rate: 0.008 -> 0.05; train.max_depth: 5 -> 6")
            let shown = try await admin.get("/admin?saved=3")
            XCTAssertTrue(shown.text.contains("Saved 3 changes to params.yaml."))
            XCTAssertTrue(shown.text.contains("name=\"train.max_depth\" value=\"6\""))
            XCTAssertTrue(shown.text.contains("<td>cluster.n_components: 3 -&gt; [2, 3, 2, 2, 2, 2, 2, 2, 2, 2]; train.learning_rate"), "the audit log")
        }
    }

    /// The form's text inputs, by name and value.
    static func inputs(_ text: String) -> [(String, String)] {
        func between(_ piece: String, _ open: String) -> String? {
            guard let range = piece.range(of: open) else { return nil }
            let rest = piece[range.upperBound...]
            return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
        }
        return text.components(separatedBy: "<input type=\"text\" id=\"").dropFirst().compactMap { piece in
            guard let name = between(piece, "name=\""), let value = between(piece, "value=\"") else { return nil }
            let unescaped = value.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
                .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
            return (name, unescaped)
        }
    }

    func testRetrainRunsOneJobAtATimeAndItsPageShowsStatusAndLog() async throws {
        let fixture = try await Self.fixture()
        try await fixture.test { state, client in
            let admin = try await Self.signedInAdmin(client)
            let csrf = try await admin.sessionCSRF()
            // A queued job: its page reloads itself, and a second retrain is 409.
            let queued = try await XCTUnwrapAsync(try await state.database.createJob(requestedBy: "root"))
            let waiting = try await admin.get("/admin/jobs/\(queued)")
            XCTAssertEqual(waiting.status, .ok)
            XCTAssertTrue(waiting.text.contains("<meta http-equiv=\"refresh\" content=\"2\">"), waiting.text)
            XCTAssertTrue(waiting.text.contains("<td class=\"status queued\">queued"), waiting.text)
            let conflict = try await admin.post("/admin/retrain", [("csrf", csrf)])
            XCTAssertEqual(conflict.status, .conflict, conflict.text)
            XCTAssertTrue(conflict.text.contains("a retrain is already queued or running"))
            let adminPage = try await admin.get("/admin")
            XCTAssertTrue(adminPage.text.contains("<button type=\"submit\" disabled>A retrain is running</button>"))
            try await state.database.failInterruptedJobs()

            // A real one whose first stage fails (the dataset archive damaged): its page shows
            // the failure and the log, and stops reloading.
            try Data("not a zip".utf8).write(to: URL(fileURLWithPath: "\(fixture.path)/data/raw/dataset.zip"))
            let started = try await admin.post("/admin/retrain", [("csrf", csrf)])
            XCTAssertEqual(started.status, .seeOther, started.text)
            let location = try XCTUnwrap(started.location)
            XCTAssertEqual(location, "/admin/jobs/\(queued + 1)")
            var page = try await admin.get(location)
            for _ in 0..<300 where page.text.contains("http-equiv=\"refresh\"") {
                try await Task.sleep(for: .milliseconds(200))
                page = try await admin.get(location)
            }
            XCTAssertFalse(page.text.contains("http-equiv=\"refresh\""), "an ended job's page stays")
            XCTAssertTrue(page.text.contains("<td class=\"status failed\">failed</td>"), page.text)
            XCTAssertTrue(page.text.contains("msr-ingest failed (exit 65): msr-ingest: "), page.text)
            XCTAssertTrue(page.text.contains("<pre class=\"log\">$ msr-ingest --config "), page.text)
            let missing = try await admin.get("/admin/jobs/999")
            XCTAssertEqual(missing.status, .notFound)
            let audit = try await state.database.auditLog(limit: 1)
            XCTAssertEqual(audit.first?.action, "retrain")
        }
    }

    /// The JSON API takes a browser's session for reading, but for a change only with the
    /// session's CSRF token in X-CSRF-Token: another site's form can send the cookie (from a
    /// sibling subdomain, the same site), not the token.
    func testASessionChangesNothingThroughTheJSONAPIWithoutItsCSRFToken() async throws {
        let fixture = try await Self.fixture()
        try await fixture.test { state, client in
            let admin = try await Self.signedInAdmin(client)
            try await Browser(client).signUp("bea")
            let csrf = try await admin.sessionCSRF()
            let listed = try await admin.get("/v1/admin/users")
            XCTAssertEqual(listed.status, .ok, listed.text)
            XCTAssertTrue(listed.text.contains(#""name":"bea""#), listed.text)
            for (token, what) in [(nil, "none"), (String(repeating: "0", count: 64), "another"), (csrf + "0", "longer")] as [(String?, String)] {
                let headers: HTTPFields = token.map { [CSRF.header: $0] } ?? [:]
                for (method, uri) in [(HTTPTypes.HTTPRequest.Method.post, "/v1/admin/users/bea/promote"), (.delete, "/v1/admin/users/bea"),
                                      (.post, "/v1/admin/retrain")] {
                    let refused = try await admin.send(method, uri, headers: headers)
                    XCTAssertEqual(refused.status, .forbidden, "\(method) \(uri), token \(what): \(refused.text)")
                    XCTAssertTrue(refused.text.contains(#""code":"csrf_failed""#), refused.text)
                    XCTAssertTrue(refused.text.contains(#""field":"X-CSRF-Token""#), refused.text)
                }
            }
            // The rule is the JSON API's handlers', not a path's: another spelling of the path
            // reaches no handler or the same refusal.
            for uri in ["//v1/admin/users/bea/promote", "/v1//admin/users/bea/promote", "/v1/admin/users/b%65a/promote"] {
                let other = try await admin.send(.post, uri)
                XCTAssertTrue([.forbidden, .notFound].contains(other.status), "\(uri): \(other.status) \(other.text)")
            }
            let unchanged = try await state.database.user(named: "bea")?.role
            XCTAssertEqual(unchanged, .user)
            let actions = try await state.database.auditLog(limit: 10).map(\.action)
            XCTAssertFalse(actions.contains("retrain") || actions.contains("delete_user") || actions.contains("promote"), "\(actions)")
            // Anonymous stays 401; the token in the header signs the session in.
            let anonymous = try await Browser(client).send(.post, "/v1/admin/users/bea/promote")
            XCTAssertEqual(anonymous.status, .unauthorized)
            let promoted = try await admin.send(.post, "/v1/admin/users/bea/promote", headers: [CSRF.header: csrf])
            XCTAssertEqual(promoted.status, .noContent, promoted.text)
            let role = try await state.database.user(named: "bea")?.role
            XCTAssertEqual(role, .admin)
        }
    }

    func testUsersAreDeletedPromotedAndUnlockedByForm() async throws {
        let fixture = try await Self.fixture()
        try await fixture.test { state, client in
            let admin = try await Self.signedInAdmin(client)
            let bea = Browser(client)
            try await bea.signUp("bea")
            for _ in 0..<5 { _ = try await Browser(client).signIn("bea", password: "Wrong-pass-123") }
            let locked = try await Browser(client).signIn("bea")
            XCTAssertEqual(locked.status, .forbidden)
            var page = try await admin.get("/admin")
            let csrf = try XCTUnwrap(page.csrf)
            XCTAssertTrue(page.text.contains("<td>bea</td><td>user</td>"), page.text)
            XCTAssertTrue(page.text.contains("<form method=\"post\" action=\"/admin/users/unlock\">"), "an unlock button for the locked user")
            let unlocked = try await admin.post("/admin/users/unlock", [("csrf", csrf), ("name", "bea")])
            XCTAssertEqual(unlocked.status, .seeOther)
            XCTAssertEqual(unlocked.location, "/admin#users")
            let awaited1 = try await Browser(client).signIn("bea").location
            XCTAssertEqual(awaited1, "/recommend", "unlocked")
            let promoted = try await admin.post("/admin/users/promote", [("csrf", csrf), ("name", "bea")])
            XCTAssertEqual(promoted.status, .seeOther)
            let awaited2 = try await state.database.user(named: "bea")?.role
            XCTAssertEqual(awaited2, .admin)
            let awaited3 = try await bea.get("/admin").status
            XCTAssertEqual(awaited3, .ok, "bea's session is an admin's now")
            page = try await admin.get("/admin")
            XCTAssertTrue(page.text.contains("<td>bea</td><td>admin</td>"))
            let deleted = try await admin.post("/admin/users/delete", [("csrf", csrf), ("name", "bea")])
            XCTAssertEqual(deleted.status, .seeOther)
            let awaited4 = try await state.database.user(named: "bea")
            XCTAssertNil(awaited4)
            let awaited5 = try await bea.get("/recommend").location
            XCTAssertEqual(awaited5, "/", "a deleted user's session ends")
            // Refusals are pages with their status.
            let last = try await admin.post("/admin/users/delete", [("csrf", csrf), ("name", "root")])
            XCTAssertEqual(last.status, .conflict)
            XCTAssertTrue(last.text.contains("the only admin"), last.text)
            let nobody = try await admin.post("/admin/users/promote", [("csrf", csrf), ("name", "nobody")])
            XCTAssertEqual(nobody.status, .notFound)
            let unknown = try await admin.post("/admin/users/demote", [("csrf", csrf), ("name", "root")])
            XCTAssertEqual(unknown.status, .notFound)
            let audit = try await state.database.auditLog(limit: 3).map(\.action)
            XCTAssertEqual(audit, ["delete_user", "promote", "unlock"])
        }
    }

    func testTheMonitoringPageShowsTheChartAndFiguresOfTheLog() async throws {
        let fixture = try await Self.fixture()
        let ids = try RecommendationAPITests.trackIDs(fixture, count: 40)
        try await fixture.test { state, client in
            let admin = try await Self.signedInAdmin(client)
            let empty = try await admin.get("/admin/monitoring")
            XCTAssertEqual(empty.status, .ok)
            XCTAssertTrue(empty.text.contains("No call logged yet."), empty.text)
            let csrf = try await admin.sessionCSRF()
            for n in 0..<4 {
                let page = try await admin.post("/recommend", [("csrf", csrf), ("playlist", ids[(n * 10)..<(n * 10 + 10)].joined(separator: " "))])
                XCTAssertEqual(page.status, .ok)
            }
            let page = try await admin.get("/admin/monitoring")
            XCTAssertEqual(page.status, .ok)
            XCTAssertPageHeaders(page)
            let report = try MonitorReport.read(log: fixture.log, params: MonitorParams())
            XCTAssertEqual(report.calls.count, 4)
            XCTAssertTrue(page.text.contains("<div class=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\""), page.text)
            XCTAssertTrue(page.text.contains(report.svg), "msr-monitor's very chart")
            XCTAssertTrue(page.text.contains("stroke-dasharray=\"6 4\"><title>threshold 0.15</title></line>"), "the threshold line")
            let chart = try XCTUnwrap(page.text.components(separatedBy: "<div class=\"chart\">").last?.components(separatedBy: "</svg>").first)
            XCTAssertEqual(chart.components(separatedBy: "<circle cx=").count - 1, 4, "one dot per call")
            XCTAssertTrue(page.text.contains("<polyline"), "the rolling mean")
            XCTAssertTrue(page.text.contains("Calls<b>4</b>"))
            XCTAssertTrue(page.text.contains("Mean similarity<b>\(String(format: "%.4f", report.mean))</b>"))
            XCTAssertTrue(page.text.contains("Rolling mean (last 4)<b>\(String(format: "%.4f", report.rollingMean))</b>"))
            XCTAssertTrue(page.text.contains("Threshold<b>0.15</b>"))
            for genre in report.genres {
                XCTAssertTrue(page.text.contains("\(genre.name)</td><td class=\"num\">\(genre.calls)</td><td class=\"num\">"
                                                 + "\(String(format: "%.4f", genre.meanSimilarity))</td>"), genre.name)
            }
            XCTAssertEqual(report.genres.reduce(0) { $0 + $1.calls }, 4)
            // The monitor params come from params.yaml.
            var params = try String(contentsOfFile: fixture.params, encoding: .utf8)
            params = params.replacingOccurrences(of: "similarity_threshold: 0.15", with: "similarity_threshold: 0.5")
            try params.write(toFile: fixture.params, atomically: true, encoding: .utf8)
            let moved = try await admin.get("/admin/monitoring")
            XCTAssertTrue(moved.text.contains("<title>threshold 0.5</title>"), moved.text)
            XCTAssertTrue(moved.text.contains("Calls<b>4</b>"), "the calls read before, kept")
            // A log past the most read: 503 with its line, the service's trouble, not the request's.
            XCTAssertEqual(truncate(fixture.log, off_t(RecommendationLog.maxReadBytes + 1)), 0)
            let tooLarge = try await admin.get("/admin/monitoring")
            XCTAssertEqual(tooLarge.status, .serviceUnavailable, tooLarge.text)
            XCTAssertTrue(tooLarge.text.contains("more than 4096 MiB, the most read as one recommendations log: split it"), tooLarge.text)
            XCTAssertEqual(unlink(fixture.log), 0)
            let gone = try await admin.get("/admin/monitoring")
            XCTAssertTrue(gone.text.contains("No call logged yet."), gone.text)
            _ = state
        }
    }
}
