import ArgumentParser
import FoundationEssentials
import Glibc

/// A stage's command: ArgumentParser's entry point, except that a bad command line is one line
/// on standard error naming the command and what was wrong, with where to look
/// (`msr-train: unknown option '--bogus' (see msr-train --help)`), exit 64, instead of
/// ArgumentParser's three (the error, the usage line, the hint).
public protocol StageCommand: ParsableCommand {
    /// Runs the command for `arguments` without ArgumentParser when it can (true), a cold call's
    /// quarter for msr-predict; false leaves them to ArgumentParser.
    static func runQuickly(_ arguments: [String]) throws -> Bool
}

extension StageCommand {
    /// No quick path: ArgumentParser parses every command line.
    public static func runQuickly(_ arguments: [String]) throws -> Bool { false }

    /// Parses the command line and runs the command.
    public static func main() {
        main(nil)
    }

    /// Parses `arguments` (the command line's after the command's name when nil) and runs the
    /// command: the multi-call executable `msr` passes what follows the stage's name.
    public static func main(_ arguments: [String]?) {
        do {
            if try runQuickly(arguments ?? Array(CommandLine.arguments.dropFirst())) { return }
        } catch {
            exit(withError: error)
        }
        let command: ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            // --help and --version (exit 0) print as ArgumentParser prints them; a command's own
            // validation that printed its line already throws the bare exit code.
            guard exitCode(for: error) != .success else { exit(withError: error) }
            let message = Self.message(for: error)
            if message.isEmpty { Glibc.exit(exitCode(for: error).rawValue) }
            let name = configuration.commandName ?? String(describing: Self.self)
            let line = "\(name): \(message.prefix(1).lowercased() + message.dropFirst()) (see \(name) --help)\n"
            StandardError.write(line)
            Glibc.exit(exitCode(for: error).rawValue)
        }
        do {
            var command = command
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}
