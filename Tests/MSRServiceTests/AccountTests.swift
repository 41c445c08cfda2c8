import Foundation
import HTTPTypes
import JWTKit
import MSRCore
@testable import MSRService
import MSRTestSupport
import XCTest

/// Registration, tokens, lockout, deleted users.
final class AccountTests: XCTestCase {
    func testRegistrationChecksTheNameAndThePasswordPolicy() async throws {
        try await ServiceFixture().test { _, client in
            let cases: [(String, String, String)] = [
                (#"{"username": "al", "password": "Good-pass-123"}"#, "username", "username: expected 3 to 32 letters, digits, '.', '_' or '-'"),
                (#"{"username": "alice", "password": "short-1A"}"#, "password", "password: expected at least 10 characters with an upper-case letter, a lower-case letter, a digit and a symbol"),
                (#"{"username": "alice", "password": "nouppercase-123"}"#, "password", "password: expected at least 10 characters with an upper-case letter, a lower-case letter, a digit and a symbol"),
                (#"{"username": "alice", "password": "NoSymbol12345"}"#, "password", "password: expected at least 10 characters with an upper-case letter, a lower-case letter, a digit and a symbol"),
                (#"{"username": "Pass-word-123", "password": "pass-WORD-123"}"#, "password", "password: must not be the user name"),
                (#"{"username": "alice\u0000", "password": "Good-pass-123"}"#, "username", "username: expected 3 to 32 letters, digits, '.', '_' or '-'"),
                (#"{"username": "alice", "password": "Good-pass-123\n"}"#, "password", "password: must not hold control characters"),
                (#"{"username": "alice"}"#, "password", "missing field 'password'"),
                (#"{"username": 7, "password": "Good-pass-123"}"#, "username", "expected a string"),
                (#"{"username": "alice", "password": "Good-pass-123", "role": "admin"}"#, "role", "unknown field (expected: username, password)"),
            ]
            for (body, field, message) in cases {
                let reply = try await client.call(.post, "/v1/users", body)
                XCTAssertError(reply, .unprocessableContent, code: "invalid_field", field: field)
                XCTAssertEqual(reply.string("error.message"), message, body)
            }
            XCTAssertError(try await client.call(.post, "/v1/users", "[1]"), .badRequest, code: "invalid_request")
            XCTAssertError(try await client.call(.post, "/v1/users", "{\"username\": "), .badRequest, code: "invalid_request")
            let made = try await client.call(.post, "/v1/users", #"{"username": "alice", "password": "Good-pass-123"}"#)
            XCTAssertEqual(made.status, .created)
            XCTAssertEqual(made.string("name"), "alice")
            XCTAssertEqual(made.string("role"), "user")
            // Names are unique whatever their case.
            XCTAssertError(try await client.call(.post, "/v1/users", #"{"username": "ALICE", "password": "Good-pass-123"}"#),
                           .conflict, code: "username_taken", field: "username")
        }
    }

    func testATokenAuthenticatesAndBadTokensAreRefused() async throws {
        let fixture = try ServiceFixture()
        try await fixture.test { state, client in
            let token = try await client.signUp("bob")
            let awaited1 = try await client.call(.get, "/v1/recommendations", token: token).status
            XCTAssertEqual(awaited1, .ok)
            XCTAssertError(try await client.call(.get, "/v1/recommendations"), .unauthorized, code: "unauthorized")
            // One byte changed in the signature; a token signed with another key; an expired one; garbage.
            var forged = Array(token)
            forged[forged.count - 3] = forged[forged.count - 3] == "A" ? "B" : "A"
            let otherKeys = await JWTKeyCollection().add(hmac: HMACKey(from: String(repeating: "k", count: 40)), digestAlgorithm: .sha256, kid: "msr")
            struct Claims: JWTPayload {
                var sub: SubjectClaim, name: String, exp: ExpirationClaim, iat: IssuedAtClaim
                func verify(using algorithm: some JWTAlgorithm) async throws {}
            }
            let foreign = try await otherKeys.sign(Claims(sub: "1", name: "bob", exp: .init(value: Date().addingTimeInterval(600)),
                                                          iat: .init(value: Date())), kid: "msr")
            let keyText = try String(contentsOfFile: "\(fixture.path)/.msr/jwt.key", encoding: .utf8)
            let ownKeys = await JWTKeyCollection().add(hmac: HMACKey(from: keyText), digestAlgorithm: .sha256, kid: "msr")
            let expired = try await ownKeys.sign(Claims(sub: "1", name: "bob", exp: .init(value: Date().addingTimeInterval(-1)),
                                                        iat: .init(value: Date().addingTimeInterval(-900))), kid: "msr")
            let valid = try await ownKeys.sign(Claims(sub: "1", name: "bob", exp: .init(value: Date().addingTimeInterval(60)),
                                                      iat: .init(value: Date())), kid: "msr")
            let awaited2 = try await client.call(.get, "/v1/recommendations", token: valid).status
            XCTAssertEqual(awaited2, .ok, "the key file signs")
            // The token spelt otherwise: padded, or its last character's unused bits set (the
            // same bytes once decoded); a signature that is no base64url.
            let bumped = String(token.dropLast()) + String(UnicodeScalar(token.unicodeScalars.last!.value + 1)!)
            XCTAssertTrue(Tokens.isCanonical(token))
            XCTAssertFalse(Tokens.isCanonical(bumped), bumped)
            for bad in [String(forged), foreign, expired, "not.a.token", String(repeating: "a", count: 10_000), token + "=", bumped,
                        token + ".", "." + token, token.replacingOccurrences(of: ".", with: "..")] {
                XCTAssertError(try await client.call(.get, "/v1/recommendations", token: bad), .unauthorized, code: "invalid_token",
                               field: "Authorization")
            }
            // Spaces and tabs around the token are HTTP's optional white space; any other
            // character is part of the token, which then fails its check.
            for padded in ["Bearer  \(token) ", "bearer \t\(token)\t", "BEARER \(token)", "Bearer\t\(token)\t"] {
                let status = try await client.call(.get, "/v1/recommendations", headers: [.authorization: padded]).status
                XCTAssertEqual(status, .ok, padded)
            }
            for odd in ["\u{200B}", "\u{A0}", "\u{85}", "\u{2028}", " \u{301}", "\u{3000}"] {
                XCTAssertError(try await client.call(.get, "/v1/recommendations", headers: [.authorization: "Bearer \(token)\(odd)"]),
                               .unauthorized, code: "invalid_token", field: "Authorization")
            }
            XCTAssertEqual(AuthenticationMiddleware.bearerToken("Bearer \t "), "")
            XCTAssertEqual(AuthenticationMiddleware.bearerToken("Bearer \t é \t"), "é")
            XCTAssertError(try await client.call(.get, "/v1/recommendations", headers: [.authorization: "Basic Ym9iOng="]),
                           .unauthorized, code: "unauthorized", field: "Authorization")
            _ = state
        }
    }

    func testFiveFailedLoginsLockTheAccountUntilAnAdminUnlocksIt() async throws {
        let fixture = try ServiceFixture()
        _ = try await AdminSetup.createAdmin(configFile: fixture.config, name: "root", password: "Admin-pass-123")
        try await fixture.test { _, client in
            _ = try await client.signUp("carol")
            for _ in 0..<4 {
                XCTAssertError(try await client.call(.post, "/v1/token", #"{"username": "carol", "password": "Wrong-pass-123"}"#),
                               .unauthorized, code: "invalid_credentials")
            }
            // A success resets the count: four more failures still do not lock.
            _ = try await client.signIn("carol")
            for _ in 0..<4 {
                _ = try await client.call(.post, "/v1/token", #"{"username": "carol", "password": "Wrong-pass-123"}"#)
            }
            _ = try await client.signIn("carol")
            for _ in 0..<5 {
                _ = try await client.call(.post, "/v1/token", #"{"username": "carol", "password": "Wrong-pass-123"}"#)
            }
            // Locked: even the right password is refused.
            let locked = try await client.call(.post, "/v1/token", #"{"username": "carol", "password": "Good-pass-123"}"#)
            XCTAssertError(locked, .forbidden, code: "account_locked")
            XCTAssertTrue(locked.string("error.message")?.contains("locked after 5 failed logins") ?? false, locked.text)
            let admin = try await client.signIn("root", password: "Admin-pass-123")
            let users = try await client.call(.get, "/v1/admin/users", token: admin)
            XCTAssertTrue(users.text.contains(#""locked_until":"20"#), users.text)
            let awaited3 = try await client.call(.post, "/v1/admin/users/carol/unlock", token: admin).status
            XCTAssertEqual(awaited3, .noContent)
            _ = try await client.signIn("carol")
            // A NUL in the name is no way in: SQLite would read "carol\0x" as carol.
            XCTAssertError(try await client.call(.post, "/v1/token", #"{"username": "carol\u0000x", "password": "Good-pass-123"}"#),
                           .unauthorized, code: "invalid_credentials")
            // Unknown names get the same answer as wrong passwords.
            XCTAssertError(try await client.call(.post, "/v1/token", #"{"username": "nobody", "password": "Good-pass-123"}"#),
                           .unauthorized, code: "invalid_credentials")
        }
    }

    /// Wrong passwords sent at once lock the account as they would one after another (one
    /// attempt at a time per account): five are checked, the others refused as locked.
    func testWrongPasswordsSentAtOnceLockTheAccountAfterFive() async throws {
        let fixture = try ServiceFixture()
        try await fixture.test { _, client in
            _ = try await client.signUp("erin")
            let statuses = try await withThrowingTaskGroup(of: HTTPTypes.HTTPResponse.Status.self) { group in
                for _ in 0..<8 {
                    group.addTask { try await client.call(.post, "/v1/token", #"{"username": "erin", "password": "Wrong-pass-123"}"#).status }
                }
                var statuses: [HTTPTypes.HTTPResponse.Status] = []
                for try await status in group { statuses.append(status) }
                return statuses
            }
            XCTAssertEqual(statuses.filter { $0 == .unauthorized }.count, 5, "\(statuses)")
            XCTAssertEqual(statuses.filter { $0 == .forbidden }.count, 3, "\(statuses)")
            XCTAssertError(try await client.call(.post, "/v1/token", #"{"username": "erin", "password": "Good-pass-123"}"#),
                           .forbidden, code: "account_locked")
        }
    }

    func testADeletedUserCannotSignInAndTheirTokenStopsWorking() async throws {
        let fixture = try ServiceFixture()
        _ = try await AdminSetup.createAdmin(configFile: fixture.config, name: "root", password: "Admin-pass-123")
        try await fixture.test { _, client in
            let token = try await client.signUp("dave")
            let admin = try await client.signIn("root", password: "Admin-pass-123")
            // A NUL (%00) would have SQL read the name only up to it: no account has such a name.
            for path in ["/v1/admin/users/dave%00x", "/v1/admin/users/dave%00x/promote", "/v1/admin/users/dave%00x/unlock"] {
                let method: HTTPTypes.HTTPRequest.Method = path.hasSuffix("x") ? .delete : .post
                XCTAssertError(try await client.call(method, path, token: admin), .notFound, code: "not_found", field: "name")
            }
            // The name percent-decoded, as a browser or a client library may send it.
            let awaited4 = try await client.call(.delete, "/v1/admin/users/%64ave", token: admin).status
            XCTAssertEqual(awaited4, .noContent)
            XCTAssertError(try await client.call(.get, "/v1/recommendations", token: token), .unauthorized, code: "invalid_token")
            XCTAssertError(try await client.call(.post, "/v1/token", #"{"username": "dave", "password": "Good-pass-123"}"#),
                           .unauthorized, code: "invalid_credentials")
            let gone = try await client.call(.delete, "/v1/admin/users/dave", token: admin)
            XCTAssertError(gone, .notFound, code: "not_found", field: "name")
            XCTAssertEqual(gone.string("error.message"), #"no user "dave""#)
            let long = try await client.call(.delete, "/v1/admin/users/" + String(repeating: "x", count: 10_000), token: admin)
            XCTAssertEqual(long.string("error.message"), "no user \"" + String(repeating: "x", count: 80) + "...\"")
            // The last admin cannot be deleted.
            XCTAssertError(try await client.call(.delete, "/v1/admin/users/root", token: admin), .conflict, code: "last_admin")
        }
    }

    /// Two admins deleting each other at once leave one of them: the check that the actor is
    /// still an admin, the last-admin check and the delete are one transaction.
    func testTwoAdminsDeletingEachOtherAtOnceLeaveOne() async throws {
        try await withTemporaryFolderAsync { folder in
            for round in 0..<10 {
                let database = try ServiceDatabase(path: "\(folder)/s\(round).sqlite") { _, _ in }
                let ana = try await XCTUnwrapAsync(try await database.createUser(name: "ana", passwordHash: "x", role: .admin))
                let bo = try await XCTUnwrapAsync(try await database.createUser(name: "bo", passwordHash: "x", role: .admin))
                async let first = database.deleteUser(name: "bo", by: ana.id)
                async let second = database.deleteUser(name: "ana", by: bo.id)
                let outcomes = try await [first, second]
                let names = outcomes.map { outcome in if case .deleted(let user) = outcome { user.name } else { "\(outcome)" } }
                XCTAssertTrue(names == ["bo", "actorNotAdmin"] || names == ["actorNotAdmin", "ana"], "\(names)")
                let admins = try await database.users().filter { $0.role == .admin }.count
                XCTAssertEqual(admins, 1)
                // The one left cannot delete itself.
                let survivor = outcomes[0] == .actorNotAdmin ? bo : ana
                let last = try await database.deleteUser(name: survivor.name, by: survivor.id)
                XCTAssertEqual(last, .lastAdmin)
            }
        }
    }

    func testCreateAdminRefusesAWeakPasswordAndATakenName() async throws {
        let fixture = try ServiceFixture()
        let weak = await asyncErrorMessage { _ = try await AdminSetup.createAdmin(configFile: fixture.config, name: "root", password: "weak") }
        XCTAssertEqual(weak,
                       "password: expected at least 10 characters with an upper-case letter, a lower-case letter, a digit and a symbol")
        _ = try await AdminSetup.createAdmin(configFile: fixture.config, name: "root", password: "Admin-pass-123")
        let taken = await asyncErrorMessage { _ = try await AdminSetup.createAdmin(configFile: fixture.config, name: "root", password: "Admin-pass-123") }
        XCTAssertEqual(taken,
                       "user name 'root': already taken (promote it from the admin area, or pick another)")
    }
}

/// The message of the MSRError an async call throws.
func asyncErrorMessage(_ body: () async throws -> Void) async -> String {
    do {
        try await body()
        return "no error"
    } catch let error as MSRError {
        return error.message
    } catch {
        return "\(error)"
    }
}
