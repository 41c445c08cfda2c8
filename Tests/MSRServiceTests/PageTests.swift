import Foundation
import HTTPTypes
import HummingbirdTesting
import MSRCore
@testable import MSRService
import XCTest

/// The pages: who may see them, signing in and out by form, the session cookie, CSRF.
final class PageTests: XCTestCase {
    func testAnonymousIsSentToSignInAndPagesCarryTheSecurityHeaders() async throws {
        try await ServiceFixture().test { _, client in
            let browser = Browser(client)
            for uri in ["/recommend", "/history", "/history?page=2", "/admin", "/admin/monitoring", "/admin/jobs/1"] {
                let page = try await browser.get(uri)
                XCTAssertEqual(page.status, .seeOther, uri)
                XCTAssertEqual(page.location, "/", uri)
                XCTAssertPageHeaders(page)
            }
            for uri in ["/recommend", "/admin/params", "/admin/retrain", "/admin/users/delete", "/logout"] {
                let page = try await browser.post(uri, [("csrf", "x")])
                XCTAssertEqual(page.status, .seeOther, uri)
                XCTAssertEqual(page.location, "/", uri)
            }
            let signIn = try await browser.get("/")
            XCTAssertEqual(signIn.status, .ok)
            XCTAssertEqual(signIn.headers[.contentType], "text/html; charset=utf-8")
            XCTAssertPageHeaders(signIn)
            XCTAssertTrue(signIn.text.contains("<form class=\"card\" method=\"post\" action=\"/\">"), signIn.text)
            XCTAssertTrue(signIn.text.contains("<link rel=\"stylesheet\" href=\"/static/msr.css\">"))
            XCTAssertFalse(signIn.text.contains("<script"), "no script")
            XCTAssertFalse(signIn.text.contains("style="), "no inline style: the policy would refuse it")
            XCTAssertFalse(signIn.text.contains("http://") || signIn.text.contains("https://"), "nothing from another host")
            let register = try await browser.get("/register")
            XCTAssertEqual(register.status, .ok)
            XCTAssertPageHeaders(register)
            let css = try await browser.get("/static/msr.css")
            XCTAssertEqual(css.status, .ok)
            XCTAssertEqual(css.headers[.contentType], "text/css; charset=utf-8")
            XCTAssertEqual(css.headers[.init("X-Content-Type-Options")!], "nosniff")
            XCTAssertTrue(css.text.contains("body{"))
            // The JSON API keeps its JSON errors.
            let api = try await client.call(.get, "/v1/recommendations")
            XCTAssertError(api, .unauthorized, code: "unauthorized")
        }
    }

    func testRegisterAndSignInByFormSetAStrictCookieRotatedAtEachSignIn() async throws {
        let fixture = try ServiceFixture()
        try await fixture.test { state, client in
            let browser = Browser(client)
            let form = try await browser.get("/register")
            let csrfCookie = try XCTUnwrap(form.setCookie("msr_csrf"), "the pre-session token's cookie")
            XCTAssertTrue(csrfCookie.contains("HttpOnly"), csrfCookie)
            XCTAssertTrue(csrfCookie.contains("SameSite=Strict"), csrfCookie)
            XCTAssertEqual(browser.cookies["msr_csrf"], form.csrf, "double submit: the field repeats the cookie")
            let made = try await browser.post("/register", [("csrf", form.csrf ?? ""), ("username", "olive"), ("password", "Good-pass-123"),
                                                            ("confirm", "Good-pass-123")])
            XCTAssertEqual(made.status, .seeOther, made.text)
            XCTAssertEqual(made.location, "/?registered=1")
            XCTAssertNil(made.setCookie("msr_session"), "registering does not sign in")
            let user = try await state.database.user(named: "olive")
            XCTAssertEqual(user?.role, .user)
            let ready = try await browser.get("/?registered=1")
            XCTAssertTrue(ready.text.contains("Your account is ready"), ready.text)

            let signed = try await browser.signIn("olive")
            XCTAssertEqual(signed.status, .seeOther, signed.text)
            XCTAssertEqual(signed.location, "/recommend")
            let cookie = try XCTUnwrap(signed.setCookie("msr_session"))
            XCTAssertTrue(cookie.contains("HttpOnly"), cookie)
            XCTAssertTrue(cookie.contains("SameSite=Strict"), cookie)
            XCTAssertTrue(cookie.contains("Path=/"), cookie)
            XCTAssertFalse(cookie.contains("Secure"), "plain http: " + cookie)
            let first = try XCTUnwrap(browser.cookies["msr_session"])
            XCTAssertEqual(first.count, 64)
            let page = try await browser.get("/recommend")
            XCTAssertEqual(page.status, .ok)
            XCTAssertTrue(page.text.contains("<span class=\"who\">olive</span>"), page.text)
            XCTAssertTrue(page.text.contains("<form method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\"csrf\""), page.text)
            XCTAssertFalse(page.text.contains("href=\"/admin\""), "no admin entry for a user")
            let home = try await browser.get("/")
            XCTAssertEqual(home.location, "/recommend", "signed in, / goes on to the recommend page")

            // Signing in again (the form of another tab, sent with the session cookie) rotates
            // the cookie, and the previous session is gone server-side.
            let again = try await browser.post("/", [("csrf", browser.cookies["msr_csrf"] ?? ""), ("username", "olive"),
                                                     ("password", "Good-pass-123")])
            XCTAssertEqual(again.location, "/recommend", again.text)
            let second = try XCTUnwrap(browser.cookies["msr_session"])
            XCTAssertNotEqual(first, second)
            let stale = Browser(client)
            stale.cookies["msr_session"] = first
            let awaited1 = try await stale.get("/recommend").location
            XCTAssertEqual(awaited1, "/")
            let awaited2 = try await browser.get("/recommend").status
            XCTAssertEqual(awaited2, .ok)

            // Over https (a proxy saying so), the cookie is Secure.
            let secure = Browser(client)
            secure.extraHeaders[.init("X-Forwarded-Proto")!] = "https"
            let signedSecurely = try await secure.signIn("olive")
            XCTAssertTrue(signedSecurely.setCookie("msr_session")?.contains("Secure") ?? false, signedSecurely.setCookies.joined())
            XCTAssertTrue(secure.cookies.isEmpty == false)
        }
    }

    func testWrongPasswordsAnswer401AndFiveLockTheAccountWithTheTimeItEnds() async throws {
        try await ServiceFixture().test { state, client in
            let browser = Browser(client)
            try await browser.register("pete")
            for _ in 0..<4 {
                let wrong = try await browser.signIn("pete", password: "Wrong-pass-123")
                XCTAssertEqual(wrong.status, .unauthorized)
                XCTAssertTrue(wrong.text.contains("wrong user name or password"), wrong.text)
                XCTAssertTrue(wrong.text.contains("value=\"pete\""), "the name is kept in the form")
                XCTAssertNil(wrong.setCookie("msr_session"))
            }
            let fifth = try await browser.signIn("pete", password: "Wrong-pass-123")
            XCTAssertEqual(fifth.status, .unauthorized)
            let locked = try await browser.signIn("pete")
            XCTAssertEqual(locked.status, .forbidden, locked.text)
            let until = try await XCTUnwrapAsync(try await state.database.user(named: "pete")?.lockedUntil)
            XCTAssertTrue(locked.text.contains("locked after 5 failed logins until \(utcTimestamp(until))"), locked.text)
            XCTAssertNil(locked.setCookie("msr_session"))
        }
    }

    func testTheLoginLimitAnswersAPageWith429AndRetryAfter() async throws {
        try await ServiceFixture(limits: ["logins_per_minute": 3]).test { _, client in
            let browser = Browser(client)
            for _ in 0..<3 {
                let awaited = try await browser.signIn("nobody", password: "Wrong-pass-123").status
                XCTAssertEqual(awaited, .unauthorized)
            }
            let limited = try await browser.signIn("nobody", password: "Wrong-pass-123")
            XCTAssertEqual(limited.status, .tooManyRequests, limited.text)
            XCTAssertTrue((1...20).contains(Int(limited.headers[.retryAfter] ?? "") ?? 0), "\(limited.headers)")
            XCTAssertTrue(limited.text.contains("too many login attempts from this address"), limited.text)
            XCTAssertEqual(limited.headers[.contentType], "text/html; charset=utf-8")
            XCTAssertPageHeaders(limited)
        }
    }

    func testSignOutEndsTheSessionServerSide() async throws {
        try await ServiceFixture().test { _, client in
            let browser = Browser(client)
            try await browser.signUp("quinn")
            let old = try XCTUnwrap(browser.cookies["msr_session"])
            let csrf = try await browser.sessionCSRF()
            let out = try await browser.post("/logout", [("csrf", csrf)])
            XCTAssertEqual(out.status, .seeOther)
            XCTAssertEqual(out.location, "/")
            let cleared = try XCTUnwrap(out.setCookie("msr_session"))
            XCTAssertTrue(cleared.contains("Max-Age=0"), cleared)
            XCTAssertNil(browser.cookies["msr_session"])
            // The old cookie, replayed, is worthless.
            let replay = Browser(client)
            replay.cookies["msr_session"] = old
            let page = try await replay.get("/recommend")
            XCTAssertEqual(page.status, .seeOther)
            XCTAssertEqual(page.location, "/")
        }
    }

    func testAnIdleSessionIsRefused() async throws {
        let fixture = try ServiceFixture()
        try await fixture.test { state, client in
            let browser = Browser(client)
            try await browser.register("rita")
            let user = try await XCTUnwrapAsync(try await state.database.user(named: "rita"))
            // At the database level: seen 31 minutes ago is over the 30-minute idle limit, and
            // the row is deleted.
            let idle = String(repeating: "a", count: 64), fresh = String(repeating: "b", count: 64)
            try await state.database.createSession(tokenHash: Sessions.hash(idle), userID: user.id, csrf: "c",
                                                   now: Date().addingTimeInterval(-31 * 60))
            try await state.database.createSession(tokenHash: Sessions.hash(fresh), userID: user.id, csrf: "c",
                                                   now: Date().addingTimeInterval(-29 * 60))
            let refused = try await state.database.session(tokenHash: Sessions.hash(idle), idle: 30 * 60)
            XCTAssertNil(refused)
            // Through the pages: the idle cookie is sent to sign in, the fresh one (29 minutes)
            // still works, and using it restarts its clock.
            let idleBrowser = Browser(client)
            idleBrowser.cookies["msr_session"] = idle
            let awaited1 = try await idleBrowser.get("/recommend").location
            XCTAssertEqual(awaited1, "/")
            let freshBrowser = Browser(client)
            freshBrowser.cookies["msr_session"] = fresh
            let awaited2 = try await freshBrowser.get("/recommend").status
            XCTAssertEqual(awaited2, .ok)
            let later = try await state.database.session(tokenHash: Sessions.hash(fresh), idle: 30 * 60,
                                                         now: Date().addingTimeInterval(29 * 60))
            XCTAssertNotNil(later, "the request touched the session")
        }
    }

    func testEveryStateChangingFormRefusesAMissingOrWrongCSRFToken() async throws {
        let fixture = try ServiceFixture()
        _ = try await AdminSetup.createAdmin(configFile: fixture.config, name: "root", password: "Admin-pass-123")
        let id = try RecommendationAPITests.trackIDs(fixture, count: 1)[0]
        let params = try Data(contentsOf: URL(fileURLWithPath: fixture.params))
        try await fixture.test { state, client in
            // Before a session: the field must equal the msr_csrf cookie.
            let anonymous = Browser(client)
            let form = try await anonymous.get("/")
            let token = try XCTUnwrap(form.csrf)
            let wrongToken = String(repeating: "0", count: 64)
            for fields in [[("username", "root"), ("password", "Admin-pass-123")],
                           [("csrf", wrongToken), ("username", "root"), ("password", "Admin-pass-123")]] {
                let page = try await anonymous.post("/", fields)
                XCTAssertEqual(page.status, .forbidden, page.text)
                XCTAssertTrue(page.text.contains("security token is missing or wrong"), page.text)
                XCTAssertNil(page.setCookie("msr_session"), "not signed in")
                let made = try await anonymous.post("/register", fields.map { $0.0 == "username" ? ("username", "sam") : $0 }
                                                    + [("confirm", "Admin-pass-123")])
                XCTAssertEqual(made.status, .forbidden, made.text)
                let awaited = try await state.database.user(named: "sam")
                XCTAssertNil(awaited, "not registered")
            }
            // The right field without the cookie (another site cannot read or set it) fails too.
            let noCookie = Browser(client)
            let awaited0 = try await noCookie.post("/", [("csrf", token), ("username", "root"), ("password", "Admin-pass-123")]).status
            XCTAssertEqual(awaited0, .forbidden)

            // Signed in: the field must equal the session's token.
            let admin = Browser(client)
            let signed = try await admin.signIn("root", password: "Admin-pass-123")
            XCTAssertEqual(signed.location, "/recommend")
            let user = Browser(client)
            try await user.signUp("tina")
            _ = try await state.database.recordFailedLogin(userID: try await XCTUnwrapAsync(try await state.database.user(named: "tina")).id,
                                                           limit: 1, until: Date().addingTimeInterval(600))
            let adminToken = try await admin.sessionCSRF()
            let userToken = try await user.sessionCSRF()
            XCTAssertNotEqual(adminToken, userToken)
            let forms: [(Browser, String, [(String, String)])] = [
                (user, "/recommend", [("playlist", id), ("k", "5")]),
                (admin, "/admin/params", [("train.max_depth", "6")]),
                (admin, "/admin/retrain", []),
                (admin, "/admin/users/delete", [("name", "tina")]),
                (admin, "/admin/users/promote", [("name", "tina")]),
                (admin, "/admin/users/unlock", [("name", "tina")]),
                (user, "/logout", []),
            ]
            for (browser, uri, fields) in forms {
                // Missing, wrong, and another session's token.
                let other = browser === admin ? userToken : adminToken
                for csrf in [nil, wrongToken, other] {
                    let sent = csrf.map { [("csrf", $0)] + fields } ?? fields
                    let page = try await browser.post(uri, sent)
                    XCTAssertEqual(page.status, .forbidden, "\(uri) \(csrf ?? "none"): \(page.text)")
                    XCTAssertPageHeaders(page)
                }
                // The same by multipart.
                let page = try await browser.post(uri, multipart: fields.map { .field($0.0, $0.1) } + [.field("csrf", wrongToken)])
                XCTAssertEqual(page.status, .forbidden, uri)
            }
            // Nothing changed.
            let history = try await state.database.history(userID: try await XCTUnwrapAsync(try await state.database.user(named: "tina")).id,
                                                           page: 1, perPage: 10)
            XCTAssertEqual(history.total, 0)
            XCTAssertFalse(FileManager.default.fileExists(atPath: fixture.log))
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: fixture.params)), params)
            let jobs = try await state.database.jobs(limit: 10)
            XCTAssertTrue(jobs.isEmpty)
            let tina = try await XCTUnwrapAsync(try await state.database.user(named: "tina"))
            XCTAssertEqual(tina.role, .user)
            XCTAssertNotNil(tina.lockedUntil)
            let awaited3 = try await user.get("/recommend").status
            XCTAssertEqual(awaited3, .ok, "still signed in")
            // With the right token, the same forms work.
            let out = try await user.post("/logout", [("csrf", userToken)])
            XCTAssertEqual(out.location, "/")
            let unlocked = try await admin.post("/admin/users/unlock", [("csrf", adminToken), ("name", "tina")])
            XCTAssertEqual(unlocked.status, .seeOther, unlocked.text)
            let awaited4 = try await state.database.user(named: "tina")?.lockedUntil
            XCTAssertNil(awaited4)
        }
    }

    func testHTMLInANameComesBackEscaped() async throws {
        let fixture = try ServiceFixture()
        _ = try await AdminSetup.createAdmin(configFile: fixture.config, name: "root", password: "Admin-pass-123")
        try await fixture.test { state, client in
            let attack = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>"
            let escaped = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"
            let browser = Browser(client)
            let refused = try await browser.register(attack)
            XCTAssertEqual(refused.status, .unprocessableContent)
            XCTAssertTrue(refused.text.contains("value=\"\(escaped)\""), refused.text)
            XCTAssertTrue(refused.text.contains("username: expected 3 to 32 letters"), refused.text)
            XCTAssertFalse(refused.text.contains("<script>alert") || refused.text.contains("<img src=x"), refused.text)
            let wrong = try await browser.signIn(attack)
            XCTAssertEqual(wrong.status, .unauthorized)
            XCTAssertTrue(wrong.text.contains(escaped), wrong.text)
            XCTAssertFalse(wrong.text.contains("<script>alert") || wrong.text.contains("<img src=x"), wrong.text)
            // A name that got into the database another way is escaped in the admin's table.
            _ = try await state.database.createUser(name: attack, passwordHash: "x", role: .user)
            let admin = Browser(client)
            _ = try await admin.signIn("root", password: "Admin-pass-123")
            let page = try await admin.get("/admin")
            XCTAssertEqual(page.status, .ok)
            XCTAssertTrue(page.text.contains("<td>\(escaped)</td>"), page.text)
            XCTAssertTrue(page.text.contains("name=\"name\" value=\"\(escaped)\""), page.text)
            XCTAssertFalse(page.text.contains("<script>alert") || page.text.contains("<img src=x"))
            // And its delete button works on that very name.
            let deleted = try await admin.post("/admin/users/delete", [("csrf", page.csrf ?? ""), ("name", attack)])
            XCTAssertEqual(deleted.status, .seeOther, deleted.text)
            let awaited = try await state.database.user(named: attack)
            XCTAssertNil(awaited)
        }
    }
}
