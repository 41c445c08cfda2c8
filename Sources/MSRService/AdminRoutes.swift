import Foundation
import Hummingbird
import MSRCore
import Synchronization

/// The JSON API for admins: parameters, retrain jobs, users. A user gets 403, anonymous 401.
struct AdminRoutes {
    let state: ServiceState
    /// One params edit at a time: each reads, checks and replaces the whole file.
    static let paramsLock = Mutex(())

    func add(to router: Router<ServiceContext>) {
        let v1 = router.group("v1")

        v1.get("admin/params") { _, context -> Response in
            _ = try context.requireAdmin()
            return JSONResponse.make(try ParamsEditor.current(state.options.paramsFile))
        }

        v1.put("admin/params") { request, context -> Response in
            let admin = try context.requireAdmin()
            let body = try await JSONBody.read(request, limit: state.maxBody)
            let changes = try updateParams(body.object, by: admin)
            try await state.database.audit(actor: admin.name, action: "params", detail: changes.isEmpty ? "no change" : changes.joined(separator: "; "))
            var result = try ParamsEditor.current(state.options.paramsFile)
            if case .object(var members) = result {
                members["changes"] = .array(changes.map(JSONValue.string))
                result = .object(members)
            }
            return JSONResponse.make(result)
        }

        v1.post("admin/retrain") { _, context -> Response in
            let admin = try context.requireAdmin()
            let id = try await startRetrain(by: admin)
            var response = JSONResponse.make(.object(["job": .int(Int(id)), "status": .string("queued")]), status: .accepted)
            response.headers[.location] = "/v1/jobs/\(id)"
            return response
        }

        v1.get("jobs/:id") { _, context -> Response in
            _ = try context.requireAdmin()
            guard let id = context.parameters.get("id").flatMap(Int64.init), let job = try await state.database.job(id) else {
                throw APIError(.notFound, "not_found", "no such job", field: "id")
            }
            return JSONResponse.make(job.json)
        }

        v1.get("admin/users") { _, context -> Response in
            _ = try context.requireAdmin()
            return JSONResponse.make(.object(["users": .array(try await state.database.users().map(\.json))]))
        }

        v1.delete("admin/users/:name") { _, context -> Response in
            let admin = try context.requireAdmin()
            try await deleteUser(context.decodedParameter("name"), by: admin)
            return Response(status: .noContent)
        }

        v1.post("admin/users/:name/unlock") { _, context -> Response in
            let admin = try context.requireAdmin()
            try await unlock(context.decodedParameter("name"), by: admin)
            return Response(status: .noContent)
        }

        v1.post("admin/users/:name/promote") { _, context -> Response in
            let admin = try context.requireAdmin()
            try await promote(context.decodedParameter("name"), by: admin)
            return Response(status: .noContent)
        }
    }

    /// 404 for a user name no account has (a client's name shown cut at 80 characters).
    static func noUser(_ name: String) -> APIError {
        APIError(.notFound, "not_found", "no user \(MessageText.quoted(name, limit: 80))", field: "name")
    }

    // The actions, shared with the admin pages.

    /// Edits params.yaml (see ParamsEditor); returns the changes.
    func updateParams(_ changes: [String: JSONValue], by admin: User) throws -> [String] {
        try Self.paramsLock.withLock { _ in
            let edit = try ParamsEditor.apply(changes, file: state.options.paramsFile)
            if !edit.changes.isEmpty { try AtomicFile.write(edit.text, to: state.options.paramsFile) }
            return edit.changes
        }
    }

    /// Queues a retrain and starts it; 409 while another is queued or running.
    func startRetrain(by admin: User) async throws -> Int64 {
        guard let id = try await state.database.createJob(requestedBy: admin.name) else {
            throw APIError(.conflict, "retrain_running", "a retrain is already queued or running")
        }
        try await state.database.audit(actor: admin.name, action: "retrain", detail: "job \(id)")
        let state = self.state
        Task.detached { await state.retrainer.run(id, state: state) }
        return id
    }

    func deleteUser(_ name: String, by admin: User) async throws {
        switch try await state.database.deleteUser(name: name, by: admin.id) {
        case .deleted(let user):
            try await state.database.audit(actor: admin.name, action: "delete_user", detail: user.name)
        case .noSuchUser:
            throw Self.noUser(name)
        case .lastAdmin:
            throw APIError(.conflict, "last_admin", "\(MessageText.quoted(name)) is the only admin: promote another first", field: "name")
        case .actorNotAdmin:
            throw APIError(.forbidden, "forbidden", "'\(admin.name)' is no longer an admin")
        }
    }

    func unlock(_ name: String, by admin: User) async throws {
        guard try await state.database.unlock(name: name) else { throw Self.noUser(name) }
        try await state.database.audit(actor: admin.name, action: "unlock", detail: name)
    }

    func promote(_ name: String, by admin: User) async throws {
        guard try await state.database.setRole(name: name, .admin) else { throw Self.noUser(name) }
        try await state.database.audit(actor: admin.name, action: "promote", detail: name)
    }
}
