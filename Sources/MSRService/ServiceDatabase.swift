import Foundation
import GRDB
import MSRCore
import Synchronization

/// The service's SQLite database (WAL mode, through GRDB): users, sessions, lockouts, retrain
/// jobs, each user's recommendation history and the audit log. Every query lives here.
public final class ServiceDatabase: Sendable {
    let pool: DatabasePool
    /// Users by id, as every token-authenticated request looks its user up; any write to what
    /// a `User` holds empties it (this process is the only writer while it serves; `seen_upto`
    /// is not held) and counts a generation, so that a read begun before the write cannot put
    /// back what it read.
    private let userCache = Mutex<(generation: Int, users: [Int64: User])>((0, [:]))

    private func forgetUsers() {
        userCache.withLock { cache in
            cache.generation += 1
            cache.users.removeAll()
        }
    }

    /// The recommendation history's batched writer (`recordRecommendation`).
    private let historyWriter: HistoryWriter

    /// Opens (creating it and its folder when absent) and migrates the database at `path`.
    /// `historyFailed` hears of a batch of history records that could not be written (the
    /// answers were sent already), with its size.
    public init(path: String, historyFailed: @escaping @Sendable (any Error, Int) -> Void = { _, _ in }) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
        } catch {
            throw MSRError(.io, "\(path): cannot open the service database (\(error))")
        }
        historyWriter = HistoryWriter(write: { [pool] records in try await Self.write(records, to: pool) }, failed: historyFailed)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE users (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
                    password_hash TEXT NOT NULL,
                    role TEXT NOT NULL CHECK (role IN ('user', 'admin')),
                    created_at REAL NOT NULL,
                    failed_logins INTEGER NOT NULL DEFAULT 0,
                    locked_until REAL
                );
                CREATE TABLE sessions (
                    token_hash TEXT PRIMARY KEY,
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    csrf TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    last_seen REAL NOT NULL
                );
                CREATE INDEX sessions_user ON sessions(user_id);
                CREATE TABLE history (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    time REAL NOT NULL,
                    result TEXT NOT NULL
                );
                CREATE INDEX history_user ON history(user_id, id);
                CREATE TABLE seen (
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    uri TEXT NOT NULL,
                    PRIMARY KEY (user_id, uri)
                ) WITHOUT ROWID;
                CREATE TABLE jobs (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
                    requested_by TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    started_at REAL,
                    finished_at REAL,
                    log TEXT NOT NULL DEFAULT '',
                    error TEXT,
                    model_version TEXT
                );
                CREATE TABLE audit (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    time REAL NOT NULL,
                    actor TEXT NOT NULL,
                    action TEXT NOT NULL,
                    detail TEXT NOT NULL
                );
                """)
        }
        // The songs recommended to a user are marked seen when an `exclude_seen` request reads
        // them (`seen(userID:)`), from the history, not as each answer is recorded (a tenth of
        // a recommendation's cost under load, for an option few requests take): `seen_upto` is
        // the last history entry whose songs are in `seen`, every entry so far for a database
        // made by v1, which marked them as it recorded them.
        migrator.registerMigration("v2") { db in
            try db.execute(sql: """
                ALTER TABLE users ADD COLUMN seen_upto INTEGER NOT NULL DEFAULT 0;
                UPDATE users SET seen_upto = coalesce((SELECT max(id) FROM history WHERE user_id = users.id), 0);
                """)
        }
        return migrator
    }

    // MARK: Users

    /// Adds a user; a taken name (whatever its case) is `nil`.
    public func createUser(name: String, passwordHash: String, role: User.Role, now: Date = Date()) async throws -> User? {
        defer { forgetUsers() }
        return try await pool.write { db in
            if try Row.fetchOne(db, sql: "SELECT 1 FROM users WHERE name = ?", arguments: [name]) != nil { return nil }
            try db.execute(sql: "INSERT INTO users (name, password_hash, role, created_at) VALUES (?, ?, ?, ?)",
                           arguments: [name, passwordHash, role.rawValue, now.timeIntervalSince1970])
            return User(id: db.lastInsertedRowID, name: name, role: role, failedLogins: 0, lockedUntil: nil,
                        createdAt: now, passwordHash: passwordHash)
        }
    }

    /// Whether `name` can be looked up: SQLite reads a bound string up to its first NUL, so
    /// `dave\0x` would find dave. No account has such a name (the registration's rule).
    private static func searchable(_ name: String) -> Bool {
        !name.utf8.contains(0)
    }

    public func user(named name: String) async throws -> User? {
        guard Self.searchable(name) else { return nil }
        return try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM users WHERE name = ?", arguments: [name]).map(User.init(row:))
        }
    }

    public func user(id: Int64) async throws -> User? {
        let (cached, generation) = userCache.withLock { ($0.users[id], $0.generation) }
        if let cached { return cached }
        let user = try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM users WHERE id = ?", arguments: [id]).map(User.init(row:))
        }
        if let user {
            userCache.withLock { cache in
                guard cache.generation == generation else { return }  // a write came between: what was read may be gone
                if cache.users.count > 100_000 { cache.users.removeAll() }
                cache.users[id] = user
            }
        }
        return user
    }

    public func users() async throws -> [User] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM users ORDER BY name").map(User.init(row:))
        }
    }

    /// Whether any admin exists (the service says how to make the first one when none does).
    public func hasAdmin() async throws -> Bool {
        try await pool.read { db in try Row.fetchOne(db, sql: "SELECT 1 FROM users WHERE role = 'admin'") != nil }
    }

    /// Records a failed login; at `limit` failures in a row the account locks until `until`.
    /// Returns the failures so far.
    @discardableResult
    public func recordFailedLogin(userID: Int64, limit: Int, until: Date) async throws -> Int {
        defer { forgetUsers() }
        return try await pool.write { db in
            try db.execute(sql: "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ?", arguments: [userID])
            let failures = try Int.fetchOne(db, sql: "SELECT failed_logins FROM users WHERE id = ?", arguments: [userID]) ?? 0
            if failures >= limit {
                try db.execute(sql: "UPDATE users SET locked_until = ?, failed_logins = 0 WHERE id = ?",
                               arguments: [until.timeIntervalSince1970, userID])
            }
            return failures
        }
    }

    /// A successful login clears the failures.
    public func recordSuccessfulLogin(userID: Int64) async throws {
        defer { forgetUsers() }
        return try await pool.write { db in
            try db.execute(sql: "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?", arguments: [userID])
        }
    }

    /// Lifts a lockout; false when no such user.
    public func unlock(name: String) async throws -> Bool {
        guard Self.searchable(name) else { return false }
        defer { forgetUsers() }
        return try await pool.write { db in
            try db.execute(sql: "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE name = ?", arguments: [name])
            return db.changesCount > 0
        }
    }

    /// Sets a user's role; false when no such user.
    public func setRole(name: String, _ role: User.Role) async throws -> Bool {
        guard Self.searchable(name) else { return false }
        defer { forgetUsers() }
        return try await pool.write { db in
            try db.execute(sql: "UPDATE users SET role = ? WHERE name = ?", arguments: [role.rawValue, name])
            return db.changesCount > 0
        }
    }

    /// What `deleteUser(name:by:)` did.
    public enum Deletion: Equatable, Sendable {
        case deleted(User)
        case noSuchUser
        /// The user is the only admin: kept.
        case lastAdmin
        /// The acting account is no longer an admin (deleted or changed meanwhile): nothing done.
        case actorNotAdmin
    }

    /// Deletes user `name` with their sessions and history for the admin `actorID`, in one
    /// transaction: nothing when that account is no longer an admin or `name` is the last admin,
    /// so that two admins deleting each other at once leave one of them.
    public func deleteUser(name: String, by actorID: Int64) async throws -> Deletion {
        guard Self.searchable(name) else { return .noSuchUser }
        defer { forgetUsers() }
        return try await pool.write { db in
            guard try String.fetchOne(db, sql: "SELECT role FROM users WHERE id = ?", arguments: [actorID]) == User.Role.admin.rawValue else {
                return .actorNotAdmin
            }
            guard let user = try Row.fetchOne(db, sql: "SELECT * FROM users WHERE name = ?", arguments: [name]).map(User.init(row:)) else {
                return .noSuchUser
            }
            if user.role == .admin, try Int.fetchOne(db, sql: "SELECT count(*) FROM users WHERE role = 'admin'") ?? 0 <= 1 {
                return .lastAdmin
            }
            try db.execute(sql: "DELETE FROM users WHERE id = ?", arguments: [user.id])
            return .deleted(user)
        }
    }

    // MARK: Sessions

    public func createSession(tokenHash: String, userID: Int64, csrf: String, now: Date = Date()) async throws {
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO sessions (token_hash, user_id, csrf, created_at, last_seen) VALUES (?, ?, ?, ?, ?)",
                           arguments: [tokenHash, userID, csrf, now.timeIntervalSince1970, now.timeIntervalSince1970])
        }
    }

    /// The session's user and CSRF token when it was seen within `idle`, touching it; an idle
    /// session is deleted.
    public func session(tokenHash: String, idle: TimeInterval, now: Date = Date()) async throws -> (user: User, csrf: String)? {
        try await pool.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT user_id, csrf, last_seen FROM sessions WHERE token_hash = ?",
                                             arguments: [tokenHash]) else { return nil }
            let lastSeen: Double = row["last_seen"]
            guard now.timeIntervalSince1970 - lastSeen <= idle else {
                try db.execute(sql: "DELETE FROM sessions WHERE token_hash = ?", arguments: [tokenHash])
                return nil
            }
            let userID: Int64 = row["user_id"]
            guard let user = try Row.fetchOne(db, sql: "SELECT * FROM users WHERE id = ?", arguments: [userID]).map(User.init(row:)) else {
                return nil
            }
            try db.execute(sql: "UPDATE sessions SET last_seen = ? WHERE token_hash = ?", arguments: [now.timeIntervalSince1970, tokenHash])
            return (user, row["csrf"])
        }
    }

    public func deleteSession(tokenHash: String) async throws {
        try await pool.write { db in try db.execute(sql: "DELETE FROM sessions WHERE token_hash = ?", arguments: [tokenHash]) }
    }

    // MARK: History

    /// Records what was recommended to a user (`result`: the answer as the history keeps it,
    /// whose `recommendations` are marked seen when `seen(userID:)` next reads them), without waiting:
    /// the record is written with others in the next batch (`HistoryWriter`), before any read
    /// of the history or the seen songs.
    func recordRecommendation(userID: Int64, result: StoredAnswer, now: Date = Date()) {
        historyWriter.add(.init(userID: userID, time: now, result: result))
    }

    /// Returns once every recommendation recorded so far is written (a graceful stop waits for
    /// it; the history reads do it themselves).
    public func flushHistory() async {
        await historyWriter.flush()
    }

    /// One batch of history records in one transaction of a cached statement. A record whose
    /// user was deleted meanwhile is skipped (the batch's others are kept).
    private static func write(_ records: [HistoryWriter.Record], to pool: DatabasePool) async throws {
        try await pool.write { db in
            let history = try db.cachedStatement(sql: """
                INSERT INTO history (user_id, time, result) SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM users WHERE id = ?)
                """)
            for record in records {
                let result: DatabaseValue
                switch record.result {
                case .record(let bytes): result = Data(bytes).databaseValue
                case .text(let text): result = text.databaseValue
                }
                try history.execute(arguments: [record.userID, record.time.timeIntervalSince1970, result, record.userID])
            }
        }
    }

    /// The songs already recommended to a user: the `uri` of each of the `recommendations` in
    /// their history. Those of the entries recorded since the last call are added to `seen`
    /// first: a record's (`AnswerRecord`) as it reads them, a JSON text's by SQLite's JSON
    /// functions (an entry that is not JSON, whose `recommendations` is not an array, or a pick
    /// that is not an object with a string `uri`, adds nothing), at
    /// most `seenChunk` entries a transaction: a user who never asked before may have hundreds
    /// of thousands (about 20 µs each), and the other writers (the history, sign-ins, sessions)
    /// get their turn between chunks.
    public func seen(userID: Int64) async throws -> Set<String> {
        await flushHistory()
        while try await pool.write({ db in try Self.markSeen(userID: userID, atMost: Self.seenChunk, db) }) {}
        return try await pool.read { db in Set(try String.fetchAll(db, sql: "SELECT uri FROM seen WHERE user_id = ?", arguments: [userID])) }
    }

    /// History entries whose songs `seen(userID:)` marks in one transaction.
    static let seenChunk = 500

    /// Adds to `seen` the songs of the user's next (at most) `limit` entries past `seen_upto`
    /// and moves the mark past them; false when there were none.
    private static func markSeen(userID: Int64, atMost limit: Int, _ db: Database) throws -> Bool {
        guard let upto = try Int64.fetchOne(db, sql: "SELECT seen_upto FROM users WHERE id = ?", arguments: [userID]),
              let last = try Int64.fetchOne(db, sql: """
                  SELECT max(id) FROM (SELECT id FROM history WHERE user_id = ? AND id > ? ORDER BY id LIMIT ?)
                  """, arguments: [userID, upto, limit]) else { return false }
        try db.execute(sql: """
            INSERT OR IGNORE INTO seen (user_id, uri)
            SELECT history.user_id, json_extract(pick.value, '$.uri')
            FROM history, json_each(CASE WHEN json_valid(history.result) THEN history.result ELSE '{}' END,
                                    '$.recommendations') AS pick
            WHERE history.user_id = ? AND history.id > ? AND history.id <= ? AND typeof(pick.key) = 'integer'
              AND json_type(CASE WHEN pick.type = 'object' THEN pick.value ELSE '{}' END, '$.uri') = 'text'
            """, arguments: [userID, upto, last])
        let records = try Data.fetchAll(db, sql: """
            SELECT result FROM history WHERE user_id = ? AND id > ? AND id <= ? AND typeof(result) = 'blob'
            """, arguments: [userID, upto, last])
        let insert = try db.cachedStatement(sql: "INSERT OR IGNORE INTO seen (user_id, uri) VALUES (?, ?)")
        for record in records {
            for uri in StoredAnswer.record(Array(record)).recordURIs { try insert.execute(arguments: [userID, uri]) }
        }
        try db.execute(sql: "UPDATE users SET seen_upto = ? WHERE id = ?", arguments: [last, userID])
        return true
    }

    /// One page of a user's history, newest first, and the total count.
    public func history(userID: Int64, page: Int, perPage: Int) async throws -> (entries: [HistoryEntry], total: Int) {
        await flushHistory()
        return try await pool.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM history WHERE user_id = ?", arguments: [userID]) ?? 0
            let rows = try Row.fetchAll(db, sql: "SELECT id, time, result FROM history WHERE user_id = ? ORDER BY id DESC LIMIT ? OFFSET ?",
                                        arguments: [userID, perPage, (page - 1) * perPage])
            return (rows.map { row in
                let result: StoredAnswer
                switch (row["result"] as DatabaseValue).storage {
                case .blob(let bytes): result = .record(Array(bytes))
                case .string(let text): result = .text(text)
                default: result = .text("")
                }
                return HistoryEntry(id: row["id"], time: Date(timeIntervalSince1970: row["time"]), result: result)
            }, total)
        }
    }

    // MARK: Jobs

    /// Queues a job unless one is queued or running (then `nil`).
    public func createJob(requestedBy: String, now: Date = Date()) async throws -> Int64? {
        try await pool.write { db in
            if try Row.fetchOne(db, sql: "SELECT 1 FROM jobs WHERE status IN ('queued', 'running')") != nil { return nil }
            try db.execute(sql: "INSERT INTO jobs (status, requested_by, created_at) VALUES ('queued', ?, ?)",
                           arguments: [requestedBy, now.timeIntervalSince1970])
            return db.lastInsertedRowID
        }
    }

    public func updateJob(_ id: Int64, status: Job.Status, log: String, error: String? = nil, modelVersion: String? = nil,
                          now: Date = Date()) async throws {
        try await pool.write { db in
            let time = now.timeIntervalSince1970
            switch status {
            case .running:
                try db.execute(sql: "UPDATE jobs SET status = 'running', started_at = coalesce(started_at, ?), log = ? WHERE id = ?",
                               arguments: [time, log, id])
            case .succeeded, .failed:
                try db.execute(sql: "UPDATE jobs SET status = ?, finished_at = ?, log = ?, error = ?, model_version = ? WHERE id = ?",
                               arguments: [status.rawValue, time, log, error, modelVersion, id])
            case .queued:
                break
            }
        }
    }

    public func job(_ id: Int64) async throws -> Job? {
        try await pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM jobs WHERE id = ?", arguments: [id]).map(Job.init(row:)) }
    }

    public func jobs(limit: Int) async throws -> [Job] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM jobs ORDER BY id DESC LIMIT ?", arguments: [limit]).map(Job.init(row:))
        }
    }

    /// Jobs left queued or running by a service that stopped are failed at start.
    public func failInterruptedJobs(now: Date = Date()) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE jobs SET status = 'failed', finished_at = ?, error = 'the service stopped during the job' "
                           + "WHERE status IN ('queued', 'running')", arguments: [now.timeIntervalSince1970])
        }
    }

    // MARK: Audit

    public func audit(actor: String, action: String, detail: String, now: Date = Date()) async throws {
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO audit (time, actor, action, detail) VALUES (?, ?, ?, ?)",
                           arguments: [now.timeIntervalSince1970, actor, action, detail])
        }
    }

    public func auditLog(limit: Int) async throws -> [AuditEntry] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM audit ORDER BY id DESC LIMIT ?", arguments: [limit]).map {
                AuditEntry(time: Date(timeIntervalSince1970: $0["time"]), actor: $0["actor"], action: $0["action"], detail: $0["detail"])
            }
        }
    }
}

/// An account.
public struct User: Sendable, Equatable {
    public enum Role: String, Sendable { case user, admin }
    public var id: Int64
    public var name: String
    public var role: Role
    public var failedLogins: Int
    /// Set while the account is locked after too many failed logins.
    public var lockedUntil: Date?
    public var createdAt: Date
    var passwordHash: String

    init(id: Int64, name: String, role: Role, failedLogins: Int, lockedUntil: Date?, createdAt: Date, passwordHash: String) {
        self.id = id
        self.name = name
        self.role = role
        self.failedLogins = failedLogins
        self.lockedUntil = lockedUntil
        self.createdAt = createdAt
        self.passwordHash = passwordHash
    }

    init(row: Row) {
        self.init(id: row["id"], name: row["name"], role: Role(rawValue: row["role"]) ?? .user, failedLogins: row["failed_logins"],
                  lockedUntil: (row["locked_until"] as Double?).map(Date.init(timeIntervalSince1970:)),
                  createdAt: Date(timeIntervalSince1970: row["created_at"]), passwordHash: row["password_hash"])
    }

    /// Whether the account is locked at `now`.
    public func isLocked(at now: Date) -> Bool { lockedUntil.map { $0 > now } ?? false }

    public var json: JSONValue {
        .object(["name": .string(name), "role": .string(role.rawValue), "created_at": .string(utcTimestamp(createdAt)),
                 "locked_until": lockedUntil.map { .string(utcTimestamp($0)) } ?? .null, "failed_logins": .int(failedLogins)])
    }
}

/// One recommendation call in a user's history.
public struct HistoryEntry: Sendable {
    public var id: Int64
    public var time: Date
    /// The answer as the history keeps it (`result.answer`: as it was sent).
    var result: StoredAnswer
}

/// A retrain job.
public struct Job: Sendable {
    public enum Status: String, Sendable { case queued, running, succeeded, failed }
    public var id: Int64
    public var status: Status
    public var requestedBy: String
    public var createdAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    public var log: String
    public var error: String?
    public var modelVersion: String?

    init(row: Row) {
        id = row["id"]
        status = Status(rawValue: row["status"]) ?? .failed
        requestedBy = row["requested_by"]
        createdAt = Date(timeIntervalSince1970: row["created_at"])
        startedAt = (row["started_at"] as Double?).map(Date.init(timeIntervalSince1970:))
        finishedAt = (row["finished_at"] as Double?).map(Date.init(timeIntervalSince1970:))
        log = row["log"]
        error = row["error"]
        modelVersion = row["model_version"]
    }

    public var json: JSONValue {
        func time(_ date: Date?) -> JSONValue { date.map { .string(utcTimestamp($0)) } ?? .null }
        return .object(["id": .int(Int(id)), "status": .string(status.rawValue), "requested_by": .string(requestedBy),
                        "created_at": time(createdAt), "started_at": time(startedAt), "finished_at": time(finishedAt),
                        "log": .string(log), "error": error.map(JSONValue.string) ?? .null,
                        "model_version": modelVersion.map(JSONValue.string) ?? .null])
    }
}

/// One administrative action.
public struct AuditEntry: Sendable {
    public var time: Date
    public var actor: String
    public var action: String
    public var detail: String
}
