import ArgumentParser
import FoundationEssentials
import Glibc
import MSRCore

extension PredictStage.Format: ExpressibleByArgument {
    // ArgumentParser's default witnesses go through a generic key path and reflection: about a
    // million instructions at every start of the command. The raw values, directly.
    public static var allValueStrings: [String] { allCases.map { $0.rawValue } }
    public static var allValueDescriptions: [String: String] { [:] }
    public var defaultValueDescription: String { rawValue }
}

extension RecommendMethod: ExpressibleByArgument {
    // ArgumentParser's default witnesses go through a generic key path and reflection: about a
    // million instructions at every start of the command. The raw values, directly.
    public static var allValueStrings: [String] { allCases.map { $0.rawValue } }
    public static var allValueDescriptions: [String: String] { [:] }
    public var defaultValueDescription: String { rawValue }
}

public struct Predict: StageCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "msr-predict",
        abstract: "Recommend songs for a playlist (MPD playlist or slice, Spotify Web API object, or an array of tracks).")

    @OptionGroup var stage: StageOptions

    @Argument(help: "The playlist JSON file (JSON Lines: one playlist per line), or - for standard input.")
    var playlist: String?

    // Read as text, unconditionally: `-k -1` is a value to refuse by name, not a missing one.
    @Option(name: .short, parsing: .unconditional, help: "How many songs to recommend (at least 1).")
    var k = "10"

    // Unconditional for the same reason as -k: `--pid -1` is refused by name.
    @Option(name: .customLong("pid"), parsing: .unconditional, help: "In a Million Playlist Dataset slice, only the playlist with this pid.")
    var pidText: String?

    @Option(name: .customLong("similar-to"), help: "List the songs nearest to this known track (catalogue-wide) instead of reading a playlist.")
    var similarTo: String?

    @Flag(name: .customLong("same-genre"), help: "With --similar-to: only songs of the track's own genre (otherwise the whole catalogue).")
    var sameGenre = false

    @Option(help: "content (audio features), cf (collaborative: the factors of msr-factorize) or hybrid (both blended). Default: hybrid when the factors exist, content otherwise.")
    var method: RecommendMethod?

    @Option(help: "Output: json (one object per playlist; one line each for several), jsonl (one line per playlist, always) or table.")
    var format = PredictStage.Format.json

    @Flag(name: .customLong("no-log"), help: "Do not append to the recommendations log.")
    var noLog = false

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

    public func run() throws {
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
