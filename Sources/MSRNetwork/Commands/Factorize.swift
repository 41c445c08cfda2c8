import ArgumentParser
import MSRCLI
import MSRCore

public struct Factorize: StageCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "msr-factorize",
        abstract: "Factorise the playlist x track matrix (MPD slices and logged playlists) by implicit-feedback ALS into track factors.")

    enum Engine: String, ExpressibleByArgument, CaseIterable {
        case msr, spark

        // ArgumentParser's default witnesses go through a generic key path and reflection: about
        // a million instructions at every start of the command. The raw values, directly.
        static var allValueStrings: [String] { allCases.map { $0.rawValue } }
        static var allValueDescriptions: [String: String] { [:] }
        var defaultValueDescription: String { rawValue }
    }

    @OptionGroup var stage: StageOptions
    @OptionGroup var tracking: TrackingOptions

    @Option(help: "msr (its own ALS) or spark (Spark MLlib's ALS through spark-submit, in client mode: the same factors file).")
    var engine = Engine.msr

    @Option(help: "With --engine spark: Spark's master URL.")
    var master = "local[2]"

    @Option(help: "With --engine spark: spark-submit, a path or a name on PATH (default: $SPARK_SUBMIT, else .venv-spark/bin/spark-submit, else spark-submit).")
    var sparkSubmit: String?

    @Option(help: "With --engine spark: the PySpark job.")
    var sparkJob = "scripts/spark/factorize_als.py"

    public func run() throws {
        let spark = engine == .spark ? SparkALS(submit: sparkSubmit ?? SparkALS.defaultSubmit(), job: sparkJob, master: master) : nil
        try StageRunner.run(.factorize, stage) {
            try FactorizeStage.run($0, tracking: .fromEnvironment(mode: tracking.tracking), spark: spark)
        }
    }
}
