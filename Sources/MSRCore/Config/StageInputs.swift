import FoundationEssentials
import Glibc

/// What every stage reads first: config.yaml, params.yaml and the schema config.yaml names.
public struct StageInputs: Sendable {
    public var config: ProjectConfig
    public var params: Params
    public var schema: Schema
    /// The config file the paths came from, for messages about them.
    public var configFile: String
    /// Where the stage reports progress, warnings and phase timings (nowhere by default).
    public var events = StageEvents.silent

    public init(config: ProjectConfig, params: Params, schema: Schema, configFile: String = "config.yaml") {
        self.config = config
        self.params = params
        self.schema = schema
        self.configFile = configFile
    }

    /// Loads the three files; the first error (missing file, bad YAML, bad value) is thrown.
    ///
    /// A config file that is not there is the usual sign of a command run outside the project
    /// folder, so the message says where it looked and what to do.
    public static func load(config configPath: String, params paramsPath: String) throws -> StageInputs {
        for (path, option) in [(configPath, "--config"), (paramsPath, "--params")] where !FileManager.default.fileExists(atPath: path) {
            let folder = FileManager.default.currentDirectoryPath
            throw MSRError(.missingInput, "\(path): not found in \(folder) (run from the project folder, or give "
                           + "\(option) PATH)")
        }
        let config = try ProjectConfig.load(path: configPath)
        return StageInputs(config: config, params: try Params.load(path: paramsPath),
                           schema: try Schema.load(path: config.schema), configFile: configPath)
    }

    /// Checks `stage`'s outputs against its inputs (`OutputCheck`) and, for a stage that must
    /// run alone, takes its lock; keep the lock until the stage is done. `extraInputs` are the
    /// files given on the command line (a playlist).
    public func prepare(_ stage: Stage, extraInputs: [StageFile] = [], part: String? = nil) throws -> StageLock? {
        let files = files(of: stage)
        // What the other stages write; the song base is written by ingest and by feed on purpose.
        let others = Stage.allCases.filter { $0 != stage }.flatMap { other in
            self.files(of: other).outputs.filter { !$0.key.hasSuffix(".song_base") }.map {
                StageFile("\($0.key), which \(other.invocation) writes", $0.path)
            }
        }
        try OutputCheck.check(inputs: files.inputs + extraInputs, outputs: files.outputs, others: others, configFile: configFile)
        if stage == .feed { try checkNewSongsFolder(outputs: files.outputs) }
        if stage == .factorize { try checkPlaylistsFolder(outputs: files.outputs) }
        guard stage.isExclusive, let first = files.outputs.first else { return nil }
        let project = parentPath(configFile)
        let lock = try StageLock.acquire(stage, part: part, project: project.isEmpty ? "." : project, output: first.path)
        if let folder = lock.unwritableFolder {
            events.warning("\(folder) cannot be written, so this run's lock is \(lock.path): a run of "
                + "\(stage.invocation) that can write \(folder) locks there and would not see this one")
        }
        return lock
    }

    /// msr-factorize reads every `*.json` of `factorization.playlists_dir`: an output there with
    /// that suffix would be read as playlists at the next run.
    private func checkPlaylistsFolder(outputs: [StageFile]) throws {
        let playlistsDir = config.factorization.playlistsDir
        guard let folder = OutputCheck.Identity(playlistsDir) else { return }
        for output in outputs where output.path.hasSuffix(".json") {
            let parent = parentPath(output.path)
            if OutputCheck.Identity(parent.isEmpty ? "." : parent) == folder {
                throw MSRError(.badData, "\(configFile): \(output.key): \(output.path) is in factorization.playlists_dir "
                               + "(\(playlistsDir)), whose *.json files are read as playlists: give it a path of its own")
            }
        }
    }

    /// msr-feed moves every CSV of `feed.new_dir` to the archive: the folder may hold none of
    /// the stage's outputs (the song base would be archived as new songs).
    private func checkNewSongsFolder(outputs: [StageFile]) throws {
        let newDir = config.feed.newDir
        guard let folder = OutputCheck.Identity(newDir) else { return }
        for output in outputs + [StageFile("feed.archive_dir", config.feed.archiveDir + "/x")] {
            let parent = parentPath(output.path)
            if OutputCheck.Identity(parent.isEmpty ? "." : parent) == folder {
                throw MSRError(.badData, "\(configFile): feed.new_dir: \(newDir) also holds \(output.key) (\(output.path)): "
                               + "new songs need a folder of their own")
            }
        }
    }
}
