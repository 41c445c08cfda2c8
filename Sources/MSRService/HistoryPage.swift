import Foundation
import Hummingbird
import MSRCore

/// `/history?page=N`: the signed-in user's past requests, newest first, each with its time,
/// playlist, predicted genre and the songs recommended; ten to a page.
struct HistoryPage {
    let state: ServiceState
    static let perPage = 10

    func add(to pages: RouterGroup<ServiceContext>) {
        pages.get("/history") { request, context -> Response in
            let (user, _) = try context.pageUser()
            let page = try Query.int(request, "page", in: 1...1_000_000, default: 1)
            let (entries, total) = try await state.database.history(userID: user.id, page: page, perPage: Self.perPage)
            return PageResponse.html(Self.page(context.viewer, entries: entries, total: total, page: page))
        }
    }

    static func page(_ viewer: Viewer, entries: [HistoryEntry], total: Int, page: Int) -> HTML {
        let pages = max(1, (total + perPage - 1) / perPage)
        guard total > 0 else {
            return PageLayout.page("History", viewer: viewer, here: "/history",
                                   content: "<p>No recommendation yet: <a href=\"/recommend\">ask for some</a>.</p>")
        }
        let items: [HTML] = entries.map { entry in
            let result = entry.result.answer
            let object = result.objectMembers
            let playlist = object["playlist"]?.objectMembers ?? [:]
            let name: HTML = playlist["name"]?.stringValue.map { " · playlist <b>\($0)</b>" } ?? .empty
            return """
            <section class="card">
            <h2>\(utcTimestamp(entry.time))\(name) · genre <b>\(object["predicted_genre"]?.stringValue ?? "-")</b> · \
            similarity \(HTML.number(object["similarity"]?.doubleValue ?? .nan, digits: 3)) · \
            \(playlist["known_tracks"]?.intValue ?? 0) known tracks</h2>
            \(RecommendPage.songTable(object["recommendations"]?.arrayItems ?? []))
            </section>
            """
        }
        let previous: HTML = page > 1 ? "<a href=\"/history?page=\(page - 1)\" rel=\"prev\">Newer</a>" : .empty
        let next: HTML = page < pages ? "<a href=\"/history?page=\(page + 1)\" rel=\"next\">Older</a>" : .empty
        let content: HTML = """
        <p class="muted">\(total) request\(total == 1 ? "" : "s"); the songs listed here are the ones "Leave out songs already recommended to me" leaves out.</p>
        \(items)
        <p class="pager">\(previous)<span>Page \(page) of \(pages)</span>\(next)</p>
        """
        return PageLayout.page("History", viewer: viewer, here: "/history", content: content)
    }
}
