import Glibc
import XCTest
@testable import MSRCore

final class ParallelWindowsTests: XCTestCase {
    /// Every block is made once and taken in order, whatever the count: none, less than a
    /// block, a part of a window, several windows and a part.
    func testEveryBlockIsTakenOnceInOrder() {
        let block = 7, window = block * Parallel.width
        for count in [0, 1, block - 1, block, window, window + 1, 3 * window + 5] {
            var taken: [Range<Int>] = []
            Parallel.windows(count, size: block, { $0 }) { taken.append($0) }
            XCTAssertEqual(taken.flatMap { Array($0) }, Array(0..<count), "count \(count)")
            XCTAssertTrue(taken.allSatisfy { $0.count == block || $0.upperBound == count }, "count \(count): \(taken)")
        }
    }

    /// `take` runs while the next window is made; when it throws, the error comes out only once
    /// that window is finished: nothing of `body` runs after the call returns.
    func testAThrowingTakeWaitsForTheWindowBeingMade() {
        struct Stop: Error {}
        let block = 4, window = block * Parallel.width
        let started = Counter(), finished = Counter()
        XCTAssertThrowsError(try Parallel.windows(3 * window, size: block, { range -> Range<Int> in
            if range.lowerBound >= window {
                _ = started.increment()
                usleep(100_000)
                _ = finished.increment()
            }
            return range
        }) { range in
            // The first window's first block: the second window's blocks are being made.
            if range.lowerBound == 0 {
                for _ in 0..<5_000 where started.current == 0 { usleep(1_000) }
                XCTAssertGreaterThan(started.current, 0, "the next window was not being made while taking")
                throw Stop()
            }
        }) { XCTAssertTrue($0 is Stop) }
        XCTAssertEqual(started.current, finished.current, "a block was still being made when the call returned")
        XCTAssertEqual(started.current, window / block, "only the window after the first was made")
    }

    /// Many short windows: each one's task is done with `body` when the call moves on (a task
    /// the queue had not yet let go of kept it, and `withoutActuallyEscaping` trapped: one run
    /// of msr-transform in five).
    func testManyShortWindowsLeaveNoTaskHoldingTheBody() {
        var total = 0
        for _ in 0..<200 {
            Parallel.windows(40 * Parallel.width, size: 1, { $0.lowerBound }) { total += $0 }
        }
        XCTAssertEqual(total, 200 * (0..<(40 * Parallel.width)).reduce(0, +))
    }
}
