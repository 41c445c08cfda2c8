import Glibc
import Synchronization
import XCTest

@testable import MSRCore

/// The threads kept for a fit's rounds: every first step done before any item, each item once,
/// results in item order, a scratch per thread, and helpers that sleep between steps waking for
/// the next one.
final class SpinningWorkersTests: XCTestCase {
    /// What the steps saw, shared by the threads.
    private final class Seen: Sendable {
        let firstDone = Atomic<Int>(0)
        let itemsBeforeFirstDone = Atomic<Int>(0)
        let itemsRun = Atomic<Int>(0)
    }

    func testEveryFirstStepIsDoneBeforeAnyItemAndEachItemRunsOnce() {
        let workers = SpinningWorkers(width: 2)
        for round in 0..<2_000 {
            let seen = Seen()
            let firstCount = round % 5, itemCount = round % 13
            // Every tenth round, a slow last first step: the other thread runs out of first steps
            // long before it is done.
            let slow = round % 10 == 3
            let results = workers.items(itemCount, first: (firstCount, { k in
                if slow, k == firstCount - 1 { usleep(300) }
                seen.firstDone.add(1, ordering: .relaxed)
            }), scratch: { $0 }) { thread, item in
                if seen.firstDone.load(ordering: .relaxed) != firstCount { seen.itemsBeforeFirstDone.add(1, ordering: .relaxed) }
                seen.itemsRun.add(1, ordering: .relaxed)
                return (item: item * 3, thread: thread)
            }
            XCTAssertEqual(seen.firstDone.load(ordering: .relaxed), firstCount, "round \(round)")
            XCTAssertEqual(seen.itemsBeforeFirstDone.load(ordering: .relaxed), 0, "round \(round)")
            XCTAssertEqual(seen.itemsRun.load(ordering: .relaxed), itemCount, "round \(round)")
            XCTAssertEqual(results.map(\.item), (0..<itemCount).map { $0 * 3 }, "round \(round)")
            XCTAssertTrue(results.allSatisfy { (0..<2).contains($0.thread) }, "round \(round)")
        }
    }

    func testHelpersAsleepWakeForTheNextStep() {
        // Steps further apart than a helper spins: each finds the helper asleep.
        let workers = SpinningWorkers(width: 3)
        XCTAssertEqual(workers.width, 3)
        for round in 0..<5 {
            usleep(UInt32(SpinningWorkers.spinNanoseconds / 1000) * 3)
            // Each item waits until every thread has taken one (up to 5 s, so that a helper that
            // never wakes fails the test instead of hanging it; a loaded machine only slows it).
            let entered = Atomic<Int>(0)
            let threads = workers.items(6, first: (0, { _ in }), scratch: { $0 }) { thread, _ in
                entered.bitwiseOr(1 << thread, ordering: .relaxed)
                for _ in 0..<5_000 where entered.load(ordering: .relaxed) != 0b111 { usleep(1_000) }
                return thread
            }
            XCTAssertEqual(Set(threads), [0, 1, 2], "round \(round)")
        }
    }

    func testOneThreadRunsEverythingOnTheCaller() {
        let workers = SpinningWorkers(width: 1)
        let caller = pthread_self()
        let sameThread = workers.items(4, first: (2, { _ in }), scratch: { $0 }) { thread, _ in
            pthread_equal(pthread_self(), caller) != 0 && thread == 0
        }
        XCTAssertEqual(sameThread, [true, true, true, true])
    }

    func testWorkersStartedAndStoppedAgainLeaveNoThreadBehind() throws {
        // The process's threads named as the helpers are.
        func helpers() throws -> Int {
            try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").filter { task in
                let name = try String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8)
                return name.trimmingCharacters(in: .newlines) == SpinningWorkers.threadName
            }.count
        }
        let before = try helpers()
        for round in 0..<200 {
            let workers = SpinningWorkers(width: 3)
            XCTAssertEqual(workers.items(3, first: (1, { _ in }), scratch: { _ in 0 }) { _, item in item }, [0, 1, 2])
            // Every helper has run the step, so has named its thread.
            XCTAssertEqual(try helpers(), before + 2, "round \(round)")
        }
        XCTAssertEqual(try helpers(), before)
    }
}
