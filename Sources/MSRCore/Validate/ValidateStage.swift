/// msr-validate: checks the song base against schema.yaml and writes the verdict.
public enum ValidateStage {
    /// The most problems listed one by one in the report; all are counted.
    public static let reportedProblems = 1000

    /// Runs the stage; returns the summary line, or throws a bad-data error naming the first
    /// problem once the status file and the report are written.
    public static func run(_ inputs: StageInputs) throws -> String {
        let (config, params, schema) = (inputs.config, inputs.params, inputs.schema)
        let paths = config.validation
        var timer = PhaseTimer(inputs.events)
        let reader = try CSVReader(path: paths.songBase)
        let validator = SchemaValidator(schema: schema, genres: params.ingest.genres)
        let columnCount: Int, rows: Int, problems: [ValidationProblem]
        do {
            columnCount = try reader.header().count
            timer.mark("read file")
            (rows, problems) = try validator.problems(in: consume reader, timer: &timer)
        } catch let error as MSRError where error.kind == .badData {
            // A file that cannot be read as CSV is invalid too: the verdict on the file before
            // it is not left standing.
            try write(.object(["file": .string(paths.songBase), "valid": .bool(false), "error": .string(error.message)]),
                      valid: false, paths)
            throw error
        }
        let valid = problems.isEmpty

        var byRule: [String: Int] = [:]
        for problem in problems { byRule[problem.rule.rawValue, default: 0] += 1 }
        let report = JSONValue.object([
            "file": .string(paths.songBase),
            "valid": .bool(valid),
            "rows": .int(rows),
            "problem_count": .int(problems.count),
            "problems_by_rule": .object(byRule.mapValues { .int($0) }),
            "problems": .array(problems.prefix(reportedProblems).map(\.json)),
        ])
        try write(report, valid: valid, paths)

        if let first = problems.first {
            let more = problems.count > 1 ? " (\(problems.count) problems in all, see \(paths.report))" : " (see \(paths.report))"
            throw MSRError.badData(file: paths.songBase, line: first.line, column: first.field, first.message + more)
        }
        // A valid file has the schema's columns and those of its descriptive columns it carries.
        return "\(rows) rows, \(columnCount) columns: valid -> \(paths.status), \(paths.report)"
    }

    /// The report and the status line, both or neither.
    private static func write(_ report: JSONValue, valid: Bool, _ paths: ProjectConfig.Validation) throws {
        let outputs = OutputSet()
        try outputs.add(report, to: paths.report)
        try outputs.add("Validation status: \(valid ? "True" : "False")\n", to: paths.status)
        try outputs.commit()
    }
}
