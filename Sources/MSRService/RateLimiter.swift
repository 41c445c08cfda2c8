import Foundation
import Synchronization

/// Token buckets per key (a user, a client address): `perMinute` requests a minute, refilled
/// evenly, in bursts of up to `perMinute`. A limit of 0 lets everything through.
public final class RateLimiter: Sendable {
    let perMinute: Int
    private let buckets = Mutex<[String: Bucket]>([:])

    struct Bucket {
        var tokens: Double
        var updated: Double
    }

    public init(perMinute: Int) {
        self.perMinute = perMinute
    }

    /// Takes one token for `key`: `nil` when allowed, else the whole seconds until one is free.
    public func take(_ key: String, now: Double = Date().timeIntervalSince1970) -> Int? {
        guard perMinute > 0 else { return nil }
        let capacity = Double(perMinute), rate = capacity / 60
        return buckets.withLock { buckets in
            // Keys idle long enough to be full again are dropped, so memory stays bounded by
            // the keys active within the last minute.
            if buckets.count > 10_000 { buckets = buckets.filter { now - $0.value.updated < 60 } }
            var bucket = buckets[key] ?? Bucket(tokens: capacity, updated: now)
            bucket.tokens = min(capacity, bucket.tokens + (now - bucket.updated) * rate)
            bucket.updated = now
            defer { buckets[key] = bucket }
            guard bucket.tokens >= 1 else { return max(1, Int(((1 - bucket.tokens) / rate).rounded(.up))) }
            bucket.tokens -= 1
            return nil
        }
    }
}
