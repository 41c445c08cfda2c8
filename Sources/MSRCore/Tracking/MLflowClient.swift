import FoundationEssentials
import Glibc

/// A client of MLflow's REST API (`/api/2.0/mlflow/...`): experiments, runs, params, metrics
/// and tags, artifacts through the tracking server's artifact proxy, and the model registry.
///
/// Every failure is an `.unavailable` error of one line naming the call and the server's answer;
/// the tracking URI is printed without any user or password it holds, and credentials
/// (MLFLOW_TRACKING_USERNAME/PASSWORD or MLFLOW_TRACKING_TOKEN) are never printed.
public struct MLflowClient: Sendable {
    /// The tracking server, as MLFLOW_TRACKING_URI gives it.
    public let server: URL
    let http: any HTTPClient
    let authorization: String?

    /// A client for MLFLOW_TRACKING_URI when it is an http(s) URL; nil when it is unset or
    /// points elsewhere (a local folder: nothing is logged, as DESIGN.md says).
    public init?(environment: [String: String], http: any HTTPClient) throws {
        guard let text = environment["MLFLOW_TRACKING_URI"], !text.isEmpty else { return nil }
        guard text.hasPrefix("http://") || text.hasPrefix("https://") else { return nil }
        guard let url = URL(string: text.hasSuffix("/") ? String(text.dropLast()) : text), url.host != nil else {
            throw MSRError(.badData, "MLFLOW_TRACKING_URI: expected an http(s) URL, got \"\(text)\"")
        }
        self.server = url
        self.http = http
        if let token = environment["MLFLOW_TRACKING_TOKEN"], !token.isEmpty {
            authorization = "Bearer \(token)"
        } else if let user = environment["MLFLOW_TRACKING_USERNAME"], let password = environment["MLFLOW_TRACKING_PASSWORD"] {
            authorization = "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
        } else if let user = url.user, let password = url.password {
            authorization = "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
        } else {
            authorization = nil
        }
    }

    /// The server without credentials, for messages.
    public var displayName: String {
        "\(server.scheme ?? "http")://\(server.host ?? "")\(server.port.map { ":\($0)" } ?? "")\(server.path)"
    }

    // MARK: Calls

    /// An API call; a status outside 2xx is an error naming the call and MLflow's message.
    @discardableResult
    func call(_ method: String, _ path: String, query: [String: String] = [:], json: JSONValue? = nil,
              bytes: [UInt8]? = nil, allow: Set<Int> = []) throws -> (status: Int, body: JSONValue) {
        var components = URLComponents(url: server.appendingPathComponent(path), resolvingAgainstBaseURL: false)!
        components.user = nil
        components.password = nil
        if !query.isEmpty { components.queryItems = query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) } }
        var headers: [String: String] = [:]
        if let authorization { headers["Authorization"] = authorization }
        var body: [UInt8] = []
        if let json {
            headers["Content-Type"] = "application/json"
            body = Array(json.compact().utf8)
        } else if let bytes {
            headers["Content-Type"] = "application/octet-stream"
            body = bytes
        }
        let response: HTTPResponse
        do {
            response = try http.send(HTTPRequest(method: method, url: components.url!, headers: headers, body: body))
        } catch let error as MSRError {
            throw MSRError(.unavailable, "MLflow server \(displayName): \(method) \(path): \(error.message)")
        }
        let parsed = (try? JSONParser.parse(response.body)) ?? .null
        guard (200..<300).contains(response.status) || allow.contains(response.status) else {
            let detail = parsed["message"]?.string ?? String(decoding: response.body.prefix(200), as: UTF8.self)
            let code = parsed["error_code"]?.string.map { " \($0)" } ?? ""
            throw MSRError(.unavailable, "MLflow server \(displayName): \(method) \(path) answered HTTP \(response.status)\(code): "
                + detail.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).joined(separator: " "))
        }
        return (response.status, parsed)
    }

    /// The id of the experiment named `name`, created when there is none.
    public func experimentID(named name: String) throws -> String {
        let found = try call("GET", "api/2.0/mlflow/experiments/get-by-name", query: ["experiment_name": name], allow: [404])
        if found.status != 404, let id = found.body["experiment"]?["experiment_id"]?.string { return id }
        let created = try call("POST", "api/2.0/mlflow/experiments/create", json: .object(["name": .string(name)]))
        guard let id = created.body["experiment_id"]?.string else { throw unexpected("experiments/create") }
        return id
    }

    /// A new run: its id and where its artifacts go.
    public func createRun(experimentID: String, name: String, tags: [String: String], startTime: Int) throws -> (id: String, artifactURI: String) {
        let created = try call("POST", "api/2.0/mlflow/runs/create", json: .object([
            "experiment_id": .string(experimentID), "run_name": .string(name), "start_time": .int(startTime),
            "tags": .array(tags.sorted { $0.key < $1.key }.map { .object(["key": .string($0.key), "value": .string($0.value)]) }),
        ]))
        guard let info = created.body["run"]?["info"], let id = info["run_id"]?.string, let uri = info["artifact_uri"]?.string else {
            throw unexpected("runs/create")
        }
        return (id, uri)
    }

    /// Params (strings, as MLflow stores them) and metrics (with the timestamp, step 0), then
    /// each metric of `steps` as its history (value i at step i + 1: a figure per iteration), in
    /// batches within MLflow's limits (100 params, 1,000 metrics per call).
    public func log(runID: String, params: [String: String], metrics: [String: Double], steps: [String: [Double]] = [:],
                    timestamp: Int) throws {
        let paramItems = params.sorted { $0.key < $1.key }.map { JSONValue.object(["key": .string($0.key), "value": .string($0.value)]) }
        func item(_ key: String, _ value: Double, step: Int) -> JSONValue {
            .object(["key": .string(key), "value": .double(value), "timestamp": .int(timestamp), "step": .int(step)])
        }
        let metricItems = metrics.sorted { $0.key < $1.key }.map { item($0.key, $0.value, step: 0) }
            + steps.sorted { $0.key < $1.key }.flatMap { key, values in values.enumerated().map { item(key, $1, step: $0 + 1) } }
        for start in stride(from: 0, to: max(paramItems.count, 1), by: 100) {
            try call("POST", "api/2.0/mlflow/runs/log-batch", json: .object([
                "run_id": .string(runID), "params": .array(Array(paramItems.dropFirst(start).prefix(100))),
                "metrics": .array(start == 0 ? Array(metricItems.prefix(1000)) : []),
            ]))
        }
        for start in stride(from: 1000, to: metricItems.count, by: 1000) {
            try call("POST", "api/2.0/mlflow/runs/log-batch", json: .object([
                "run_id": .string(runID), "metrics": .array(Array(metricItems.dropFirst(start).prefix(1000))),
            ]))
        }
    }

    /// Uploads a file as the run's artifact `path`, through the server's artifact proxy (the
    /// run's artifact URI is `mlflow-artifacts:/...` when the server serves artifacts).
    public func uploadArtifact(artifactURI: String, path: String, bytes: [UInt8]) throws {
        guard artifactURI.hasPrefix("mlflow-artifacts:") else {
            throw MSRError(.unavailable, "MLflow server \(displayName): the run's artifacts go to \(artifactURI), which msr cannot "
                + "reach over HTTP (start the server with --artifacts-destination so that it serves them)")
        }
        var location = String(artifactURI.dropFirst("mlflow-artifacts:".count))
        if location.hasPrefix("//") {  // mlflow-artifacts://host:port/path
            location = String(location.dropFirst(2).drop { $0 != "/" })
        }
        try call("PUT", "api/2.0/mlflow-artifacts/artifacts" + location + "/" + path, bytes: bytes)
    }

    /// Ends the run.
    public func finishRun(_ runID: String, status: String = "FINISHED", endTime: Int) throws {
        try call("POST", "api/2.0/mlflow/runs/update", json: .object([
            "run_id": .string(runID), "status": .string(status), "end_time": .int(endTime),
        ]))
    }

    /// A run's latest metrics.
    public func metrics(ofRun runID: String) throws -> [String: Double] {
        let run = try call("GET", "api/2.0/mlflow/runs/get", query: ["run_id": runID])
        var metrics: [String: Double] = [:]
        for item in run.body["run"]?["data"]?["metrics"]?.array ?? [] {
            if let key = item["key"]?.string, let value = item["value"]?.number { metrics[key] = value }
        }
        return metrics
    }

    /// Registers a version of model `name` (the registered model is created if needed) from
    /// the run's artifact `source`; returns the version.
    public func registerVersion(of name: String, source: String, runID: String) throws -> String {
        let registered = try call("POST", "api/2.0/mlflow/registered-models/create", json: .object(["name": .string(name)]), allow: [400])
        if registered.status == 400 && registered.body["error_code"]?.string != "RESOURCE_ALREADY_EXISTS" {
            throw MSRError(.unavailable, "MLflow server \(displayName): POST registered-models/create answered HTTP 400: "
                + (registered.body["message"]?.string ?? ""))
        }
        let created = try call("POST", "api/2.0/mlflow/model-versions/create", json: .object([
            "name": .string(name), "source": .string(source), "run_id": .string(runID),
        ]))
        guard let version = created.body["model_version"]?["version"]?.string else { throw unexpected("model-versions/create") }
        return version
    }

    /// The version and run an alias points at, or nil when the model has no such alias.
    public func alias(_ alias: String, of name: String) throws -> (version: String, runID: String)? {
        // MLflow 3 answers an absent alias with 400 INVALID_PARAMETER_VALUE "... not found", 2 with 404.
        let found = try call("GET", "api/2.0/mlflow/registered-models/alias", query: ["name": name, "alias": alias], allow: [400, 404])
        if found.status == 400 && !(found.body["message"]?.string ?? "").contains("not found") {
            throw MSRError(.unavailable, "MLflow server \(displayName): GET registered-models/alias answered HTTP 400: "
                + (found.body["message"]?.string ?? ""))
        }
        guard found.status == 200, let version = found.body["model_version"]?["version"]?.string else { return nil }
        return (version, found.body["model_version"]?["run_id"]?.string ?? "")
    }

    /// Points `alias` at `version` of model `name`.
    public func setAlias(_ alias: String, of name: String, version: String) throws {
        try call("POST", "api/2.0/mlflow/registered-models/alias", json: .object([
            "name": .string(name), "alias": .string(alias), "version": .string(version),
        ]))
    }

    private func unexpected(_ call: String) -> MSRError {
        MSRError(.unavailable, "MLflow server \(displayName): \(call) answered something that is not MLflow's answer")
    }
}

extension JSONValue {
    /// A member of an object.
    subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The text of a string, or of a number (MLflow sends some ids as either).
    var string: String? {
        switch self {
        case .string(let value): return value
        case .int(let value): return String(value)
        default: return nil
        }
    }

    var number: Double? {
        switch self {
        case .int(let value): return Double(value)
        case .double(let value): return value
        default: return nil
        }
    }

    var array: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }
}
