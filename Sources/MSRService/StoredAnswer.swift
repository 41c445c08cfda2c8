import MSRCore

/// An answer as the users' history keeps it: its compact JSON without the picks' `url`
/// members (`Recommender.Result.textWithoutLinks`), which `Playlist.link(uri)` gives back when
/// it is read. The links are 62 bytes a pick, 620 of a 2 KB answer without song names (a fifth
/// when the song base has names, artists and albums), and under load the history's bytes are
/// most of what recording it costs (SQLite's pages, the write-ahead log, the checkpoint).
enum StoredAnswer {
    /// The answer as it was sent: the stored text parsed, each pick without a `url` given its
    /// link back (an entry stored with its links, as the history kept them before, is as it
    /// was); `null` for a text that is not JSON.
    static func answer(_ text: String) -> JSONValue {
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
}
