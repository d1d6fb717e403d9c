import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The process's resident memory, for the memory-ceiling test and `leuko bench analyze`.
///
/// Linux: `VmHWM` (peak) and `VmRSS` (current) from `/proc/self/status`; elsewhere the peak
/// from `getrusage` and no current value. Bytes.
package enum ProcessMemory {
    /// Peak resident set size since start (or since `resetPeak()`).
    package static func peakResidentBytes() -> Int {
        if let kb = statusField("VmHWM") { return kb * 1024 }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss) * 1024
    }

    /// Current resident set size; nil where unknown.
    package static func residentBytes() -> Int? { statusField("VmRSS").map { $0 * 1024 } }

    /// Resets the peak to the current size (Linux `clear_refs` 5); false when not possible.
    @discardableResult
    package static func resetPeak() -> Bool {
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? handle.close() }
        return (try? handle.write(contentsOf: Data("5".utf8))) != nil
    }

    private static func statusField(_ name: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
            return Int(line.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "")
        }
        return nil
    }
}
