import Foundation
@testable import MSRService
import XCTest

/// API tokens: the verified-token cache never outlives a token's expiry nor accepts a token it
/// did not verify.
final class TokensTests: XCTestCase {
    func testACachedTokenStillExpires() {
        let cache = VerifiedTokens()
        let expires = Date(timeIntervalSince1970: 1_000_000)
        cache.add("t", userID: 42, expires: expires)
        XCTAssertEqual(cache.userID("t", now: expires.addingTimeInterval(-1)), 42)
        XCTAssertNil(cache.userID("t", now: expires))
        XCTAssertNil(cache.userID("u", now: expires.addingTimeInterval(-1)))
    }

    func testTheCacheIsBounded() {
        let cache = VerifiedTokens()
        let expires = Date().addingTimeInterval(60)
        for i in 0..<VerifiedTokens.capacity { cache.add("t\(i)", userID: Int64(i), expires: expires) }
        XCTAssertEqual(cache.userID("t0", now: Date()), 0)
        cache.add("one more", userID: 1, expires: expires)
        XCTAssertNil(cache.userID("t0", now: Date()), "emptied at capacity")
        XCTAssertEqual(cache.userID("one more", now: Date()), 1)
    }

    func testAForgedTokenIsRefusedAfterTheGenuineOneWasCached() async throws {
        let tokens = await Tokens(key: Array(repeating: 7, count: 32), lifetime: 60)
        let user = User(id: 42, name: "ann", role: .user, failedLogins: 0, lockedUntil: nil, createdAt: Date(), passwordHash: "")
        let (token, _) = try await tokens.issue(for: user)
        let genuine = await tokens.userID(from: token)
        XCTAssertEqual(genuine, 42)
        var forged = Array(token)
        forged[forged.count - 2] = forged[forged.count - 2] == "A" ? "B" : "A"
        let refused = await tokens.userID(from: String(forged))
        XCTAssertNil(refused)
    }
}
