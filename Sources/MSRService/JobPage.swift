import Foundation
import Hummingbird
import MSRCore

/// `/admin/jobs/{id}`: a retrain job's status, times, error and log; while it is queued or
/// running the page reloads itself every two seconds (a meta refresh: no script).
struct JobPage {
    let state: ServiceState

    func add(to pages: RouterGroup<ServiceContext>) {
        pages.get("/admin/jobs/:id") { _, context -> Response in
            _ = try context.pageAdmin()
            guard let id = context.parameters.get("id").flatMap(Int64.init), let job = try await state.database.job(id) else {
                throw APIError(.notFound, "not_found", "no such job")
            }
            return PageResponse.html(Self.page(context.viewer, job: job))
        }
    }

    static func page(_ viewer: Viewer, job: Job) -> HTML {
        let active = job.status == .queued || job.status == .running
        func row(_ label: String, _ value: String?) -> HTML {
            value.map { "<tr><th>\(label)</th><td>\($0)</td></tr>" } ?? .empty
        }
        let content: HTML = """
        <p><a href="/admin#retrain">Back to the admin page</a></p>
        <table>
        <tr><th>Status</th><td class="status \(job.status.rawValue)">\(job.status.rawValue)\(active ? " (this page reloads every 2 s)" : "")</td></tr>
        \(row("Requested by", job.requestedBy))\(row("Queued", utcTimestamp(job.createdAt)))\
        \(row("Started", job.startedAt.map(utcTimestamp)))\(row("Finished", job.finishedAt.map(utcTimestamp)))\
        \(row("Model version", job.modelVersion))\(row("Error", job.error))
        </table>
        <h2>Log</h2>
        <pre class="log">\(job.log.isEmpty ? "(nothing yet)" : job.log)</pre>
        """
        return PageLayout.page("Retrain job \(job.id)", viewer: viewer, here: "/admin", refresh: active ? 2 : nil, content: content)
    }
}
