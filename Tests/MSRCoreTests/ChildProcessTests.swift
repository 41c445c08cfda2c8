import Glibc
import MSRCore
import MSRTestSupport
import XCTest

final class ChildProcessTests: XCTestCase {
    /// Started with SIGCHLD ignored (as some supervisors start programs), a child's ending is
    /// still the child's: it was "exit -1" (the kernel had reaped the child before `wait`).
    func testAChildsEndingWithSIGCHLDIgnored() throws {
        let previous = signal(SIGCHLD, SIG_IGN)
        defer { signal(SIGCHLD, previous) }
        try withTemporaryFolder { folder in
            let child = try ChildProcess("/bin/sh", arguments: ["-c", "echo said; exit 3"], environment: [:], output: "\(folder)/log")
            XCTAssertEqual(child.wait(), .exit(3))
            XCTAssertEqual(try String(contentsOfFile: "\(folder)/log", encoding: .utf8), "said\n")
        }
    }

    /// A descriptor this process holds without O_CLOEXEC does not reach the child (a caller's
    /// socket or lock would otherwise live on in spark-submit and what it starts).
    func testTheChildGetsNoOtherDescriptor() throws {
        try withTemporaryFolder { folder in
            let held = open("\(folder)/held", O_WRONLY | O_CREAT, 0o600)
            XCTAssertGreaterThan(held, 2)
            defer { close(held) }
            let child = try ChildProcess("/bin/sh", arguments: ["-c", "ls /proc/self/fd"], environment: [:], output: "\(folder)/log")
            XCTAssertEqual(child.wait(), .exit(0))
            // 0, 1, 2 and the descriptor ls reads /proc/self/fd through.
            let listed = try String(contentsOfFile: "\(folder)/log", encoding: .utf8).split(separator: "\n").compactMap { Int32($0) }
            XCTAssertFalse(listed.contains(held), "\(listed)")
            XCTAssertEqual(Array(listed.prefix(3)), [0, 1, 2])
            XCTAssertLessThanOrEqual(listed.count, 4, "\(listed)")
        }
    }
}
