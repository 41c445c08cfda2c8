import Foundation
import MSRCore

/// Registration and login, shared by the JSON API and the pages: the policy checks, the
/// lockout after `serve.lockout_failures` failed logins in a row, and the audit of both.
struct Accounts {
    let state: ServiceState

    /// Makes an account; the name and password are checked against the policy (422 naming the
    /// field), a taken name is 409.
    func register(name: String, password: String, role: User.Role = .user) async throws -> User {
        if let problem = Credentials.problem(username: name) { throw APIError.unprocessable("username", "username: \(problem)") }
        if let problem = Credentials.problem(password: password, username: name) {
            throw APIError.unprocessable("password", "password: \(problem)")
        }
        let hash = try await Credentials.hash(password)
        guard let user = try await state.database.createUser(name: name, passwordHash: hash, role: role) else {
            throw APIError(.conflict, "username_taken", "the user name '\(name)' is taken", field: "username")
        }
        try await state.database.audit(actor: name, action: "register", detail: "role \(role.rawValue)")
        return user
    }

    /// The user whose name and password these are. Wrong ones are 401 without saying which was
    /// wrong (an unknown name costs the same bcrypt time); a locked account is 403 until its
    /// lock ends, whatever the password. One attempt at a time per account: thirty wrong
    /// passwords sent at once lock it after the fifth, as one after another would, and a right
    /// one sent among them cannot lift a lock the earlier ones set.
    func login(name: String, password: String, now: Date = Date()) async throws -> User {
        let invalid = APIError(.unauthorized, "invalid_credentials", "wrong user name or password")
        guard password.utf8.count <= 1024, name.utf8.count <= 64, let named = try await state.database.user(named: name) else {
            try await Credentials.verifyDecoy(String(password.prefix(72)))
            throw invalid
        }
        return try await state.loginTurn.run(named.id) {
            // Read again in turn: the attempts before this one may have locked (or deleted) it.
            guard let user = try await state.database.user(id: named.id) else { throw invalid }
            return try await attempt(user, password: password, now: now, invalid: invalid)
        }
    }

    private func attempt(_ user: User, password: String, now: Date, invalid: APIError) async throws -> User {
        if let until = user.lockedUntil, until > now {
            throw APIError(.forbidden, "account_locked", "the account is locked after \(state.settings.lockoutFailures) failed logins "
                           + "until \(utcTimestamp(until)): try again later or ask an admin to unlock it")
        }
        guard try await Credentials.verify(password, hash: user.passwordHash) else {
            let failures = try await state.database.recordFailedLogin(
                userID: user.id, limit: state.settings.lockoutFailures, until: now.addingTimeInterval(TimeInterval(state.settings.lockoutMinutes * 60)))
            if failures >= state.settings.lockoutFailures {
                try await state.database.audit(actor: user.name, action: "lockout", detail: "\(failures) failed logins")
            }
            throw invalid
        }
        try await state.database.recordSuccessfulLogin(userID: user.id)
        return user
    }

    /// Takes one login attempt from the client's address, or 429.
    func limitLogins(client: String) throws {
        if let wait = state.loginLimiter.take(client) { throw APIError.tooManyRequests("login attempts from this address", retryAfter: wait) }
    }
}
