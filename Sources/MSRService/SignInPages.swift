import Foundation
import Hummingbird
import MSRCore

/// Signing in (`/`), registering (`/register`) and signing out (`POST /logout`).
///
/// Sign-in creates a fresh session (a new random cookie whose hash the database keeps, with
/// its own CSRF token), deleting the one this browser came with: a session id known before
/// sign-in is never the signed-in one. The cookie is HttpOnly, SameSite=Strict, Path=/, and
/// Secure over https; it ends after `serve.session_idle_minutes` idle. Sign-out deletes the
/// session server-side, so the old cookie is worthless even if kept.
struct SignInPages {
    let state: ServiceState

    var accounts: Accounts { Accounts(state: state) }

    func add(to pages: RouterGroup<ServiceContext>) {
        pages.get("/") { request, context -> Response in
            if context.viewer.user != nil { return PageResponse.redirect("/recommend") }
            let notice: HTML = request.uri.queryParameters["registered"] != nil
                ? PageLayout.notice("Your account is ready: sign in.", bad: false) : .empty
            return signInForm(request, notice: notice)
        }

        pages.post("/") { request, context -> Response in
            let form = try await PageForm.read(request, limit: state.maxBody)
            try CSRF.checkAnonymous(form, request: request)
            try accounts.limitLogins(client: context.client)
            let name = form.fields["username"] ?? "", password = form.fields["password"] ?? ""
            let user: User
            do {
                user = try await accounts.login(name: name, password: password)
            } catch let error as APIError where error.status == .unauthorized || error.status == .forbidden {
                // Wrong credentials 401, a locked account 403 saying until when: the form again.
                return signInForm(request, name: name, notice: PageLayout.notice(error.message), status: error.status)
            }
            return try await startSession(for: user, request: request, context: context)
        }

        pages.get("/register") { request, context -> Response in
            if context.viewer.user != nil { return PageResponse.redirect("/recommend") }
            return registerForm(request)
        }

        pages.post("/register") { request, context -> Response in
            let form = try await PageForm.read(request, limit: state.maxBody)
            try CSRF.checkAnonymous(form, request: request)
            try accounts.limitLogins(client: context.client)
            let name = form.fields["username"] ?? "", password = form.fields["password"] ?? ""
            guard password == form.fields["confirm"] ?? "" else {
                return registerForm(request, name: name, errors: ["confirm": "the two passwords differ"], status: .unprocessableContent)
            }
            do {
                _ = try await accounts.register(name: name, password: password)
            } catch let error as APIError where error.status == .unprocessableContent || error.status == .conflict {
                return registerForm(request, name: name, errors: [error.field ?? "username": error.message], status: error.status)
            }
            return PageResponse.redirect("/?registered=1")
        }

        pages.post("/logout") { request, context -> Response in
            guard let session = context.session else { return PageResponse.redirect("/") }
            let form = try await PageForm.read(request, limit: state.maxBody)
            try CSRF.check(form, session: session)
            try await state.database.deleteSession(tokenHash: session.tokenHash)
            var response = PageResponse.redirect("/")
            response.setCookie(Sessions.cookie("", secure: Sessions.isSecure(request), maxAge: 0))
            return response
        }
    }

    /// A new session for `user`: the browser's previous one (signed in or stale) is deleted,
    /// the new cookie set, and the browser sent to the recommend page.
    func startSession(for user: User, request: Request, context: ServiceContext) async throws -> Response {
        if let old = request.cookies[Sessions.cookieName]?.value, old.utf8.count == 64 {
            try await state.database.deleteSession(tokenHash: Sessions.hash(old))
        }
        if let session = context.session { try await state.database.deleteSession(tokenHash: session.tokenHash) }
        let token = Sessions.randomToken()
        try await state.database.createSession(tokenHash: Sessions.hash(token), userID: user.id, csrf: Sessions.randomToken())
        var response = PageResponse.redirect("/recommend")
        response.setCookie(Sessions.cookie(token, secure: Sessions.isSecure(request)))
        return response
    }

    /// The sign-in page, with the pre-session CSRF token in a field and (when the browser has
    /// none yet) its cookie.
    func signInForm(_ request: Request, name: String = "", notice: HTML = .empty, status: HTTPResponse.Status = .ok) -> Response {
        let (token, isNew) = CSRF.anonymousToken(request)
        let content: HTML = """
        \(notice)<form class="card" method="post" action="/">
        \(PageLayout.hidden(CSRF.field, token))
        <label for="username">User name</label>
        <input type="text" id="username" name="username" value="\(name)" autocomplete="username" required maxlength="64" autofocus>
        <label for="password">Password</label>
        <input type="password" id="password" name="password" autocomplete="current-password" required maxlength="1024">
        <p><button type="submit">Sign in</button></p>
        </form>
        <p>No account yet? <a href="/register">Register</a>.</p>
        """
        var response = PageResponse.html(PageLayout.page("Sign in", viewer: Viewer(), here: "/", content: content), status: status)
        if isNew { response.setCookie(CSRF.cookie(token, secure: Sessions.isSecure(request))) }
        return response
    }

    /// The registration page; `errors` by field (`username`, `password`, `confirm`).
    func registerForm(_ request: Request, name: String = "", errors: [String: String] = [:], status: HTTPResponse.Status = .ok) -> Response {
        let (token, isNew) = CSRF.anonymousToken(request)
        func error(_ field: String) -> HTML {
            errors[field].map { "<p class=\"field-error\" role=\"alert\">\($0)</p>" } ?? .empty
        }
        let content: HTML = """
        <form class="card" method="post" action="/register">
        \(PageLayout.hidden(CSRF.field, token))
        <label for="username">User name</label>
        <input type="text" id="username" name="username" value="\(name)" autocomplete="username" required maxlength="64" autofocus>
        <p class="help">3 to 32 letters, digits, '.', '_' or '-'.</p>\(error("username"))
        <label for="password">Password</label>
        <input type="password" id="password" name="password" autocomplete="new-password" required maxlength="1024">
        <p class="help">At least 10 characters with an upper-case letter, a lower-case letter, a digit and a symbol; not the user name.</p>\(error("password"))
        <label for="confirm">Password again</label>
        <input type="password" id="confirm" name="confirm" autocomplete="new-password" required maxlength="1024">\(error("confirm"))
        <p><button type="submit">Register</button></p>
        </form>
        <p>Already registered? <a href="/">Sign in</a>.</p>
        """
        var response = PageResponse.html(PageLayout.page("Register", viewer: Viewer(), here: "/register", content: content), status: status)
        if isNew { response.setCookie(CSRF.cookie(token, secure: Sessions.isSecure(request))) }
        return response
    }
}
