import Foundation
import Synchronization
import Logging
import MSRCore

/// Everything the routes share: the project's config, the database, the models, the token
/// keys, the limiters, the metrics and the retrain runner. Made once at start.
public final class ServiceState: Sendable {
    /// How the service was started.
    public struct Options: Sendable {
        public var configFile = "config.yaml"
        public var paramsFile = "params.yaml"
        /// Overrides of `serve.host` and `serve.port`.
        public var host: String?
        public var port: Int?
        /// The folder holding the stage executables a retrain runs (default: msr-serve's own).
        public var binaries: String?
        /// The environment (`MSR_JWT_KEY`).
        public var environment = ProcessInfo.processInfo.environment

        public init() {}
    }

    public let options: Options
    public let config: ProjectConfig
    public let settings: ServeSettings
    public let schema: Schema
    public let database: ServiceDatabase
    public let models: ModelStore
    public let metrics: ServiceMetrics
    let tokens: Tokens
    let recommendationLimiter: RateLimiter
    let loginLimiter: RateLimiter
    let addressLimiter: RateLimiter
    let retrainer: Retrainer
    /// The recommendations log (`prediction.log`), held open.
    let recommendationLog: RecommendationLogAppender
    /// The recommendations log as the monitoring page last read it (it reads what was appended
    /// since).
    let monitoringLog = Mutex(MonitorLogReader())
    /// One monitoring page drawn at a time: the others wait without holding one of NIO's pool
    /// threads (one a core), so that sign-ins (bcrypt, on the same pool) go on.
    let monitoringTurn = OnePerKey<Int>()
    /// One `exclude_seen` recommendation at a time per user (`Recommendations`).
    let seenSongs = OnePerKey<Int64>()
    /// One login attempt at a time per account (`Accounts.login`), so that the lockout counts
    /// attempts sent at once as it counts them one after another.
    let loginTurn = OnePerKey<Int64>()
    let logger: Logger
    /// Seconds a browser session may stay idle.
    let sessionIdle: TimeInterval
    /// Held while serving: one msr-serve per database (the user cache, the limiters, a retrain's
    /// model reload are each process's own).
    private let databaseLock: StageLock

    /// Reads config.yaml (its `serve` section), checks params.yaml and schema.yaml, opens the
    /// database, reads or makes the JWT key and loads the models: each failure is one line
    /// (a missing model says "run make pipeline first").
    public init(_ options: Options, logger: Logger) async throws {
        self.options = options
        config = try ProjectConfig.load(path: options.configFile)
        _ = try Params.load(path: options.paramsFile)
        settings = config.serve
        schema = try Schema.load(path: config.schema)
        let key = try Tokens.loadKey(file: settings.jwtKeyFile, environment: options.environment)
        models = ModelStore(paths: config.prediction, paramsFile: options.paramsFile)
        recommendationLog = RecommendationLogAppender(RecommendationLog(path: config.prediction.log))
        metrics = ServiceMetrics()
        let loaded = try models.reload()
        metrics.modelVersion(loaded.version, previous: nil)
        databaseLock = try Self.lock(database: settings.database)
        database = try ServiceDatabase(path: settings.database) { error, count in
            logger.error("history not recorded", metadata: ["records": .stringConvertible(count), "error": .string(String(describing: error))])
        }
        try await database.failInterruptedJobs()
        tokens = await Tokens(key: key, lifetime: TimeInterval(settings.tokenMinutes * 60))
        recommendationLimiter = RateLimiter(perMinute: settings.limits.recommendationsPerMinute)
        loginLimiter = RateLimiter(perMinute: settings.limits.loginsPerMinute)
        addressLimiter = RateLimiter(perMinute: settings.limits.requestsPerMinute)
        sessionIdle = TimeInterval(settings.sessionIdleMinutes * 60)
        self.logger = logger
        // The stages beside this executable: its own path (/proc/self/exe), not argv[0], which
        // is a bare name when msr-serve was found on PATH.
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let binaries = options.binaries ?? URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent().path
        retrainer = Retrainer(mode: settings.retrain, binaries: binaries, configFile: options.configFile, paramsFile: options.paramsFile)
    }

    /// The lock beside the database (`msr.sqlite.lock`), its folder made when absent.
    private static func lock(database: String) throws -> StageLock {
        let folder = URL(fileURLWithPath: database).deletingLastPathComponent().path
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return try StageLock.acquire(path: database + ".lock", owner: "msr-serve", doing: "is serving this database",
                                     advice: "stop it first, or give this one its own serve.database")
    }

    /// The host and port to listen on.
    public var address: (host: String, port: Int) {
        (options.host ?? settings.host, options.port ?? settings.port)
    }

    /// The largest request body in bytes.
    var maxBody: Int {
        settings.limits.maxBodyKB == 0 ? Int.max : settings.limits.maxBodyKB * 1024
    }
}
