import Foundation
import Hummingbird
import MSRCore

/// The pages a person uses from a browser (server-rendered HTML, no script).
struct PageRoutes {
    let state: ServiceState

    func add(to router: Router<ServiceContext>) {
    }
}
