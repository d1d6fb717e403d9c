import Foundation

/// The memory limit of the control group the daemon runs in (systemd's `MemoryMax=`), so each
/// analysis can be given its share instead of a fixed budget that `workers` analyses together
/// could exceed (the unit's `MemoryMax=4G` against 2 GB per worker and up to 64 workers).
///
/// Reads `/proc/self/cgroup`, then the group's `memory.max` (cgroup v2) or
/// `memory.limit_in_bytes` (v1). Nil when there is no limit ("max", or v1's huge sentinel) or
/// nothing can be read. `root` and `selfCgroup` are injectable for tests.
package enum CgroupMemory {
    /// The limit in bytes, or nil.
    package static func limit(root: String = "/sys/fs/cgroup", selfCgroup: String = "/proc/self/cgroup") -> Int? {
        guard let text = try? String(contentsOfFile: selfCgroup, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3 else { continue }
            let path = parts[2] == "/" ? "" : parts[2]
            if parts[0] == "0" && parts[1].isEmpty, let value = read(root + path + "/memory.max") {
                return value
            }
            if parts[1].split(separator: ",").contains("memory"), let value = read(root + "/memory" + path + "/memory.limit_in_bytes") {
                return value
            }
        }
        return nil
    }

    /// The per-analysis budget: `fraction` of the group's limit shared by `workers`, never
    /// more than `ceiling` (the analyzer's own default); `ceiling` when there is no limit.
    package static func perJob(limit: Int?, workers: Int, ceiling: Int, fraction: Double = 0.8) -> Int {
        guard let limit else { return ceiling }
        return min(ceiling, max(64 << 20, Int(Double(limit) * fraction) / max(workers, 1)))
    }

    private static func read(_ file: String) -> Int? {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard value != "max", let bytes = Int(value), bytes < 1 << 60 else { return nil }
        return bytes
    }
}
