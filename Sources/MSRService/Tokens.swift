import Foundation
import JWTKit
import MSRCore
import Synchronization

/// API tokens: HS256 JWTs naming the user, valid `serve.token_minutes`.
public struct Tokens: Sendable {
    let keys: JWTKeyCollection
    let lifetime: TimeInterval
    /// Tokens already verified, so that a client's every request does not decode its token's
    /// JSON again: a token enters only once its signature and claims checked out, and is
    /// looked up by its whole text (signature included) with its own expiry.
    private let verified = VerifiedTokens()

    /// What a token says.
    struct Claims: JWTPayload {
        var sub: SubjectClaim
        var name: String
        var exp: ExpirationClaim
        var iat: IssuedAtClaim

        func verify(using algorithm: some JWTAlgorithm) async throws {
            try exp.verifyNotExpired()
        }
    }

    init(key: [UInt8], lifetime: TimeInterval) async {
        keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: key), digestAlgorithm: .sha256, kid: "msr")
        self.lifetime = lifetime
    }

    /// A signed token for the user and when it expires.
    func issue(for user: User, now: Date = Date()) async throws -> (token: String, expires: Date) {
        let expires = now.addingTimeInterval(lifetime)
        let claims = Claims(sub: .init(value: String(user.id)), name: user.name, exp: .init(value: expires), iat: .init(value: now))
        return (try await keys.sign(claims, kid: "msr"), expires)
    }

    /// The user id a valid token names; `nil` for a forged, expired or malformed token.
    func userID(from token: String) async -> Int64? {
        guard token.utf8.count < 4096 else { return nil }
        // Only canonical tokens are kept as verified: one found there needs no other check.
        if let id = verified.userID(token, now: Date()) { return id }
        guard Self.isCanonical(token), let claims = try? await keys.verify(token, as: Claims.self), let id = Int64(claims.sub.value) else { return nil }
        verified.add(token, userID: id, expires: claims.exp.value)
        return id
    }

    /// Whether `token` is three parts of unpadded base64url as a signer writes them: the
    /// decoder also takes `=` padding and final characters whose unused low bits are set, so a
    /// token would otherwise pass in several spellings.
    static func isCanonical(_ token: String) -> Bool {
        var parts = 0, length = 0, last: UInt8 = 0
        func partEnds() -> Bool {
            // The bits the last character carries beyond the part's whole bytes must be zero.
            switch length % 4 {
            case 0: return length > 0
            case 2: return last & 0x0F == 0
            case 3: return last & 0x03 == 0
            default: return false
            }
        }
        for byte in token.utf8 {
            let value: UInt8
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = byte - UInt8(ascii: "A")
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = byte - UInt8(ascii: "a") + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = byte - UInt8(ascii: "0") + 52
            case UInt8(ascii: "-"): value = 62
            case UInt8(ascii: "_"): value = 63
            case UInt8(ascii: "."):
                guard partEnds() else { return false }
                parts += 1
                length = 0
                continue
            default: return false
            }
            last = value
            length += 1
        }
        return parts == 2 && partEnds()
    }

    /// The signing key: `MSR_JWT_KEY` when set, else the key file, made with 32 random bytes
    /// (mode 0600) when absent. A key file that is not a regular file of mode 0600 is refused.
    static func loadKey(file: String, environment: [String: String]) throws -> [UInt8] {
        if let text = environment[ServeSettings.jwtKeyVariable] {
            guard text.utf8.count >= 32 else {
                throw MSRError(.badData, "\(ServeSettings.jwtKeyVariable): expected a key of at least 32 bytes, got \(text.utf8.count)")
            }
            return Array(text.utf8)
        }
        var info = stat()
        if lstat(file, &info) != 0 {
            guard errno == ENOENT else { throw MSRError(.io, "\(file): cannot read the JWT key (\(String(cString: strerror(errno))))") }
            let folder = URL(fileURLWithPath: file).deletingLastPathComponent().path
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let hex = Sessions.randomToken()  // 32 random bytes, as hex
            let descriptor = open(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw MSRError(.io, "\(file): cannot create the JWT key (\(String(cString: strerror(errno))))") }
            defer { close(descriptor) }
            let bytes = Array(hex.utf8)
            guard write(descriptor, bytes, bytes.count) == bytes.count else { throw MSRError(.io, "\(file): cannot write the JWT key") }
            return bytes
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw MSRError(.badData, "\(file): the JWT key must be a regular file") }
        guard (info.st_mode & 0o077) == 0 else {
            throw MSRError(.badData, "\(file): the JWT key must be readable by its owner only (chmod 600), it is mode \(String(info.st_mode & 0o777, radix: 8))")
        }
        let bytes = try FileBytes.read(file, what: "JWT key")
        let key = bytes.filter { $0 != 0x0A && $0 != 0x0D }
        guard key.count >= 32 else { throw MSRError(.badData, "\(file): expected a key of at least 32 bytes, got \(key.count)") }
        return key
    }
}

/// The tokens `Tokens.userID` verified, with their user and expiry; emptied when it holds
/// `capacity` tokens (a bound, not an eviction policy: clients re-verify once).
final class VerifiedTokens: Sendable {
    static let capacity = 10_000
    private let tokens = Mutex<[String: (userID: Int64, expires: Date)]>([:])

    /// The user of a verified token not expired at `now`.
    func userID(_ token: String, now: Date) -> Int64? {
        guard let entry = tokens.withLock({ $0[token] }), now < entry.expires else { return nil }
        return entry.userID
    }

    /// Keeps a token whose signature and claims were verified.
    func add(_ token: String, userID: Int64, expires: Date) {
        tokens.withLock { tokens in
            if tokens.count >= Self.capacity { tokens.removeAll(keepingCapacity: true) }
            tokens[token] = (userID, expires)
        }
    }
}
