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
    @Option(name: .customShort(Character(PredictInvocation.Name.k)), parsing: .unconditional, help: "How many songs to recommend (at least 1).")
    var k = PredictInvocation.defaultK

    // Unconditional for the same reason as -k: `--pid -1` is refused by name.
    @Option(name: .customLong(PredictInvocation.Name.pid), parsing: .unconditional, help: "In a Million Playlist Dataset slice, only the playlist with this pid.")
    var pidText: String?

    @Option(name: .customLong(PredictInvocation.Name.similarTo), help: "List the songs nearest to this known track (catalogue-wide) instead of reading a playlist.")
    var similarTo: String?

    @Flag(name: .customLong(PredictInvocation.Name.sameGenre), help: "With --similar-to: only songs of the track's own genre (otherwise the whole catalogue).")
    var sameGenre = false

    @Option(name: .customLong(PredictInvocation.Name.method), help: "content (audio features), cf (collaborative: the factors of msr-factorize) or hybrid (both blended). Default: hybrid when the factors exist, content otherwise.")
    var method: RecommendMethod?

    @Option(name: .customLong(PredictInvocation.Name.format), help: "Output: json (one object per playlist; one line each for several), jsonl (one line per playlist, always) or table.")
    var format = PredictStage.Format.json

    @Flag(name: .customLong(PredictInvocation.Name.noLog), help: "Do not append to the recommendations log.")
    var noLog = false

    /// The values parsed.
    var invocation: PredictInvocation {
        PredictInvocation(stage: stage.settings, playlist: playlist, k: k, pidText: pidText, similarTo: similarTo, sameGenre: sameGenre,
                          method: method, format: format, noLog: noLog)
    }

    public func run() throws {
        try invocation.run()
    }

    /// Runs the command line's plain forms without ArgumentParser (`PredictInvocation.quick`).
    public static func runQuickly(_ arguments: [String]) throws -> Bool {
        guard let invocation = PredictInvocation.quick(arguments) else { return false }
        try invocation.run()
        return true
    }
}
