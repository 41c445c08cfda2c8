import Foundation
import Hummingbird
import MSRCore

/// `/recommend`: a playlist in any format msr-predict reads (track ids, URIs or
/// open.spotify.com links pasted, a playlist JSON pasted, or an MPD / Web API JSON file
/// uploaded), k and exclude_seen; the answer as a table of songs with their names, artists and
/// links. A refused playlist is shown on the page with its field path, status 422.
struct RecommendPage {
    let state: ServiceState

    var recommendations: Recommendations { Recommendations(state: state) }

    /// What the form was sent with, shown again with the answer or the error.
    struct Input {
        var playlist = ""
        var k = "10"
        var pid = ""
        var excludeSeen = false
        /// Empty: the standard method.
        var method = ""
    }

    func add(to pages: RouterGroup<ServiceContext>) {
        pages.get("/recommend") { _, context -> Response in
            _ = try context.pageUser()
            return PageResponse.html(page(context.viewer, input: Input()))
        }

        pages.post("/recommend") { request, context -> Response in
            let (user, session) = try context.pageUser()
            let form = try await PageForm.read(request, limit: state.maxBody)
            try CSRF.check(form, session: session)
            let input = Input(playlist: form.fields["playlist"] ?? "", k: form.text("k") ?? "10", pid: form.text("pid") ?? "",
                              excludeSeen: form.fields["exclude_seen"] != nil, method: form.text("method") ?? "")
            do {
                let k = try Self.integer(input.k.isEmpty ? "10" : input.k, field: "k", in: 1...100)
                let pid = input.pid.isEmpty ? nil : try Self.integer(input.pid, field: "pid", in: 0...Int(Int32.max))
                let playlist = try recommendations.playlist(try playlistValue(form, input: input), pid: pid)
                let (result, _) = try await recommendations.recommend(playlist, k: k, method: input.method, excludeSeen: input.excludeSeen, user: user)
                return PageResponse.html(page(context.viewer, input: input, result: result))
            } catch let error as APIError where error.status == .unprocessableContent {
                return PageResponse.html(page(context.viewer, input: input, error: error), status: .unprocessableContent)
            }
        }
    }

    /// The playlist the form gives: an uploaded file's JSON, else the text area's (JSON when
    /// it opens with `{` or `[`, else track ids and links).
    func playlistValue(_ form: PageForm, input: Input) throws -> JSONValue {
        let text = input.playlist.trimmingCharacters(in: .whitespacesAndNewlines)
        if let file = form.files["playlist_file"], !file.bytes.isEmpty {
            guard text.isEmpty else {
                throw APIError.unprocessable("playlist", "give either a file or a pasted playlist, not both")
            }
            return try Self.json(file.bytes, field: "playlist_file", what: "the file \(MessageText.quoted(file.filename, limit: 80))")
        }
        guard !text.isEmpty else {
            throw APIError.unprocessable("playlist", "paste track ids or links, or a playlist JSON, or choose a playlist file")
        }
        if text.hasPrefix("{") || text.hasPrefix("[") { return try Self.json(Array(text.utf8), field: "playlist", what: "the pasted playlist") }
        return .string(text)
    }

    static func json(_ bytes: [UInt8], field: String, what: String) throws -> JSONValue {
        do {
            return try JSONParser.parse(bytes)
        } catch let error as JSONParser.ParseError {
            throw APIError.unprocessable(field, "\(what) is not valid JSON (\(error.message))")
        }
    }

    static func integer(_ text: String, field: String, in range: ClosedRange<Int>) throws -> Int {
        guard let value = Int(text), range.contains(value) else {
            throw APIError.unprocessable(field, "expected a whole number from \(range.lowerBound) to \(range.upperBound), got "
                                         + MessageText.quoted(text, limit: 40))
        }
        return value
    }

    func page(_ viewer: Viewer, input: Input, result: JSONValue? = nil, error: APIError? = nil) -> HTML {
        let notice: HTML = error.map { PageLayout.notice($0.message, field: $0.field) } ?? .empty
        let content: HTML = """
        \(notice)<form class="card" method="post" action="/recommend" enctype="multipart/form-data">
        \(viewer.csrfField)
        <label for="playlist">Playlist</label>
        <textarea id="playlist" name="playlist" spellcheck="false" placeholder="https://open.spotify.com/track/...">\(input.playlist)</textarea>
        <p class="help">Track ids, spotify:track: URIs or open.spotify.com track links separated by spaces, commas or new lines; or a playlist JSON (an MPD playlist or slice, a Web API playlist, a list of tracks).</p>
        <label for="playlist_file">Or a playlist file</label>
        <input type="file" id="playlist_file" name="playlist_file" accept=".json,application/json">
        <p class="help">An MPD slice or playlist, or a Web API playlist, as JSON (at most \(state.settings.limits.maxBodyKB) KiB).</p>
        <label for="pid">Playlist id in a slice</label>
        <input type="number" id="pid" name="pid" min="0" value="\(input.pid)">
        <p class="help">Only for a slice holding several playlists.</p>
        <label for="k">Songs to recommend</label>
        <input type="number" id="k" name="k" min="1" max="100" value="\(input.k)" required>
        <label for="method">Method</label>
        <select id="method" name="method">\(methodOptions(input.method))</select>
        <p class="help">Standard: hybrid when the track factors are loaded, content otherwise. Content: audio features; cf: playlists that hold the same songs; hybrid: cf, with songs no playlist holds found by content.</p>
        <p><input type="checkbox" id="exclude_seen" name="exclude_seen" value="on"\(input.excludeSeen ? " checked" : "")>\
        <label class="inline" for="exclude_seen">Leave out songs already recommended to me</label></p>
        <p><button type="submit">Recommend</button></p>
        </form>
        \(result.map(Self.resultTable) ?? .empty)
        """
        return PageLayout.page("Recommend", viewer: viewer, here: "/recommend", content: content)
    }

    /// The method choices, `chosen` selected (empty: the standard one).
    func methodOptions(_ chosen: String) -> HTML {
        var options: [HTML] = []
        for (value, label) in [("", "standard")] + RecommendMethod.allCases.map({ ($0.rawValue, $0.rawValue) }) {
            let selected: HTML = chosen == value ? " selected" : .empty
            options.append("<option value=\"\(value)\"\(selected)>\(label)</option>")
        }
        return HTML.join(options, separator: "")
    }

    /// The answer: the figures, then one row per song.
    static func resultTable(_ result: JSONValue) -> HTML {
        let object = result.objectMembers
        let playlist = object["playlist"]?.objectMembers ?? [:]
        let unknown = object["unknown_tracks"]?.arrayItems.compactMap(\.stringValue) ?? []
        let name = playlist["name"]?.stringValue
        var figures: [HTML] = []
        if let name { figures.append("<div>Playlist<b>\(name)</b></div>") }
        figures.append("<div>Predicted genre<b>\(object["predicted_genre"]?.stringValue ?? "-")</b></div>")
        figures.append("<div>Similarity<b>\(HTML.number(object["similarity"]?.doubleValue ?? .nan, digits: 3))</b></div>")
        figures.append("<div>Known tracks<b>\(playlist["known_tracks"]?.intValue ?? 0) of \(playlist["tracks"]?.intValue ?? 0)</b></div>")
        figures.append("<div>Method<b>\(object["method"]?.stringValue ?? "-")</b></div>")
        figures.append("<div>Model version<b>\(object["model_version"]?.stringValue ?? "-")</b></div>")
        let unknownNote: HTML = unknown.isEmpty ? .empty
            : "<p class=\"muted\">Not in the song base (left out): \(unknown.prefix(50).joined(separator: ", "))\(unknown.count > 50 ? " and \(unknown.count - 50) more" : "")</p>"
        return """
        <h2>Recommendations</h2>
        <div class="figures">\(figures)</div>
        \(unknownNote)\(songTable(object["recommendations"]?.arrayItems ?? []))
        """
    }

    /// The songs of an answer: rank, song (name — artists, else its id) linked to
    /// open.spotify.com, genre, score.
    static func songTable(_ songs: [JSONValue]) -> HTML {
        let rows: [HTML] = songs.enumerated().map { n, song in
            let fields = song.objectMembers
            let uri = fields["uri"]?.stringValue ?? ""
            let details = SongDetails(name: fields["name"]?.stringValue, artists: fields["artists"]?.stringValue,
                                      album: fields["album"]?.stringValue, url: fields["url"]?.stringValue)
            let title = details.title ?? uri
            let album: HTML = details.album.map { "<br><span class=\"muted\">\($0)</span>" } ?? .empty
            return """
            <tr><td class="num">\(n + 1)</td><td>\(HTML.songLink(details.url, text: title))\(album)</td>\
            <td>\(fields["genre"]?.stringValue ?? "")</td><td>\(fields["source"]?.stringValue ?? "")</td>\
            <td class="num">\(HTML.number(fields["score"]?.doubleValue ?? .nan, digits: 4))</td></tr>
            """
        }
        return """
        <table>
        <thead><tr><th class="num">#</th><th>Song</th><th>Genre</th><th>From</th><th class="num">Score</th></tr></thead>
        <tbody>
        \(HTML.join(rows, separator: "\n"))
        </tbody>
        </table>
        """
    }
}

extension JSONValue {
    var objectMembers: [String: JSONValue] {
        if case .object(let members) = self { return members }
        return [:]
    }

    var arrayItems: [JSONValue] {
        if case .array(let items) = self { return items }
        return []
    }

    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    var intValue: Int? {
        if case .int(let value) = self { return value }
        return nil
    }

    var doubleValue: Double? {
        switch self {
        case .double(let value): return value
        case .int(let value): return Double(value)
        default: return nil
        }
    }
}
