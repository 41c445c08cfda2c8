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
}
