import MSRTestSupport
import XCTest
@testable import MSRCore

/// Each params section's declared table drives its reader, its YAML text, its MLflow params and
/// the README's documentation of it.
final class ParamsTableTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    func testREADMEShowsEverySectionsTable() throws {
        let readme = try String(contentsOfFile: "\(Self.root)/README.md", encoding: .utf8)
        let tables = Params.markdown
        XCTAssertTrue(readme.contains("## Params\n"), "README.md has a Params section")
        XCTAssertTrue(readme.contains("\n" + tables + "\n"),
                      "README.md's Params section is the tables the code declares; replace it by:\n\n\(tables)")
        for section in Params.sectionTypes {
            XCTAssertTrue(tables.contains("### `\(section.name)`\n"), section.name)
        }
    }

    func testTheTablesRenderKeyRangeDefaultAndMeaning() {
        let table = BoostingParams.markdownTable
        XCTAssertTrue(table.hasPrefix("| key | value | default | meaning |\n| --- | --- | --- | --- |\n"), table)
        XCTAssertTrue(table.contains("| `learning_rate` (required) | a number > 0 | `0.008` | Shrinkage of each tree's contribution. |\n"),
                      table)
        XCTAssertTrue(table.contains("| `subsample` | a number in (0, 1] | `1.0` | "), table)
        XCTAssertEqual(table.components(separatedBy: "\n").count, BoostingParams.fields.count + 3)
        XCTAssertTrue(Params.markdown.contains("read by `msr-evaluate --recommender`."))
        XCTAssertTrue(Params.markdown.contains("### `ingest`\nThe genres the song base keeps; read by `msr-ingest`, `msr-validate`, `msr-feed`.\n"))
    }

    /// params.yaml holds the code's defaults, every section and key of the tables.
    func testParamsYAMLHoldsEveryDefault() throws {
        let params = try Params.load(path: "\(Self.root)/params.yaml")
        XCTAssertEqual(params.sections.map(\.sectionName), Params.sectionTypes.map { $0.name })
        for (section, type) in zip(params.sections, Params.sectionTypes) {
            XCTAssertEqual(section.yaml, type.init().yaml, "params.yaml's \(type.name) holds the defaults")
        }
    }

    /// Every section's text reads back to the very section: its defaults, and values a default
    /// does not show (a list of components, genres that need quoting, extreme numbers).
    func testEverySectionReadsItsOwnTextBack() throws {
        func roundTrip<Section: ParamsSection>(_ section: Section) throws {
            XCTAssertEqual(try Section(yaml: section.yaml, file: "form"), section, section.yaml)
        }
        for type in Params.sectionTypes {
            try roundTrip(type.init())
        }
        var cluster = MixtureParams()
        cluster.nComponents = [2, 5, 256]
        cluster.covarianceType = .full
        cluster.regCovar = 0
        try roundTrip(cluster)
        XCTAssertTrue(cluster.yaml.hasPrefix("n_components: [2, 5, 256]\ncovariance_type: full\n"), cluster.yaml)
        try roundTrip(IngestParams(genres: ["easy listening", "null", "a: b", "x\"y\\z", "", "#tag", "-", "true", "12", "é", "r-n-b"]))
        XCTAssertEqual(IngestParams(genres: ["hip-hop", "easy listening", "null", "tab\t"]).yaml,
                       "genres: [hip-hop, \"easy listening\", \"null\", \"tab\\x09\"]\n")
        var train = BoostingParams()
        train.tol = 5e-324
        train.learningRate = 1.7976931348623157e308
        train.randomState = UInt64(Int.max)
        train.earlyStopping = true
        try roundTrip(train)
        XCTAssertEqual(BoostingParams().yaml, """
            learning_rate: 0.008
            n_estimators: 250
            max_depth: 5
            random_state: 42
            max_leaves: 31
            min_samples_leaf: 1
            l2_regularization: 0.0
            max_bins: 255
            subsample: 1.0
            early_stopping: false
            validation_fraction: 0.1
            n_iter_no_change: 10
            tol: 1e-07
            objective: multiclass

            """)
    }

    /// MLflow logs the same keys and value strings as before the tables.
    func testMLflowParamsComeFromTheTables() {
        XCTAssertEqual(BoostingParams().mlflowParams, [
            "learning_rate": "0.008", "n_estimators": "250", "max_depth": "5", "max_leaves": "31", "min_samples_leaf": "1",
            "l2_regularization": "0.0", "max_bins": "255", "subsample": "1.0", "random_state": "42", "early_stopping": "false",
            "validation_fraction": "0.1", "n_iter_no_change": "10", "tol": "1e-07", "objective": "multiclass",
        ])
        var cluster = MixtureParams()
        cluster.nComponents = [2, 7]
        XCTAssertEqual(cluster.mlflowParams(label: 1), [
            "n_components": "7", "covariance_type": "spherical", "random_state": "42", "n_init": "1", "max_iter": "100",
            "tol": "0.001", "reg_covar": "1e-06", "silhouette_sample_size": "10000",
        ])
        XCTAssertEqual(MixtureParams().mlflowParams(label: 4)["n_components"], "3")
        XCTAssertEqual(FactorizeParams().mlflowParams, [
            "factors": "64", "regularization": "0.01", "alpha": "40.0", "iterations": "15", "cg_steps": "3", "solver": "cg",
            "bm25": "false", "random_state": "42",
        ])
    }

    /// A form's text is read as params.yaml's section is: the same checks, the same messages,
    /// the key paths named after the section.
    func testASectionsTextIsReadAsParamsYAMLIs() {
        func error<Section: ParamsSection>(_ type: Section.Type, _ text: String) -> String {
            errorMessage { _ = try Section(yaml: text, file: "form") }
        }
        XCTAssertEqual(error(BoostingParams.self, BoostingParams().yaml.replacingOccurrences(of: "learning_rate: 0.008", with: "learning_rate: -1")),
                       "form:1:16: train.learning_rate: expected a number > 0, got \"-1\"")
        XCTAssertEqual(error(BoostingParams.self, BoostingParams().yaml + "lerning_rate: 1\n"),
                       "form:15:1: train.lerning_rate: unknown key (expected one of: learning_rate, n_estimators, max_depth, "
                       + "random_state, max_leaves, min_samples_leaf, l2_regularization, max_bins, subsample, early_stopping, "
                       + "validation_fraction, n_iter_no_change, tol, objective)")
        XCTAssertEqual(error(BoostingParams.self, ""), "form:1:1: train: missing key 'learning_rate'")
        XCTAssertEqual(error(MixtureParams.self, "[1, 2]"), "form:1:1: cluster: expected a mapping, got a list")
        XCTAssertEqual(error(MixtureParams.self, "n_components: 3\ncovariance_type: round\nrandom_state: 1\n"),
                       "form:2:18: cluster.covariance_type: expected one of spherical, diag, tied, full, got \"round\"")
        XCTAssertEqual(error(MixtureParams.self, "n_components: [3, 0]\ncovariance_type: full\nrandom_state: 1\n"),
                       "form:1:19: cluster.n_components[1]: expected an integer in [1, 256], got \"0\"")
        XCTAssertEqual(error(MixtureParams.self, "n_components: []\ncovariance_type: full\nrandom_state: 1\n"),
                       "form:1:15: cluster.n_components: expected at least one value")
        XCTAssertEqual(error(MixtureParams.self, "n_components: 3\ncovariance_type: full\nrandom_state: 1\nmax_iter: 7\n"), "no error")
        XCTAssertEqual(try MonitorParams(yaml: "", file: "form"), MonitorParams(), "empty text: the defaults")
        XCTAssertEqual(try RecommenderEvaluationParams(yaml: "min_tracks: 40\n", file: "form").maxTracks, 40,
                       "an absent max_tracks rises to min_tracks")
        XCTAssertEqual(error(RecommenderEvaluationParams.self, "min_tracks: 40\nmax_tracks: 39\n"),
                       "form:2:13: evaluate_recommender.max_tracks: expected an integer in [40, 500], got \"39\"")
        XCTAssertEqual(error(IngestParams.self, "genres: [pop]\n"), "form:1:9: ingest.genres: expected at least two genres, got 1")
    }

    /// A required key's absence is refused at the section; an optional one's keeps the default.
    func testRequiredKeysAreRefusedWhenAbsentAndOptionalOnesKeepTheirDefault() {
        func check<Section: ParamsSection>(_: Section.Type) {
            let lines = Section().values
            for (index, field) in Section.fields.enumerated() {
                var changed = Section().values
                changed.remove(at: index)
                let text = changed.map { "\($0.key): \($0.value)\n" }.joined()
                let message = errorMessage {
                    let section = try Section(yaml: text, file: "f")
                    XCTAssertEqual(section, Section(), "\(Section.name).\(field.key)")
                }
                XCTAssertEqual(message, field.isRequired ? "f:1:1: \(Section.name): missing key '\(field.key)'" : "no error",
                               "\(Section.name).\(field.key), absent from \(lines.count - 1) other keys")
            }
        }
        for type in Params.sectionTypes {
            check(type)
        }
        XCTAssertEqual(BoostingParams.fields.filter(\.isRequired).map(\.key), ["learning_rate", "n_estimators", "max_depth", "random_state"])
        XCTAssertEqual(MixtureParams.fields.filter(\.isRequired).map(\.key), ["n_components", "covariance_type", "random_state"])
    }

    /// Every range the tables declare is the one the reader enforces: each bound is accepted and
    /// the nearest value beyond it refused with the message the kind describes.
    func testEveryFieldsRangeIsEnforcedAtItsBoundaries() {
        var checked = 0
        func check<Section: ParamsSection>(_: Section.Type) {
            for (index, field) in Section.fields.enumerated() {
                var base = Section().values
                // The one bound that is another key's value: max_tracks starts at min_tracks. Both
                // ranges are whole when min_tracks is at its least and max_tracks at its most.
                if Section.self == RecommenderEvaluationParams.self {
                    base[base.firstIndex { $0.key == "min_tracks" }!].value = "1"
                    base[base.firstIndex { $0.key == "max_tracks" }!].value = "500"
                }
                func load(_ value: String) -> String {
                    var values = base
                    values[index].value = value
                    return errorMessage { _ = try Section(yaml: values.map { "\($0.key): \($0.value)\n" }.joined(), file: "f") }
                }
                let place = "f:\(index + 1):\(field.key.count + 3): \(Section.name).\(field.key)"
                func accepted(_ value: String) {
                    XCTAssertEqual(load(value), "no error", "\(Section.name).\(field.key): \(value)")
                    checked += 1
                }
                func refused(_ value: String, _ message: String? = nil) {
                    XCTAssertEqual(load(value), message ?? "\(place): expected \(field.kind.expected), got \"\(value)\"",
                                   "\(Section.name).\(field.key): \(value)")
                    checked += 1
                }
                switch field.kind {
                case let .int(min, max):
                    if let min { accepted("\(min)"); refused("\(min - 1)") }
                    if let max { accepted("\(max)"); refused("\(max + 1)") }
                    refused("1.5")
                case let .number(min, max, exclusiveMin, exclusiveMax):
                    if let min {
                        if exclusiveMin { refused("\(min)"); accepted("\(min.nextUp)") } else { accepted("\(min)"); refused("\(min.nextDown)") }
                    }
                    if let max {
                        if exclusiveMax { refused("\(max)"); accepted("\(max.nextDown)") } else { accepted("\(max)"); refused("\(max.nextUp)") }
                    }
                    refused("inf")
                    refused("x")
                case .bool:
                    accepted("true")
                    accepted("false")
                    refused("yes")
                case .choice(let options):
                    options.forEach(accepted)
                    refused("x")
                case let .intPerGenre(min, max):
                    accepted("\(min)")
                    accepted("\(max)")
                    accepted("[\(min), \(max)]")
                    refused("\(min - 1)", "\(place): expected \(ParamKind.int(min...max).expected), got \"\(min - 1)\"")
                    refused("[\(min), \(max + 1)]", "f:\(index + 1):\(field.key.count + 6 + "\(min)".count): \(Section.name)."
                            + "\(field.key)[1]: expected \(ParamKind.int(min...max).expected), got \"\(max + 1)\"")
                case .distinctStrings(let minCount):
                    accepted("[" + (0..<minCount).map { "g\($0)" }.joined(separator: ", ") + "]")
                    refused("[" + (0..<minCount - 1).map { "g\($0)" }.joined(separator: ", ") + "]",
                            "f:\(index + 1):\(field.key.count + 3): \(Section.name).\(field.key): expected at least two genres, got \(minCount - 1)")
                    refused("[a, b, a]", "f:\(index + 1):\(field.key.count + 10): \(Section.name).\(field.key)[2]: genre 'a' is listed twice")
                }
            }
        }
        for type in Params.sectionTypes {
            check(type)
        }
        XCTAssertGreaterThan(checked, 100)
    }
}
