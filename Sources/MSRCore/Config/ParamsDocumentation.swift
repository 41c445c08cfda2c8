/// The params documented from their declared tables, as README.md shows them (a test holds the
/// README to this text, so the two cannot drift).
extension ParamsSection {
    /// The section as a markdown table, one row per key in reading order: the key (marked when
    /// required), what a value must be, the default, what it sets.
    public static var markdownTable: String {
        let rows = fields.map { field in
            let key = "`\(field.key)`" + (field.isRequired ? " (required)" : "")
            return [key, field.kind.expected, "`\(field.defaultValue)`", field.doc]
        }
        return ([["key", "value", "default", "meaning"], ["---", "---", "---", "---"]] + rows)
            .map { "| " + $0.map { $0.replacing("|", with: "\\|") }.joined(separator: " | ") + " |\n" }
            .joined()
    }

    /// The stages that read the section, as they are run (`msr-evaluate --recommender`).
    public static var readers: [Stage] {
        Stage.allCases.filter { $0.paramsSections.contains { $0.name == name } }
    }
}

extension Params {
    /// Every section's table under a heading naming the section, what it sets and the stages
    /// that read it, in reading order.
    public static var markdown: String {
        sectionTypes.map { section in
            let readers = section.readers.map { "`\($0.invocation)`" }.joined(separator: ", ")
            return "### `\(section.name)`\n\(capitalised(section.summary)); read by \(readers).\n\n\(section.markdownTable)"
        }.joined(separator: "\n")
    }

    private static func capitalised(_ text: String) -> String {
        text.prefix(1).uppercased() + text.dropFirst()
    }
}
