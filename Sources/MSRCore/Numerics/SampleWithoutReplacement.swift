extension SplitMix64 {
    /// `count` distinct elements of `population` drawn uniformly, in draw order: a Fisher-Yates
    /// shuffle of the first `count` positions only (O(count) draws, whatever the population).
    public mutating func sample<T>(_ count: Int, from population: [T]) -> [T] {
        precondition(count >= 0 && count <= population.count)
        var pool = population
        for k in 0..<count { pool.swapAt(k, k + below(pool.count - k)) }
        return Array(pool[..<count])
    }
}
