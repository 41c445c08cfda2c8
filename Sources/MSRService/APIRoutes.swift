import Foundation
import Hummingbird
import MSRCore

/// The JSON API for users: register, token, recommendations, history, similar songs.
struct APIRoutes {
    let state: ServiceState

    func add(to router: Router<ServiceContext>) {
        let accounts = Accounts(state: state)
        let recommendations = Recommendations(state: state)
        let v1 = router.group("v1")

        v1.post("users") { request, context -> Response in
            try accounts.limitLogins(client: context.client)
            let body = try await JSONBody.read(request, limit: state.maxBody)
            try body.only(["username", "password"])
            let user = try await accounts.register(name: try body.string("username"), password: try body.string("password"))
            return JSONResponse.make(user.json, status: .created)
        }

        v1.post("token") { request, context -> Response in
            try accounts.limitLogins(client: context.client)
            let body = try await JSONBody.read(request, limit: state.maxBody)
            try body.only(["username", "password"])
            let user = try await accounts.login(name: try body.string("username"), password: try body.string("password"))
            let (token, expires) = try await state.tokens.issue(for: user)
            return JSONResponse.make(.object(["token": .string(token), "expires_at": .string(utcTimestamp(expires)),
                                              "token_type": .string("Bearer")]))
        }

        v1.post("recommendations") { request, context -> Response in
            let user = try context.requireUser()
            let bytes = try await JSONBody.bytes(request, limit: state.maxBody)
            // The common body read straight from its bytes; any other the general way, as the
            // scan leaves to it whatever it does not read exactly as that would.
            let scanned = recommendations.scan(bytes)
            let body = try scanned.map { JSONBody(object: $0.scalars) } ?? JSONBody(parsing: bytes)
            try body.only(["playlist", "k", "exclude_seen", "pid", "method"])
            let value = body.object["playlist"]
            guard scanned != nil || (value != nil && value != .null) else {
                throw APIError.unprocessable("playlist", "missing field 'playlist' (a playlist JSON, or track ids and URLs as a string)")
            }
            let k = try body.int("k", in: 1...100, default: 10)
            let pid = body.object["pid"] == nil || body.object["pid"] == .null ? nil : try body.int("pid", in: 0...Int(Int32.max), default: 0)
            let playlist = try scanned.map { try recommendations.choose([$0.playlist], pid: pid) }
                ?? recommendations.playlist(value!, pid: pid)
            let method = body.object["method"] == nil || body.object["method"] == .null ? nil : try body.string("method")
            let answer = try await recommendations.recommendBytes(playlist, k: k, method: method,
                                                                  excludeSeen: try body.bool("exclude_seen", default: false), user: user)
            return JSONResponse.make(bytes: answer)
        }

        v1.get("recommendations") { request, context -> Response in
            let user = try context.requireUser()
            let page = try Query.int(request, "page", in: 1...1_000_000, default: 1)
            let perPage = try Query.int(request, "per_page", in: 1...100, default: 20)
            let (entries, total) = try await state.database.history(userID: user.id, page: page, perPage: perPage)
            let items: [JSONValue] = entries.map { entry in
                .object(["id": .int(Int(entry.id)), "time": .string(utcTimestamp(entry.time)),
                         "result": entry.result.answer])
            }
            return JSONResponse.make(.object(["page": .int(page), "per_page": .int(perPage), "total": .int(total), "items": .array(items)]))
        }

        v1.get("tracks/:id/similar") { request, context -> Response in
            _ = try context.requireUser()
            let given = context.decodedParameter("id")
            let k = try Query.int(request, "k", in: 1...100, default: 10)
            let sameGenre = try Query.bool(request, "same_genre", default: false)
            guard let id = Playlist.trackID(given) else {
                throw APIError.unprocessable("id", "expected a Spotify track id, spotify:track: URI or open.spotify.com track URL, "
                                             + "got \(MessageText.quoted(given, limit: 80))")
            }
            guard let models = state.models.models else { throw APIError(.serviceUnavailable, "not_ready", "the models are not loaded") }
            guard let row = models.recommender.row(of: id) else {
                throw APIError(.notFound, "unknown_track", "track \(id) is not in the song index", field: "id")
            }
            let playlist = Playlist(name: "similar to \(id)", tracks: [.init(id: id, given: given)])
            let method = try Recommendations.method(request.uri.queryParameters["method"].map(String.init), models: models)
            let result: Recommender.Result
            do {
                result = try models.recommender.similar(to: row, k: k, sameGenre: sameGenre, playlist: playlist, method: method,
                                                        hybrid: models.hybrid)
            } catch let error as MSRError {
                throw APIError.from(error, field: "id")
            }
            guard case .object(var members) = result.json(details: models.recommender.catalog) else { preconditionFailure("an object") }
            members["model_version"] = .string(models.version)
            return JSONResponse.make(.object(members))
        }
    }
}

/// Query parameters, typed, each error naming the parameter (422).
enum Query {
    static func int(_ request: Request, _ name: String, in range: ClosedRange<Int>, default fallback: Int) throws -> Int {
        guard let text = request.uri.queryParameters[name[...]] else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw APIError.unprocessable(name, "expected a whole number from \(range.lowerBound) to \(range.upperBound), got "
                                         + MessageText.quoted(String(text), limit: 40))
        }
        return value
    }

    static func bool(_ request: Request, _ name: String, default fallback: Bool) throws -> Bool {
        guard let text = request.uri.queryParameters[name[...]] else { return fallback }
        switch text {
        case "true", "1": return true
        case "false", "0": return false
        default: throw APIError.unprocessable(name, "expected true or false, got " + MessageText.quoted(String(text), limit: 40))
        }
    }
}
