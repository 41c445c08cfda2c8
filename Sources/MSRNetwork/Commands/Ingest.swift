import ArgumentParser
import MSRCLI
import MSRCore

public struct Ingest: StageCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "msr-ingest",
        abstract: "Fetch dataset.zip if absent, unzip it and write the song base (configured genres, complete rows, unique tracks).")

    @OptionGroup var stage: StageOptions

    @Flag(help: "Fetch dataset.zip from data_ingestion.source_url even when it is already there.")
    var force = false

    public func run() throws {
        try StageRunner.run(.ingest, stage) { try IngestStage.run($0, force: force, http: URLSessionClient()) }
    }
}
