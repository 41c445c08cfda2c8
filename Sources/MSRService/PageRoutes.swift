import Foundation
import Hummingbird
import MSRCore

/// The pages a person uses from a browser (server-rendered HTML, no script): sign in and
/// register, recommend, history, and for admins the admin page, retrain jobs and monitoring.
/// Every page passes `PageMiddleware` (security headers, errors as pages); anonymous on any
/// page but `/` and `/register` is sent to `/`, a user on an admin page gets 403.
struct PageRoutes {
    let state: ServiceState

    func add(to router: Router<ServiceContext>) {
        router.get("static/msr.css") { _, _ -> Response in PageStyle.response() }
        let pages = router.group().add(middleware: PageMiddleware(logger: state.logger))
        SignInPages(state: state).add(to: pages)
        RecommendPage(state: state).add(to: pages)
        HistoryPage(state: state).add(to: pages)
        AdminPage(state: state).add(to: pages)
        JobPage(state: state).add(to: pages)
        MonitoringPage(state: state).add(to: pages)
    }
}
