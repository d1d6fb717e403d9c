import Foundation
#if canImport(Glibc)
import Glibc

/// glibc's `int malloc_trim(size_t pad)` (declared in <malloc.h>, which the Glibc module does
/// not import).
@_silgen_name("malloc_trim") private func glibcMallocTrim(_ pad: Int) -> Int32
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

    /// Resets the peak to the current size (Linux `clear_refs` 5), after handing freed heap
    /// memory back (`releaseFreedMemory`), so the peak that follows measures what is live plus
    /// what comes after, not what earlier work freed but glibc kept; false when not possible.
    @discardableResult
    package static func resetPeak() -> Bool {
        releaseFreedMemory()
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? handle.close() }
        return (try? handle.write(contentsOf: Data("5".utf8))) != nil
    }

    /// Hands freed heap memory back to the operating system (glibc `malloc_trim`): a tile's
    /// working planes are freed when it is done, but glibc keeps them in its per-thread arenas,
    /// so without this the resident size creeps up with every worker thread. No-op elsewhere.
    package static func releaseFreedMemory() {
        #if canImport(Glibc)
        _ = glibcMallocTrim(0)
        #endif
    }

    private static func statusField(_ name: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
            return Int(line.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "")
        }
        return nil
    }
}
