import ArgumentParser
import MSRCore

/// msr-predict's command line as plain values, and its run: what ArgumentParser parses into
/// `Predict`, and what `quick` parses without ArgumentParser.
struct PredictInvocation: Equatable {
    /// The options' names (long ones without their dashes).
    enum Name {
        static let k = "k", pid = "pid", similarTo = "similar-to", sameGenre = "same-genre", method = "method",
                   format = "format", noLog = "no-log"
    }

    /// `-k`'s default.
    static let defaultK = "10"

    var stage = StageSettings()
    var playlist: String?
    /// `-k` as given: checked when the command runs, so that `-k -1` is refused by name.
    var k = defaultK
    /// `--pid` as given, checked likewise.
    var pidText: String?
    var similarTo: String?
    var sameGenre = false
    var method: RecommendMethod?
    var format = PredictStage.Format.json
    var noLog = false

    /// The command line's plain forms parsed without ArgumentParser, whose reflection is about
    /// 8.5M instructions, a quarter of a cold call: a playlist file (or `-`) and options each
    /// at most once, spelled `--name value` (`-k value`), the value taken as ArgumentParser
    /// takes it. Nil for anything else (help, an unknown or repeated option, `--name=value`,
    /// `--`, a second file, a value starting with `-` where ArgumentParser would read an
    /// option, an unknown method or format), which ArgumentParser then parses: its answers and
    /// messages stay the same.
    static func quick(_ arguments: [String]) -> PredictInvocation? {
        var invocation = PredictInvocation()
        var given: [String] = []
        var i = 0
        while i < arguments.count {
            let argument = arguments[i]
            guard argument.hasPrefix("-"), argument != "-" else {
                guard invocation.playlist == nil else { return nil }
                invocation.playlist = argument
                i += 1
                continue
            }
            guard !given.contains(argument) else { return nil }
            given.append(argument)
            switch argument {
            case "--" + Name.noLog: invocation.noLog = true
            case "--" + Name.sameGenre: invocation.sameGenre = true
            default:
                guard i + 1 < arguments.count else { return nil }
                let value = arguments[i + 1], optionLike = value.hasPrefix("-")
                // -k and --pid take their next argument unconditionally (see `Predict`); the quick
                // path takes it when it is no option-like word (`-1` is a number), since
                // ArgumentParser reads some of those across the whole line first (`---` is a
                // malformed option, `--generate-completion-script` prints a script, `--` ends
                // the options).
                let number = !optionLike || value.utf8.dropFirst().first.map { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } == true
                switch argument {
                case "-" + Name.k where number: invocation.k = value
                case "--" + Name.pid where number: invocation.pidText = value
                case "--" + Name.similarTo where !optionLike: invocation.similarTo = value
                case "--" + StageSettings.Name.config where !optionLike: invocation.stage.config = value
                case "--" + StageSettings.Name.params where !optionLike: invocation.stage.params = value
                case "--" + Name.method:
                    guard let method = RecommendMethod(rawValue: value) else { return nil }
                    invocation.method = method
                case "--" + Name.format:
                    guard let format = PredictStage.Format(rawValue: value) else { return nil }
                    invocation.format = format
                default: return nil
                }
                i += 1
            }
            i += 1
        }
        return invocation
    }

    /// `--pid` as a playlist id (MPD pids are whole numbers from 0).
    var pid: Int? {
        get throws {
            guard let pidText else { return nil }
            guard let value = Int(pidText), value >= 0 else {
                throw usage("--pid must be a whole number from 0, got \"\(pidText)\"")
            }
            return value
        }
    }

    /// `-k` as a count; a refused value is one line naming it, exit 64 (usage).
    var count: Int {
        get throws {
            guard let value = Int(k) else { throw usage("-k must be a whole number, got \"\(k)\"") }
            guard value >= 1 else { throw usage("-k must be at least 1, got \(value)") }
            return value
        }
    }

    func usage(_ message: String) -> ExitCode {
        StandardError.write("msr-predict: \(message)\n")
        return ExitCode(64)
    }

    /// The checks ArgumentParser's `validate()` would make, made when the command runs: `validate()`
    /// also runs for `--help`, and its line would print beside the help.
    func checkArguments() throws {
        _ = try count
        _ = try pid
        guard !sameGenre || similarTo != nil else { throw usage("--same-genre needs --similar-to TRACK") }
        guard (playlist == nil) != (similarTo == nil) || stage.stamp else {
            throw usage(playlist == nil ? "give a playlist file (- for standard input) or --similar-to TRACK"
                                        : "give a playlist file or --similar-to TRACK, not both")
        }
    }

    /// Checks the arguments and runs the stage.
    func run() throws {
        try checkArguments()
        var request = PredictStage.Request()
        request.playlistFile = playlist
        request.similarTo = similarTo
        request.sameGenre = sameGenre
        request.k = try count
        request.pid = try pid
        request.method = method
        request.log = !noLog
        request.format = format
        let playlistFile = playlist.flatMap { $0 == "-" ? nil : [StageFile("playlist", $0)] } ?? []
        try StageRunner.run(.predict, stage, extraInputs: playlistFile) { try PredictStage.run($0, request) }
    }
}
