import Foundation
import Hummingbird
import MSRCore

/// `/admin`: the `train` and `cluster` parameters in a form built from their declared tables
/// (each key with its meaning and range), checked by the stages' own loader when saved; the
/// retrain button and the recent jobs; the users with delete, promote and unlock; the recent
/// audit log. Every action is a POST form carrying the session's CSRF token, and shares its
/// code with the admin API (`AdminRoutes`).
struct AdminPage {
    let state: ServiceState

    var actions: AdminRoutes { AdminRoutes(state: state) }

    /// One key of an editable section, as the form shows it.
    struct Field {
        var key: String
        var doc: String
        var expected: String
        var defaultValue: String

        init<Section: ParamsSection>(_ field: ParamField<Section>) {
            key = field.key
            doc = field.doc
            expected = field.kind.expected
            defaultValue = field.defaultValue
        }
    }

    /// The editable sections (`ParamsEditor.sections`) and their keys, from the declared tables.
    static let sections: [(name: String, summary: String, fields: [Field])] = [
        (BoostingParams.name, BoostingParams.summary, BoostingParams.fields.map(Field.init)),
        (MixtureParams.name, MixtureParams.summary, MixtureParams.fields.map(Field.init)),
    ]

    func add(to pages: RouterGroup<ServiceContext>) {
        pages.get("/admin") { request, context -> Response in
            _ = try context.pageAdmin()
            var notice = HTML.empty
            if let saved = request.uri.queryParameters["saved"].flatMap({ Int($0) }) {
                notice = PageLayout.notice(saved == 0 ? "Nothing changed." : "Saved \(saved) change\(saved == 1 ? "" : "s") to params.yaml.", bad: false)
            }
            let values = try Self.values(try ParamsEditor.current(state.options.paramsFile))
            return PageResponse.html(try await page(context.viewer, values: values, notice: notice))
        }

        pages.post("/admin/params") { request, context -> Response in
            let (admin, session) = try context.pageAdmin()
            let form = try await PageForm.read(request, limit: state.maxBody)
            try CSRF.check(form, session: session)
            let current = try Self.values(try ParamsEditor.current(state.options.paramsFile))
            var submitted = current
            var changes: [String: [String: JSONValue]] = [:]
            let known = Set(current.keys)
            if let unknown = form.fields.keys.sorted().first(where: { $0 != CSRF.field && !known.contains($0) }) {
                throw APIError.unprocessable(unknown, "unknown field (the form edits only the train and cluster keys)")
            }
            for (path, text) in form.fields where path != CSRF.field {
                submitted[path] = text
                let value = Self.json(text)
                guard value != Self.json(current[path] ?? "") else { continue }
                let parts = path.split(separator: ".", maxSplits: 1).map(String.init)
                changes[parts[0], default: [:]][parts[1]] = value
            }
            guard !changes.isEmpty else { return PageResponse.redirect("/admin?saved=0") }
            let lines: [String]
            do {
                lines = try actions.updateParams(changes.mapValues { JSONValue.object($0) }, by: admin)
            } catch let error as APIError where error.status == .unprocessableContent {
                return PageResponse.html(try await page(context.viewer, values: submitted, error: error), status: .unprocessableContent)
            }
            try await state.database.audit(actor: admin.name, action: "params", detail: lines.isEmpty ? "no change" : lines.joined(separator: "; "))
            return PageResponse.redirect("/admin?saved=\(lines.count)")
        }

        pages.post("/admin/retrain") { request, context -> Response in
            let (admin, session) = try context.pageAdmin()
            let form = try await PageForm.read(request, limit: state.maxBody)
            try CSRF.check(form, session: session)
            let id = try await actions.startRetrain(by: admin)
            return PageResponse.redirect("/admin/jobs/\(id)")
        }

        pages.post("/admin/users/:action") { request, context -> Response in
            let (admin, session) = try context.pageAdmin()
            let form = try await PageForm.read(request, limit: state.maxBody)
            try CSRF.check(form, session: session)
            let name = form.fields["name"] ?? ""
            switch context.parameters.get("action") {
            case "delete": try await actions.deleteUser(name, by: admin)
            case "promote": try await actions.promote(name, by: admin)
            case "unlock": try await actions.unlock(name, by: admin)
            default: throw APIError.notFound
            }
            return PageResponse.redirect("/admin#users")
        }
    }

    /// Each editable key's value as the form shows it (`train.max_depth` → `5`): params.yaml's
    /// value, or the default when the file leaves an optional key out.
    static func values(_ current: JSONValue) throws -> [String: String] {
        var values: [String: String] = [:]
        for section in sections {
            let given = current.objectMembers[section.name]?.objectMembers ?? [:]
            for field in section.fields {
                values["\(section.name).\(field.key)"] = given[field.key].map(text) ?? field.defaultValue
            }
        }
        return values
    }

    /// A value as a form field shows it: numbers, true/false, words, `[a, b]` lists.
    static func text(_ value: JSONValue) -> String {
        switch value {
        case .int(let int): return String(int)
        case .double(let double): return NumberFormat.shortest(double)
        case .bool(let bool): return bool ? "true" : "false"
        case .string(let text): return text
        case .array(let items): return "[" + items.map(text).joined(separator: ", ") + "]"
        case .null: return ""
        case .object: return value.compact()
        }
    }

    /// A form field's text as the JSON value the params editor takes: `true`/`false`, a whole
    /// number, a finite number, a `[a, b]` list of those, else a word (which the stages' loader
    /// accepts or refuses with the key path).
    static func json(_ text: String) -> JSONValue {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("["), trimmed.hasSuffix("]") {
            let inner = trimmed.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
            return .array(inner.isEmpty ? [] : inner.split(separator: ",", omittingEmptySubsequences: false).map { scalar(String($0)) })
        }
        return scalar(trimmed)
    }

    private static func scalar(_ text: String) -> JSONValue {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        switch trimmed {
        case "true": return .bool(true)
        case "false": return .bool(false)
        default:
            if let int = Int(trimmed) { return .int(int) }
            if let double = Double(trimmed), double.isFinite, trimmed.first.map({ $0.isNumber || $0 == "-" || $0 == "+" || $0 == "." }) ?? false {
                return .double(double)
            }
            return .string(trimmed)
        }
    }

    func page(_ viewer: Viewer, values: [String: String], notice: HTML = .empty, error: APIError? = nil) async throws -> HTML {
        let jobs = try await state.database.jobs(limit: 10)
        let users = try await state.database.users()
        let audit = try await state.database.auditLog(limit: 20)
        let fieldPaths = Set(values.keys)
        // An error naming a key goes next to it; any other above the form.
        let errorAtField = error?.field.flatMap { field in
            fieldPaths.first { field == $0 || field.hasPrefix($0 + "[") }
        }
        let topError: HTML = error.map { error in
            errorAtField.map { PageLayout.notice("Not saved: \($0) was refused (params.yaml is unchanged).") }
                ?? PageLayout.notice(error.message, field: error.field)
        } ?? .empty
        let fieldsets: [HTML] = Self.sections.map { section in
            let rows: [HTML] = section.fields.map { field in
                let path = "\(section.name).\(field.key)"
                let message: HTML = path == errorAtField ? "<p class=\"field-error\" role=\"alert\">\(error?.message ?? "")</p>" : .empty
                let invalid: HTML = path == errorAtField ? " aria-invalid=\"true\" autofocus" : .empty
                return """
                <label for="\(path)">\(field.key)</label>
                <input type="text" id="\(path)" name="\(path)" value="\(values[path] ?? "")"\(invalid)>
                <p class="help">\(field.doc) Expected: \(field.expected). Default: \(field.defaultValue).</p>\(message)
                """
            }
            return "<fieldset><legend>\(section.name)</legend><p class=\"help\">\(section.summary).</p>\n\(HTML.join(rows, separator: "\n"))\n</fieldset>"
        }
        let jobRows: [HTML] = jobs.map { job in
            """
            <tr><td><a href="/admin/jobs/\(job.id)">\(job.id)</a></td><td class="status \(job.status.rawValue)">\(job.status.rawValue)</td>\
            <td>\(job.requestedBy)</td><td>\(utcTimestamp(job.createdAt))</td><td>\(job.finishedAt.map(utcTimestamp) ?? "")</td>\
            <td>\(job.modelVersion ?? job.error ?? "")</td></tr>
            """
        }
        let now = Date()
        let userRows: [HTML] = users.map { user in
            let locked = user.lockedUntil.map { $0 > now } ?? false
            func action(_ name: String, _ label: String, _ style: String = "quiet") -> HTML {
                """
                <form method="post" action="/admin/users/\(name)">\(viewer.csrfField)\(PageLayout.hidden("name", user.name))\
                <button class="\(style)" type="submit">\(label)</button></form>
                """
            }
            var buttons: [HTML] = []
            if user.role == .user { buttons.append(action("promote", "Promote to admin")) }
            if locked { buttons.append(action("unlock", "Unlock")) }
            buttons.append(action("delete", "Delete", "danger"))
            return """
            <tr><td>\(user.name)</td><td>\(user.role.rawValue)</td><td>\(utcTimestamp(user.createdAt))</td>\
            <td>\(locked ? "until \(utcTimestamp(user.lockedUntil!))" : "no")\(user.failedLogins > 0 ? " (\(user.failedLogins) failed)" : "")</td>\
            <td><div class="row-actions">\(buttons)</div></td></tr>
            """
        }
        let auditRows: [HTML] = audit.map { entry in
            "<tr><td>\(utcTimestamp(entry.time))</td><td>\(entry.actor)</td><td>\(entry.action)</td><td>\(entry.detail)</td></tr>"
        }
        let jobTable: HTML = jobRows.isEmpty ? "<p class=\"muted\">No retrain yet.</p>" : """
            <table><thead><tr><th>Job</th><th>Status</th><th>By</th><th>Queued</th><th>Finished</th><th>Model or error</th></tr></thead>
            <tbody>\(jobRows)</tbody></table>
            """
        let running = jobs.contains { $0.status == .queued || $0.status == .running }
        let content: HTML = """
        \(notice)<h2 id="params">Parameters</h2>
        \(topError)<form class="card" method="post" action="/admin/params">
        \(viewer.csrfField)
        <p class="help">Saved into params.yaml only when the stages' own loader accepts every value; the next retrain uses them.</p>
        \(fieldsets)
        <p><button type="submit">Save parameters</button></p>
        </form>
        <h2 id="retrain">Retrain</h2>
        <form class="card" method="post" action="/admin/retrain">\(viewer.csrfField)
        <p class="help">Runs the pipeline's stages in the background (one job at a time), then serves the new models; a failure keeps the current ones.</p>
        <button type="submit"\(running ? " disabled" : "")>\(running ? "A retrain is running" : "Retrain now")</button></form>
        \(jobTable)
        <h2 id="users">Users</h2>
        <table><thead><tr><th>Name</th><th>Role</th><th>Created</th><th>Locked</th><th>Actions</th></tr></thead>
        <tbody>\(userRows)</tbody></table>
        <h2 id="audit">Audit log</h2>
        <table><thead><tr><th>Time</th><th>By</th><th>Action</th><th>Detail</th></tr></thead>
        <tbody>\(auditRows)</tbody></table>
        """
        return PageLayout.page("Admin", viewer: viewer, here: "/admin", content: content)
    }
}
