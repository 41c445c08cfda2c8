import Foundation

/// Who a page is for: the signed-in user and their session (for the CSRF token of every form),
/// or nobody.
struct Viewer: Sendable {
    var user: User?
    var session: BrowserSession?

    var isAdmin: Bool { user?.role == .admin }

    /// The hidden field carrying the session's CSRF token, for a form of a signed-in page.
    var csrfField: HTML {
        guard let session else { return .empty }
        return PageLayout.hidden(CSRF.field, session.csrf)
    }
}

/// The frame of every page: the head (one stylesheet from this service), the navigation
/// (Recommend, History, and Admin and Monitoring for admins, or Sign in and Register), the
/// signed-in user and the Sign out form (a POST with the CSRF token), then the page's content.
enum PageLayout {
    /// The page as a whole. `here` marks the navigation entry of the page; `refresh` reloads
    /// the page after that many seconds (a running job).
    static func page(_ title: String, viewer: Viewer, here: String? = nil, refresh: Int? = nil, content: HTML) -> HTML {
        let head: HTML = refresh.map { "<meta http-equiv=\"refresh\" content=\"\($0)\">" } ?? .empty
        return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        \(head)<title>\(title) · msr</title>
        <link rel="stylesheet" href="\(PageStyle.path)">
        </head>
        <body>
        \(header(viewer, here: here))
        <main>
        <h1>\(title)</h1>
        \(content)
        </main>
        </body>
        </html>

        """
    }

    static func header(_ viewer: Viewer, here: String?) -> HTML {
        func link(_ path: String, _ label: String) -> HTML {
            path == here ? "<a class=\"here\" href=\"\(path)\" aria-current=\"page\">\(label)</a>" : "<a href=\"\(path)\">\(label)</a>"
        }
        guard let user = viewer.user, viewer.session != nil else {
            return "<header><a class=\"brand\" href=\"/\">msr</a><nav>\(link("/", "Sign in"))\(link("/register", "Register"))</nav></header>"
        }
        var entries = [link("/recommend", "Recommend"), link("/history", "History")]
        if viewer.isAdmin { entries += [link("/admin", "Admin"), link("/admin/monitoring", "Monitoring")] }
        return """
        <header><a class="brand" href="/recommend">msr</a><nav>\(entries)</nav>\
        <span class="who">\(user.name)\(viewer.isAdmin ? " (admin)" : "")</span>\
        <form method="post" action="/logout">\(viewer.csrfField)<button class="quiet" type="submit">Sign out</button></form></header>
        """
    }

    /// A hidden form field.
    static func hidden(_ name: String, _ value: String) -> HTML {
        "<input type=\"hidden\" name=\"\(name)\" value=\"\(value)\">"
    }

    /// A notice above a form: an error (with the field at fault, when known) or a confirmation.
    static func notice(_ message: String, field: String? = nil, bad: Bool = true) -> HTML {
        "<p class=\"notice \(bad ? "bad" : "ok")\" role=\"\(bad ? "alert" : "status")\">\(fieldMessage(message, field: field))</p>"
    }

    /// An error's message led by the field path at fault (`playlist.tracks[0]: expected ...`),
    /// without repeating the place a reader's message already names (`playlist: tracks[0]: `).
    static func fieldMessage(_ message: String, field: String?) -> String {
        guard let field, !field.isEmpty else { return message }
        if message.hasPrefix("\(field):") { return message }
        let root = String(field.prefix { $0 != "." && $0 != "[" })
        var rest = Substring(message)
        if root != field, rest.hasPrefix("\(root): ") {
            rest = rest.dropFirst(root.count + 2)
            var inner = field.dropFirst(root.count)
            if inner.hasPrefix(".") { inner = inner.dropFirst() }
            if rest.hasPrefix("\(inner): ") { rest = rest.dropFirst(inner.count + 2) }
        }
        return "\(field): \(rest)"
    }

    /// A page that only says what went wrong (a refused request, a missing page).
    static func message(_ title: String, _ message: String, viewer: Viewer, back: (path: String, label: String)? = nil) -> HTML {
        let link: HTML = back.map { "<p><a href=\"\($0.path)\">\($0.label)</a></p>" } ?? .empty
        return page(title, viewer: viewer, content: "<p class=\"notice bad\" role=\"alert\">\(message)</p>\(link)")
    }
}
