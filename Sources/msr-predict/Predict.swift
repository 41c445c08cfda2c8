import ArgumentParser
import MSRCLI
import MSRCore

extension PredictStage.Format: ExpressibleByArgument {}

@main
struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "msr-predict",
        abstract: "Recommend songs for a playlist (MPD playlist or slice, Spotify Web API object, or an array of tracks).")

    @OptionGroup var stage: StageOptions

    @Argument(help: "The playlist JSON file.")
    var playlist: String?

    @Option(name: .short, help: "How many songs to recommend.")
    var k = 10

    @Option(help: "In a Million Playlist Dataset slice, only the playlist with this pid.")
    var pid: Int?

    @Option(name: .customLong("similar-to"), help: "List the songs nearest to this track instead of reading a playlist.")
    var similarTo: String?

    @Option(help: "Output: json (one object per playlist) or table.")
    var format = PredictStage.Format.json

    @Flag(name: .customLong("no-log"), help: "Do not append to the recommendations log.")
    var noLog = false

    func validate() throws {
        guard k >= 1 else { throw ValidationError("-k must be at least 1.") }
        guard (playlist == nil) != (similarTo == nil) else {
            throw ValidationError("Give a playlist file or --similar-to TRACK, not both.")
        }
    }

    func run() throws {
        var request = PredictStage.Request()
        request.playlistFile = playlist
        request.similarTo = similarTo
        request.k = k
        request.pid = pid
        request.log = !noLog
        request.format = format
        let playlistFile = playlist.map { [StageFile("playlist", $0)] } ?? []
        try StageRunner.run(.predict, stage, extraInputs: playlistFile) { try PredictStage.run($0, request) }
    }
}
