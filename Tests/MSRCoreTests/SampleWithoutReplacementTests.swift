import MSRCore
import XCTest

final class SampleWithoutReplacementTests: XCTestCase {
    func testDistinctMembersOfThePopulation() {
        var generator = SplitMix64(seed: 7)
        let population = Array(100..<200)
        for count in [0, 1, 37, 100] {
            let sample = generator.sample(count, from: population)
            XCTAssertEqual(sample.count, count)
            XCTAssertEqual(Set(sample).count, count)
            XCTAssertTrue(Set(sample).isSubset(of: population))
        }
    }

    func testSameSeedSameSampleAsAPartialFisherYates() {
        // The draws msr's bagging and held-out playlists made before the function was shared:
        // position k swapped with a uniform position in k..<n, for the first `count` positions.
        var reference = SplitMix64(seed: 42)
        var pool = Array(0..<50)
        for k in 0..<10 { pool.swapAt(k, k + reference.below(pool.count - k)) }
        var generator = SplitMix64(seed: 42)
        XCTAssertEqual(generator.sample(10, from: Array(0..<50)), Array(pool[..<10]))
        // And the generator is left where the reference is.
        XCTAssertEqual(generator.next(), reference.next())
    }

    func testEveryElementEquallyLikely() {
        var generator = SplitMix64(seed: 1)
        var hits = [Int](repeating: 0, count: 10)
        for _ in 0..<10_000 { for value in generator.sample(3, from: Array(0..<10)) { hits[value] += 1 } }
        // Each is drawn 3000 times in expectation; 4 standard deviations (about 180) either side.
        for count in hits { XCTAssertEqual(Double(count), 3000, accuracy: 200) }
    }
}
