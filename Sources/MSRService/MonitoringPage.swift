import Foundation
import Hummingbird
import MSRCore
import NIOPosix

/// `/admin/monitoring`: msr-monitor's figures and chart computed from the recommendations log
/// (`prediction.log`, where the service logs each call) with params.yaml's `monitor` section,
/// by the very report msr-monitor writes (`MonitorReport`): calls, mean and rolling mean
/// similarity, the threshold and the share under it, calls and mean similarity per genre. The
/// log has no bound: the service keeps the calls read (`MonitorLogReader`) and reads only what
/// was appended since the last page, on NIO's thread pool, not an event loop, one page at a time.
struct MonitoringPage {
    let state: ServiceState

    func add(to pages: RouterGroup<ServiceContext>) {
        pages.get("/admin/monitoring") { _, context -> Response in
            _ = try context.pageAdmin()
            let (state, viewer) = (state, context.viewer)
            return PageResponse.html(try await state.monitoringTurn.run(0) {
                try await NIOThreadPool.singleton.runIfActive {
                    // What cannot be read here (the log, params.yaml) is the service's trouble,
                    // not the request's: 503 with its line.
                    do {
                        let params = try Params.load(path: state.options.paramsFile).monitor
                        let report = try state.monitoringLog.withLock { reader in
                            try reader.update(log: state.config.prediction.log)
                            return reader.report(params: params)
                        }
                        return Self.page(viewer, report: report)
                    } catch let error as MSRError {
                        throw APIError(.serviceUnavailable, "unavailable", error.message)
                    }
                }
            })
        }
    }

    static func page(_ viewer: Viewer, report: MonitorReport) -> HTML {
        guard !report.calls.isEmpty else {
            return PageLayout.page("Monitoring", viewer: viewer, here: "/admin/monitoring", content: """
                <p>No call logged yet.\(report.skipped > 0 ? " \(report.skipped) unreadable lines skipped." : "")</p>
                """)
        }
        let figures: [HTML] = [
            "<div>Calls<b>\(report.calls.count)</b></div>",
            "<div>Mean similarity<b>\(HTML.number(report.mean, digits: 4))</b></div>",
            "<div>Rolling mean (last \(report.window))<b>\(HTML.number(report.rollingMean, digits: 4))</b></div>",
            "<div>Threshold<b>\(NumberFormat.compact(report.threshold))</b></div>",
            "<div>Under the threshold<b>\(report.underThreshold) (\(HTML.number(100 * report.shareUnderThreshold, digits: 1)) %)</b></div>",
        ]
        let alert: HTML = report.rollingMean < report.threshold
            ? PageLayout.notice("The rolling mean similarity is under the threshold \(NumberFormat.compact(report.threshold)).") : .empty
        let skipped: HTML = report.firstSkipped.map {
            "<p class=\"muted\">\(report.skipped) unreadable line\(report.skipped == 1 ? "" : "s") skipped (first: \($0)).</p>"
        } ?? .empty
        let rows: [HTML] = report.genres.map { genre in
            """
            <tr><td><svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true"><circle cx="6" cy="6" r="5" fill="\(genre.color)"/></svg> \
            \(genre.name)</td><td class="num">\(genre.calls)</td><td class="num">\(HTML.number(genre.meanSimilarity, digits: 4))</td></tr>
            """
        }
        let content: HTML = """
        \(alert)<div class="figures">\(figures)</div>
        <div class="chart">\(HTML(trusted: report.svg))</div>
        <p class="help">Each dot is a call's similarity (coloured by predicted genre); dashed line: the threshold; dark line: the rolling mean over \(report.rollingWindow) calls.</p>
        \(skipped)<h2>Per genre</h2>
        <table><thead><tr><th>Predicted genre</th><th class="num">Calls</th><th class="num">Mean similarity</th></tr></thead>
        <tbody>\(rows)</tbody></table>
        """
        return PageLayout.page("Monitoring", viewer: viewer, here: "/admin/monitoring", content: content)
    }
}
