/// config.yaml's `serve` section: where msr-serve listens, keeps its database and key, and the
/// limits it enforces. Optional in the file: absent, every value is its default.
public struct ServeSettings: Sendable, Equatable {
    /// The address to listen on (loopback unless the operator decides otherwise).
    public var host = "127.0.0.1"
    public var port = 8080
    /// The SQLite database of users, sessions, lockouts, jobs, history and the audit log.
    public var database = "data/serve/msr.sqlite"
    /// The JWT signing key's file (mode 0600, made with a random key when absent), used when
    /// the `MSR_JWT_KEY` environment variable is not set.
    public var jwtKeyFile = ".msr/jwt.key"
    /// How the admin's retrain runs the pipeline: the stage executables in order, or `dvc repro`.
    public var retrain = Retrain.stages
    /// A browser session ends after this many minutes without a request.
    public var sessionIdleMinutes = 30
    /// An API token (`POST /v1/token`) is valid this long.
    public var tokenMinutes = 15
    /// Failed logins in a row that lock an account, and for how long.
    public var lockoutFailures = 5
    public var lockoutMinutes = 15
    public var limits = Limits()

    /// How a retrain job runs the pipeline.
    public enum Retrain: String, Sendable, CaseIterable {
        case stages, dvc
    }

    /// Request limits; 0 turns a limit off (for load tests).
    public struct Limits: Sendable, Equatable {
        /// Recommendations per signed-in user per minute.
        public var recommendationsPerMinute = 5
        /// Login attempts (page and token) per client address per minute.
        public var loginsPerMinute = 10
        /// Requests of any kind per client address per minute.
        public var requestsPerMinute = 600
        /// The largest request body, in KiB (413 beyond).
        public var maxBodyKB = 1024

        public init() {}
    }

    public init() {}

    /// The environment variable that, when set, holds the JWT signing key.
    public static let jwtKeyVariable = "MSR_JWT_KEY"

    /// Reads the `serve` section.
    init(_ value: ConfigValue) throws {
        var section = try value.mapping()
        if let v = section.optional("host") { host = try v.string() }
        if let v = section.optional("port") { port = try v.int(min: 0, max: 65535) }
        if let v = section.optional("database") { database = try v.filePath() }
        if let v = section.optional("jwt_key_file") { jwtKeyFile = try v.filePath() }
        if let v = section.optional("retrain") {
            let text = try v.string()
            guard let mode = Retrain(rawValue: text) else {
                throw v.error("expected one of \(Retrain.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(text)\"")
            }
            retrain = mode
        }
        if let v = section.optional("session_idle_minutes") { sessionIdleMinutes = try v.int(min: 1, max: 10080) }
        if let v = section.optional("token_minutes") { tokenMinutes = try v.int(min: 1, max: 1440) }
        if let v = section.optional("lockout_failures") { lockoutFailures = try v.int(min: 1, max: 1000) }
        if let v = section.optional("lockout_minutes") { lockoutMinutes = try v.int(min: 1, max: 10080) }
        if let v = section.optional("limits") {
            var limitsSection = try v.mapping()
            func limit(_ key: String, _ current: Int, max: Int) throws -> Int {
                try limitsSection.optional(key)?.int(min: 0, max: max) ?? current
            }
            limits.recommendationsPerMinute = try limit("recommendations_per_minute", limits.recommendationsPerMinute, max: 1_000_000_000)
            limits.loginsPerMinute = try limit("logins_per_minute", limits.loginsPerMinute, max: 1_000_000_000)
            limits.requestsPerMinute = try limit("requests_per_minute", limits.requestsPerMinute, max: 1_000_000_000)
            limits.maxBodyKB = try limit("max_body_kb", limits.maxBodyKB, max: 1 << 20)
            try limitsSection.finish()
        }
        try section.finish()
    }
}
