import MSRCore

/// An answer as the users' history keeps it: an `AnswerRecord` (what the service records, about
/// 40% of the answer's JSON: under load the history's bytes are most of what recording it costs:
/// SQLite's pages, the write-ahead log, the checkpoint), or compact JSON text (entries recorded
/// before the records, with or without the picks' links).
enum StoredAnswer: Sendable, Equatable {
    case record([UInt8])
    case text(String)

    /// The answer as it was sent: a record's value, or the stored text parsed with each pick
    /// without a `url` given its link back (`Playlist.link(uri)`; an entry stored with its
    /// links is as it was); `null` for bytes that are neither.
    var answer: JSONValue {
        switch self {
        case .record(let bytes): return AnswerRecord.answer(bytes) ?? .null
        case .text(let text): return Self.answer(text)
        }
    }

    private static func answer(_ text: String) -> JSONValue {
        let value = (try? JSONParser.parse(Array(text.utf8))) ?? .null
        guard case .object(var members) = value, case .array(let picks)? = members["recommendations"] else { return value }
        members["recommendations"] = .array(picks.map { pick in
            guard case .object(var fields) = pick, fields["url"] == nil, case .string(let uri)? = fields["uri"],
                  let link = Playlist.link(uri) else { return pick }
            fields["url"] = .string(link)
            return .object(fields)
        })
        return .object(members)
    }

    /// The `uri` of each pick of a record (the seen songs; text entries are read by SQLite).
    var recordURIs: [String] {
        guard case .record = self, case .array(let picks)? = answer.objectMembers["recommendations"] else { return [] }
        return picks.compactMap { $0.objectMembers["uri"]?.stringValue }
    }
}
