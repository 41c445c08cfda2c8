import Dispatch
import FoundationEssentials
import Glibc

/// `msr-factorize --engine spark`: the same playlist x track matrix factorised by Spark MLlib's
/// ALS (`implicitPrefs`), for matrices beyond one machine, through a PySpark job run with
/// `spark-submit` in client mode (scripts/spark/factorize_als.py): the matrix goes to the job as
/// a CSV of `playlist,track,value` (in a scratch folder the executors must see: local for a
/// `local[...]` master, a shared mount for a cluster's), and the track factors come back as text,
/// one track a line (`index value ...`, every value exact), for `TrackFactors` as msr's own fit.
/// Spark's confidence is msr's, 1 + alpha r; its regularization is scaled by each row's count
/// (ALS-WR), as Spark does it.
public struct SparkALS: Sendable {
    /// spark-submit: a path, or a name found on PATH.
    public var submit: String
    /// The PySpark job.
    public var job: String
    /// Spark's master URL.
    public var master: String

    public init(submit: String, job: String, master: String) {
        self.submit = submit
        self.job = job
        self.master = master
    }

    /// The spark-submit used when none is named: `$SPARK_SUBMIT`, else the project's
    /// `.venv-spark/bin/spark-submit` (scripts/venv makes it), else `spark-submit` on PATH.
    public static func defaultSubmit(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let submit = environment["SPARK_SUBMIT"], !submit.isEmpty { return submit }
        let venv = ".venv-spark/bin/spark-submit"
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : "spark-submit"
    }

    /// The track factors of `matrix` (`trackCount x params.factors`, packed).
    public func fit(_ matrix: InteractionMatrix, params: FactorizeParams) throws -> [Float] {
        guard !job.isEmpty else { throw MSRError(.missingInput, "--spark-job: an empty path") }
        guard FileKind.isRegularFile(job), FileManager.default.isReadableFile(atPath: job) else {
            throw MSRError(.missingInput, "\(job): the Spark job is not there (--spark-job: scripts/spark/factorize_als.py of "
                           + "msr's checkout)")
        }
        guard !submit.isEmpty else { throw MSRError(.unavailable, "--spark-submit (or SPARK_SUBMIT): an empty name") }
        guard let executable = Self.resolve(submit) else {
            if submit.contains("/"), FileManager.default.fileExists(atPath: submit) {
                throw MSRError(.unavailable, "\(submit): not an executable file (--spark-submit)")
            }
            throw MSRError(.unavailable, "\(submit): spark-submit not found (install pyspark 4.3: scripts/venv makes "
                           + ".venv-spark with `MSR_VENV=.venv-spark scripts/venv pyspark numpy`; or set SPARK_SUBMIT or --spark-submit)")
        }
        // SIGINT, SIGTERM, SIGHUP and SIGQUIT (a user's ^C, an orchestrator's stop, a closed
        // terminal), caught from before the scratch folder is made until spark-submit has ended,
        // go to its process group (its JVM and what it started): no Spark job outlives
        // msr-factorize, and the scratch folder is removed. Those this process ignores (nohup)
        // stay ignored, for the job too.
        let stop = StopSignal()
        stop.install()
        defer { stop.remove() }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("msr-spark-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let pairs = "\(scratch)/pairs.csv", out = "\(scratch)/track_factors.txt", log = "\(scratch)/spark.log"
        try Data(Self.pairsCSV(matrix.byPlaylist)).write(to: URL(fileURLWithPath: pairs))

        var arguments = ["--master", master, "--conf", "spark.ui.enabled=false"]
        var environment = ProcessInfo.processInfo.environment
        // A venv's spark-submit finds Spark through the venv's Python, which the job runs on too.
        let python = parentPath(executable) + "/python"
        if environment["PYSPARK_PYTHON"] == nil, FileManager.default.isExecutableFile(atPath: python) {
            environment["PYSPARK_PYTHON"] = python
            environment["PYSPARK_DRIVER_PYTHON"] = python
        }
        if master.hasPrefix("local") {
            // Loopback only.
            arguments += ["--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1"]
            environment["SPARK_LOCAL_IP"] = "127.0.0.1"
        }
        arguments += [job, "file://\(pairs)", out, "--factors", "\(params.factors)",
                      "--regularization", "\(params.regularization)", "--alpha", "\(params.alpha)",
                      "--iterations", "\(params.iterations)", "--seed", "\(params.randomState)"]
        if let number = stop.number {
            throw MSRError(.io, "stopped by signal \(number): the Spark job was not started, nothing written")
        }
        let child = try ChildProcess(executable, arguments: arguments, environment: environment, output: log,
                                     ownProcessGroup: true, defaultSignals: stop.caught + [SIGPIPE, SIGCHLD])
        stop.started(child.pid)
        // What is left of the group is killed before the child is reaped: its id cannot be reused
        // by then.
        let ending = child.wait(beforeReaping: stop.ended)
        // From here a signal acts as it would have without the job (reading the factors can take
        // seconds): one received until now stops the run.
        stop.remove()
        if let number = stop.number {
            throw MSRError(.io, "stopped by signal \(number): the Spark job was stopped, nothing written")
        }
        guard ending == .exit(0) else {
            throw MSRError(.unavailable, "\(job): the Spark job failed (spark-submit \(ending)): " + Self.cause(inLog: log))
        }
        guard FileKind.isRegularFile(out) else {
            throw MSRError(.unavailable, "\(job): the Spark job ended without writing the track factors (spark-submit exit 0)")
        }
        return try Self.readFactors(out, tracks: matrix.trackCount, factors: params.factors)
    }

    /// `name` as a runnable path: itself when it holds a slash, else its first match on PATH; a
    /// regular executable file either way.
    static func resolve(_ name: String) -> String? {
        func runnable(_ path: String) -> Bool { FileKind.isRegularFile(path) && FileManager.default.isExecutableFile(atPath: path) }
        guard !name.isEmpty else { return nil }
        if name.contains("/") { return runnable(name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first(where: runnable)
    }

    /// The signal that stops a run, and the child's process group it goes to: received before
    /// the child started, it is sent as the child starts; a group still there `grace` seconds
    /// after the signal is killed (SIGKILL), and what is left of it once the child has ended too.
    final class StopSignal: @unchecked Sendable {
        private let lock = Lock()
        private var value: Int32?
        private var group: pid_t?
        private var sources: [DispatchSourceSignal] = []
        private var previous: [(number: Int32, handler: __sighandler_t?)] = []
        static let grace = 10.0
        static let signals = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

        /// The signals `install` caught (those the process did not ignore).
        private(set) var caught: [Int32] = []

        /// The signal received, if one was.
        var number: Int32? { lock.withLock { value } }

        /// Catches `signals`, but those the process ignores already.
        func install() {
            for number in Self.signals {
                let handler = signal(number, SIG_IGN)
                previous.append((number, handler))
                if let handler, unsafeBitCast(handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) { continue }
                caught.append(number)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { [self] in received(number) }
                source.resume()
                sources.append(source)
            }
        }

        /// Gives the signals back their previous handling (again a no-op).
        func remove() {
            for source in sources { source.cancel() }
            sources = []
            for (number, handler) in previous { signal(number, handler) }
            previous = []
        }

        func received(_ number: Int32) {
            lock.withLock {
                guard value == nil else { return }
                value = number
                if let group { send(number, to: group) }
            }
        }

        func started(_ pid: pid_t) {
            lock.withLock {
                group = pid
                if let value { send(value, to: pid) }
            }
        }

        /// The child has ended (not yet reaped): whatever it left in its group is killed.
        func ended() {
            lock.withLock {
                if let group { kill(-group, SIGKILL) }
                group = nil
            }
        }

        private func send(_ number: Int32, to group: pid_t) {
            kill(-group, number)
            DispatchQueue.global().asyncAfter(deadline: .now() + Self.grace) { [self] in
                lock.withLock {
                    if let current = self.group, current == group { kill(-group, SIGKILL) }
                }
            }
        }
    }

    /// The largest factor magnitude taken from Spark: ALS factors of a 0/1 or BM25 matrix are far
    /// smaller, and beyond it the dot products of 1,024 factors could overflow Float32.
    static let largestFactor: Float = 1e6

    /// The matrix as `playlist,track,value` lines (values 1 as `1`, others in their shortest form).
    static func pairsCSV(_ rows: SparseRows) -> [UInt8] {
        var writer = CSVWriter(reservingCapacity: rows.entryCount * 14)
        for u in 0..<rows.rowCount {
            for k in rows.range(u) {
                writer.integer(u)
                writer.integer(Int(rows.columns[k]))
                let value = rows.values[k]
                if value == 1 { writer.integer(1) } else { writer.number(Double(value)) }
                writer.endRow()
            }
        }
        return writer.bytes
    }

    /// The job's factors file: one line per track, `index v1 ... vk`, every track once.
    static func readFactors(_ path: String, tracks: Int, factors: Int) throws -> [Float] {
        let text = String(decoding: try FileBytes.read(path, what: "Spark's track factors"), as: UTF8.self)
        // Named by what it is: the scratch file is gone when the message is read.
        let path = "the Spark job's track factors"
        var values = [Float](repeating: 0, count: tracks * factors)
        var seen = [Bool](repeating: false, count: tracks)
        var lines = 0
        for (number, line) in text.split(separator: "\n").enumerated() {
            let fields = line.split(separator: " ")
            guard fields.count == factors + 1, let track = Int(fields[0]), (0..<tracks).contains(track), !seen[track] else {
                throw MSRError.badData(file: path, line: number + 1, "expected a track index in [0, \(tracks)) not seen before "
                                       + "and \(factors) values")
            }
            for j in 0..<factors {
                guard let value = Float(fields[j + 1]), value.isFinite, abs(value) <= largestFactor else {
                    throw MSRError.badData(file: path, line: number + 1, "value \(j + 1): expected a finite number within "
                                           + "±\(Int(largestFactor))")
                }
                values[track * factors + j] = value
            }
            seen[track] = true
            lines += 1
        }
        guard lines == tracks else {
            throw MSRError.badData(file: path, "\(lines) tracks' factors, expected \(tracks) (every track of the matrix)")
        }
        return values
    }

    /// The job's own line (`factorize_als: ...`), else the first exception Spark names (`...
    /// SparkException: Master must ...`), else the log's last line.
    static func cause(inLog log: String) -> String {
        let lines = String(decoding: (try? FileBytes.read(log, what: "log")) ?? [], as: UTF8.self).split(separator: "\n")
        if let own = lines.last(where: { $0.contains("factorize_als: ") }) {
            return String(own[own.firstRange(of: "factorize_als: ")!.lowerBound...])
        }
        if let cause = lines.first(where: { $0.contains("Exception: ") || $0.contains("Error: ") }) {
            return cause.trimmingWhitespace()
        }
        return lines.last?.trimmingWhitespace() ?? "(no output)"
    }
}
