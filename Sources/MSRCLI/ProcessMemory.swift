import FoundationEssentials
import Glibc

/// The process's resident memory, as Linux reports it in /proc/self/status: now (VmRSS) and
/// at its highest so far (VmHWM), in MB; nil where there is no such file.
enum ProcessMemory {
    static func megabytes() -> (now: Int, peak: Int)? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        func field(_ name: String) -> Int? {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return nil }
            return line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Int($0) }.map { $0 / 1024 }
        }
        guard let now = field("VmRSS"), let peak = field("VmHWM") else { return nil }
        return (now, peak)
    }
}
