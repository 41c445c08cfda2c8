import Foundation
import HummingbirdBcrypt
import NIOPosix

/// User names, the password policy and bcrypt hashing (cost 11, off the request threads).
public enum Credentials {
    /// bcrypt's work factor: 2^11 rounds, about 0.1 s per hash on this class of machine.
    public static let bcryptCost: UInt8 = 11
    /// bcrypt reads at most 72 bytes; a longer password would be silently cut.
    public static let maxPasswordBytes = 72

    /// A user name: 3 to 32 of letters, digits, `.`, `_` and `-`; `nil` when valid.
    public static func problem(username: String) -> String? {
        let allowed = username.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
        guard allowed, (3...32).contains(username.utf8.count) else {
            return "expected 3 to 32 letters, digits, '.', '_' or '-'"
        }
        return nil
    }

    /// The password policy: at least 10 characters with an upper-case letter, a lower-case
    /// letter, a digit and a symbol, at most 72 bytes, not the user name; `nil` when it passes.
    public static func problem(password: String, username: String) -> String? {
        let scalars = password.unicodeScalars
        if scalars.contains(where: { CharacterSet.controlCharacters.contains($0) }) { return "must not hold control characters" }
        let upper = scalars.contains { CharacterSet.uppercaseLetters.contains($0) }
        let lower = scalars.contains { CharacterSet.lowercaseLetters.contains($0) }
        let digit = scalars.contains { CharacterSet.decimalDigits.contains($0) }
        let symbol = scalars.contains { !CharacterSet.alphanumerics.contains($0) && !CharacterSet.whitespaces.contains($0) }
        guard password.count >= 10, upper, lower, digit, symbol else {
            return "expected at least 10 characters with an upper-case letter, a lower-case letter, a digit and a symbol"
        }
        if password.utf8.count > maxPasswordBytes { return "expected at most \(maxPasswordBytes) bytes (bcrypt's limit)" }
        if password.lowercased() == username.lowercased() { return "must not be the user name" }
        return nil
    }

    /// The bcrypt hash of a password, computed on NIO's thread pool.
    public static func hash(_ password: String) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: bcryptCost) }
    }

    /// Whether the password matches the hash, computed on NIO's thread pool.
    public static func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// Checks the password against a hash that matches no password, for an unknown user, so that
    /// a login's time does not tell which names exist; on NIO's thread pool, as the decoy's own
    /// hashing at the first such call.
    static func verifyDecoy(_ password: String) async throws {
        _ = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: decoyHash) }
    }

    private static let decoyHash = Bcrypt.hash("no password matches this decoy", cost: bcryptCost)
}
