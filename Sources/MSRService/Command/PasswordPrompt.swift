import Foundation
import MSRCLI
import MSRCore

/// Reads the new admin's password: on a terminal, twice without echo; otherwise one line of
/// standard input.
enum PasswordPrompt {
    static func read() throws -> String {
        guard isatty(STDIN_FILENO) == 1 else {
            guard let line = Swift.readLine(strippingNewline: true) else { throw MSRError(.badData, "stdin: expected the password on one line") }
            return line
        }
        let first = try prompt("Password: ")
        let second = try prompt("Again: ")
        guard first == second else { throw MSRError(.badData, "the two passwords differ") }
        return first
    }

    private static func prompt(_ text: String) throws -> String {
        StandardError.write(text)
        var saved = termios()
        tcgetattr(STDIN_FILENO, &saved)
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSANOW, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSANOW, &saved)
            StandardError.write("\n")
        }
        guard let line = Swift.readLine(strippingNewline: true) else { throw MSRError(.badData, "stdin: no password given") }
        return line
    }
}
