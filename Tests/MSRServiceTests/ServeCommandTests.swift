import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import MSRCore
import XCTest

/// msr-serve as a user starts it: the one-line refusals, create-admin, a real port, SIGTERM.
final class ServeCommandTests: XCTestCase {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs msr-serve to its end in `folder`.
    func serve(_ arguments: [String], in folder: String, stdin: String = "") throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "\(ServiceFixture.binaries)/msr-serve")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        let input = Pipe(), out = Pipe(), err = Pipe()
        process.standardInput = input
        process.standardOutput = out
        process.standardError = err
        try process.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Starts msr-serve over `fixture` on a free port: the process and the address it listens on.
    func start(_ fixture: ServiceFixture) throws -> (Process, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "\(ServiceFixture.binaries)/msr-serve")
        process.arguments = ["--config", fixture.config, "--params", fixture.params, "--port", "0"]
        process.currentDirectoryURL = URL(fileURLWithPath: fixture.path)
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        let text = String(decoding: line, as: UTF8.self)
        XCTAssertTrue(text.hasPrefix("msr-serve: listening on http://127.0.0.1:"), text)
        return (process, String(text.split(separator: " ")[3]))
    }

    /// POSTs `body` to `url` (with a bearer `token`): the status and the body.
    func post(_ url: String, _ body: String, token: String? = nil) throws -> (Int, Data) {
        Self.post(url, body, token: token)
    }

    /// `post`, from any thread.
    static func post(_ url: String, _ body: String, token: String? = nil) -> (Int, Data) {
        var request = URLRequest(url: URL(string: url)!, timeoutInterval: 30)
        request.httpMethod = "POST"
        request.httpBody = Data(body.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        final class Answer: @unchecked Sendable { var value = (0, Data()) }  // written before `done` signals
        let answer = Answer(), done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { data, response, _ in
            answer.value = ((response as? HTTPURLResponse)?.statusCode ?? 0, data ?? Data())
            done.signal()
        }.resume()
        done.wait()
        return answer.value
    }

    /// Registers `name` on the server at `url` and signs in: the bearer token, and a body asking
    /// for 10 recommendations for 20 of `fixture`'s tracks.
    func signUp(_ name: String, _ fixture: ServiceFixture, _ url: String) throws -> (token: String, body: String) {
        let login = #"{"username": "\#(name)", "password": "Pass-word-123"}"#
        XCTAssertEqual(try post("\(url)/v1/users", login).0, 201)
        let (status, data) = try post("\(url)/v1/token", login)
        XCTAssertEqual(status, 200)
        let token = try XCTUnwrap((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["token"] as? String)
        let ids = try RecommendationAPITests.trackIDs(fixture, count: 20)
        return (token, #"{"playlist": "\#(ids.joined(separator: " "))", "k": 10}"#)
    }

    /// The CPU time (clock ticks) of each thread of process `pid` so far, by thread id, with its name.
    func threadTicks(_ pid: Int32) throws -> [String: (name: String, ticks: Int)] {
        var threads: [String: (name: String, ticks: Int)] = [:]
        for thread in try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task") {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/task/\(thread)/stat", encoding: .utf8),
                  let name = try? String(contentsOfFile: "/proc/\(pid)/task/\(thread)/comm", encoding: .utf8),
                  let close = stat.range(of: ") ", options: .backwards) else { continue }
            // After the name: state is field 3, utime and stime fields 14 and 15.
            let fields = stat[close.upperBound...].split(separator: " ")
            threads[thread] = (name.trimmingCharacters(in: .newlines), Int(fields[11])! + Int(fields[12])!)
        }
        return threads
    }

    /// Requests run on the server's event loops (EventLoopConcurrency): most of the CPU time of
    /// 300 recommendations is spent by the event loops' threads (about 5x the other threads'
    /// here; the history's SQLite writes run on GRDB's), where the Swift runtime's pool took
    /// most of it before (0.4x).
    func testRecommendationsRunOnTheEventLoops() throws {
        let fixture = try ServiceFixture()
        let (process, url) = try start(fixture)
        defer { process.terminate(); process.waitUntilExit() }
        let (token, body) = try signUp("looper", fixture, url)
        XCTAssertEqual(try post("\(url)/v1/recommendations", body, token: token).0, 200)
        let before = try threadTicks(process.processIdentifier)
        for _ in 0..<300 { XCTAssertEqual(try post("\(url)/v1/recommendations", body, token: token).0, 200) }
        let after = try threadTicks(process.processIdentifier)
        var loops = 0, others = 0
        for (thread, now) in after {
            let spent = now.ticks - (before[thread]?.ticks ?? 0)
            if now.name.hasPrefix("NIO-") { loops += spent } else { others += spent }
        }
        XCTAssertGreaterThan(loops, 0, "event loops \(loops) ticks, other threads \(others)")
        XCTAssertGreaterThan(loops, 2 * others, "event loops \(loops) ticks, other threads \(others)")
    }

    /// Many requests at once on many connections, as under load, where each event loop runs the
    /// jobs its thread hands it in batches (`LoopJobs`): every one is answered, with the same
    /// recommendations as a request alone gets (a job lost or run twice would hang a request
    /// or break its answer), and the server's own history holds each of them.
    func testConcurrentRequestsAreAllAnswered() throws {
        let fixture = try ServiceFixture()
        let (process, url) = try start(fixture)
        // Killed, not stopped gracefully: a request left unanswered would hold a graceful stop.
        defer { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        let (token, body) = try signUp("crowd", fixture, url)
        func picks(_ data: Data) -> [String] {
            let answer = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
            return ((answer?["recommendations"] as? [[String: Any]]) ?? []).compactMap { $0["uri"] as? String }
        }
        let (first, alone) = try post("\(url)/v1/recommendations", body, token: token)
        XCTAssertEqual(first, 200)
        XCTAssertEqual(picks(alone).count, 10)
        let clients = 32, each = 10
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var answers: [(Int, Data)] = []
        }
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: clients) { _ in
            for _ in 0..<each {
                let answer = Self.post("\(url)/v1/recommendations", body, token: token)
                results.lock.lock()
                results.answers.append(answer)
                results.lock.unlock()
            }
        }
        XCTAssertEqual(results.answers.count, clients * each)
        XCTAssertEqual(results.answers.filter { $0.0 == 200 }.count, clients * each)
        XCTAssertEqual(results.answers.filter { picks($0.1) == picks(alone) }.count, clients * each)
        var page = URLRequest(url: URL(string: "\(url)/v1/recommendations?page=1")!, timeoutInterval: 30)
        page.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        let history = try XCTUnwrap(try JSONSerialization.jsonObject(with: try get(page)) as? [String: Any])
        XCTAssertEqual(history["total"] as? Int, clients * each + 1, "\(history.keys.sorted())")
    }

    /// GETs `request`: the body.
    func get(_ request: URLRequest) throws -> Data {
        final class Answer: @unchecked Sendable { var value = Data() }  // written before `done` signals
        let answer = Answer(), done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { data, _, _ in
            answer.value = data ?? Data()
            done.signal()
        }.resume()
        done.wait()
        return answer.value
    }

    /// Sends `bytes` on a new connection to `url`'s port and reads until the server closes it
    /// (or 10 s pass): the answer's text.
    func exchange(_ url: String, _ bytes: String) throws -> String {
        let port = UInt16(url.split(separator: ":").last!)!
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = port.bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        XCTAssertEqual(connected, 0)
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = Array(bytes.utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        var answer = [UInt8](), buffer = [UInt8](repeating: 0, count: 4096)
        while case let count = recv(fd, &buffer, buffer.count, 0), count > 0 { answer += buffer[..<count] }
        return String(decoding: answer, as: UTF8.self)
    }

    /// A body that is not HTTP (a chunk size that is no number, a chunk longer than its size) is
    /// the client's fault: 400 with the JSON error, not a 500.
    func testABodyThatIsNotHTTPIsA400() throws {
        let fixture = try ServiceFixture()
        let (process, url) = try start(fixture)
        defer { process.terminate(); process.waitUntilExit() }
        let head = "POST /v1/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        for body in ["zz\r\n{}\r\n0\r\n\r\n", "1\r\n{}\r\n0\r\n\r\n"] {
            let answer = try exchange(url, head + body)
            XCTAssertTrue(answer.hasPrefix("HTTP/1.1 400 "), answer)
            XCTAssertTrue(answer.contains(#""code":"bad_request""#), answer)
            XCTAssertTrue(answer.contains("the request could not be read: "), answer)
        }
        let health = try Data(contentsOf: URL(string: "\(url)/healthz")!)
        XCTAssertEqual(String(decoding: health, as: UTF8.self), "{\"status\":\"ok\"}\n")
    }

    func testWithoutModelsItSaysToRunThePipeline() throws {
        let folder = NSTemporaryDirectory() + "msr-serve-empty-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for file in ["config.yaml", "params.yaml", "schema.yaml"] {
            try FileManager.default.copyItem(atPath: "\(ServiceFixture.repository)/\(file)", toPath: "\(folder)/\(file)")
        }
        let run = try serve(["--port", "0"], in: folder)
        XCTAssertEqual(run.status, 66, run.stderr)
        XCTAssertEqual(run.stderr, "msr-serve: models/catalog.msrix: no song index: run make pipeline first\n")
    }

    /// Starts msr-serve over `fixture`, stops it (SIGTERM) once it listens: its standard error's lines.
    func startAndStop(_ fixture: ServiceFixture) throws -> [String] {
        let log = "\(fixture.path)/serve-\(UUID().uuidString).err"
        FileManager.default.createFile(atPath: log, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: log) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "\(ServiceFixture.binaries)/msr-serve")
        process.arguments = ["--config", fixture.config, "--params", fixture.params, "--port", "0"]
        process.currentDirectoryURL = URL(fileURLWithPath: fixture.path)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        for _ in 0..<600 where !((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("listening on") {
            Thread.sleep(forTimeInterval: 0.05)
        }
        process.terminate()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        return try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    /// A first start, with no admin in the database, says how to make one (no default password
    /// exists); once one exists, it does not.
    func testAFirstStartSaysHowToMakeTheAdmin() throws {
        let fixture = try ServiceFixture()
        let first = try startAndStop(fixture)
        XCTAssertTrue(first.first?.hasPrefix("msr-serve: listening on http://127.0.0.1:") ?? false, "\(first)")
        XCTAssertEqual(first.dropFirst().first,
                       "msr-serve: no admin account yet: make one with `msr-serve create-admin NAME` (the password on standard input)")
        XCTAssertEqual(try serve(["create-admin", "root", "--config", fixture.config], in: fixture.path, stdin: "Admin-pass-123\n").status, 0)
        let second = try startAndStop(fixture)
        XCTAssertTrue(second.first?.hasPrefix("msr-serve: listening on http://127.0.0.1:") ?? false, "\(second)")
        XCTAssertFalse(second.contains { $0.contains("admin") }, "\(second)")
    }

    func testCreateAdminReadsThePasswordFromStandardInput() throws {
        let fixture = try ServiceFixture()
        let made = try serve(["create-admin", "root", "--config", fixture.config], in: fixture.path, stdin: "Admin-pass-123\n")
        XCTAssertEqual(made.status, 0, made.stderr)
        XCTAssertEqual(made.stdout, "admin 'root' created in \(fixture.path)/data/serve/msr.sqlite\n")
        let weak = try serve(["create-admin", "toor", "--config", fixture.config], in: fixture.path, stdin: "password\n")
        XCTAssertEqual(weak.status, 65)
        XCTAssertEqual(weak.stderr, "msr-serve: password: expected at least 10 characters with an upper-case letter, a lower-case letter, a digit and a symbol\n")
        let none = try serve(["create-admin", "toor", "--config", fixture.config], in: fixture.path)
        XCTAssertEqual(none.status, 65)
        XCTAssertEqual(none.stderr, "msr-serve: stdin: expected the password on one line\n")
    }

    func testATakenPortIsOneLineAndSIGTERMStopsTheServer() throws {
        let fixture = try ServiceFixture()
        // Hold a port, then ask msr-serve for it.
        let holder = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(holder) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(holder, $0, length) } }
        listen(holder, 1)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(holder, $0, &length) } }
        let port = Int(UInt16(bigEndian: address.sin_port))
        let taken = try serve(["--config", fixture.config, "--params", fixture.params, "--port", "\(port)"], in: fixture.path)
        XCTAssertEqual(taken.status, 69, taken.stderr)
        XCTAssertEqual(taken.stderr.split(separator: "\n").last.map(String.init),
                       "msr-serve: cannot listen on 127.0.0.1:\(port): the port is taken (another msr-serve?); pick another with --port")

        // A free port: it answers, then SIGTERM ends it with status 0.
        let (process, url) = try start(fixture)
        let health = try Data(contentsOf: URL(string: "\(url)/healthz")!)
        XCTAssertEqual(String(decoding: health, as: UTF8.self), "{\"status\":\"ok\"}\n")
        // A chunked body (no Content-Length) over serve.limits.max_body_kb: 413, as a sized one.
        let body = NSTemporaryDirectory() + "msr-serve-body-\(UUID().uuidString)"
        try Data(repeating: UInt8(ascii: "a"), count: 1_100_000).write(to: URL(fileURLWithPath: body))
        defer { try? FileManager.default.removeItem(atPath: body) }
        for headers in [["-H", "Transfer-Encoding: chunked"], []] {
            let curl = Process()
            curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            curl.arguments = ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "--data-binary", "@\(body)"] + headers + ["\(url)/v1/users"]
            let out = Pipe()
            curl.standardOutput = out
            try curl.run()
            let code = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            curl.waitUntilExit()
            XCTAssertEqual(code, "413", "\(headers)")
        }
        // A second msr-serve on the same database (another port) is refused while the first serves.
        let second = try serve(["--config", fixture.config, "--params", fixture.params, "--port", "0"], in: fixture.path)
        XCTAssertNotEqual(second.status, 0)
        let refusal = second.stderr.split(separator: "\n").last.map(String.init) ?? ""
        XCTAssertTrue(refusal.hasPrefix("msr-serve: another msr-serve is serving this database (pid \(process.processIdentifier), lock "), refusal)
        XCTAssertTrue(refusal.hasSuffix("msr.sqlite.lock): stop it first, or give this one its own serve.database"), refusal)
        process.terminate()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
    }
}
