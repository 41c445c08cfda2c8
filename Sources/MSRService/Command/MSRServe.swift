import ArgumentParser
import Foundation
import Logging
import MSRCLI
import MSRCore

/// msr-serve's command line: `serve` (the default) and `create-admin`.
public struct MSRServe: AsyncParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "msr-serve",
        abstract: "The recommendation service: web pages and a JSON API over the models the pipeline built.",
        subcommands: [Serve.self, CreateAdmin.self],
        defaultSubcommand: Serve.self)

    /// Parses `arguments` (the command line's after the command's name when nil) and runs the
    /// command. Called from an asynchronous function, `main` is ArgumentParser's asynchronous
    /// entry point; top-level code (without `@main`) gets its synchronous one, which only prints
    /// that an asynchronous command needs an availability annotation. Called from the main
    /// thread (top-level code), it first routes Swift's tasks to the event loops
    /// (`EventLoopConcurrency`), before any task starts.
    @MainActor
    public static func start(_ arguments: [String]? = nil) async {
        EventLoopConcurrency.install()
        await main(arguments)
    }
}

/// Prints an error as msr's stages do (one line, `msr-serve: ...`) and exits with its code.
private func fail(_ error: any Error) -> ExitCode {
    let (message, code): (String, Int32) = switch error {
    case let error as MSRError: (error.message, error.exitCode)
    default: ("\(error)", 70)
    }
    StandardError.write("msr-serve: \(message)\n")
    return ExitCode(code)
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve (the default): listens on serve.host:serve.port from config.yaml.")

    @Option(help: "The paths file (its serve: section configures the service).") var config = "config.yaml"
    @Option(help: "The parameters file the admin area edits.") var params = "params.yaml"
    @Option(help: "Listen on this address instead of serve.host.") var host: String?
    @Option(help: "Listen on this port instead of serve.port (0: any free port).") var port: Int?

    func run() async throws {
        LoggingSystem.bootstrap(JSONLogHandler.init)
        let logger = Logger(label: "msr-serve")
        var options = ServiceState.Options()
        options.configFile = config
        options.paramsFile = params
        options.host = host
        options.port = port
        let state: ServiceState
        do {
            state = try await ServiceState(options, logger: logger)
        } catch {
            throw fail(error)
        }
        let (host, port) = state.address
        // A database without an admin (a first start): how to make one, as no default password exists.
        let firstAdmin = (try? await state.database.hasAdmin()) == false
            ? "msr-serve: no admin account yet: make one with `msr-serve create-admin NAME` (the password on standard input)\n" : ""
        let app = state.application { port in
            StandardError.write("msr-serve: listening on http://\(host):\(port) (model \(state.models.models?.version ?? "-"))\n" + firstAdmin)
        }
        do {
            try await app.runService()
            await state.database.flushHistory()
        } catch {
            throw fail(ServeErrors.explain(error, address: "\(host):\(port)"))
        }
    }
}

struct CreateAdmin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-admin",
        abstract: "Make an admin account; the password is read from standard input (asked twice on a terminal).")

    @Option(help: "The paths file (its serve.database is where the account goes).") var config = "config.yaml"
    @Argument(help: "The admin's user name.") var name: String

    func run() async throws {
        do {
            let password = try PasswordPrompt.read()
            try StandardOutput.write(try await AdminSetup.createAdmin(configFile: config, name: name, password: password) + "\n")
        } catch {
            throw fail(error)
        }
    }
}
