import Daemon
import Foundation
import Testing

/// The per-analysis memory budget from the daemon's control group.
@Suite struct CgroupMemoryTests {
    let base = NSTemporaryDirectory() + "leuko-cgroup-\(UUID().uuidString)"

    func write(_ relative: String, _ text: String) throws {
        let path = base + "/" + relative
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    @Test func readsVersion2AndVersion1Limits() throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        try write("self-v2", "0::/system.slice/leuko.service\n")
        try write("root/system.slice/leuko.service/memory.max", "4294967296\n")
        #expect(CgroupMemory.limit(root: base + "/root", selfCgroup: base + "/self-v2") == 4 << 30)
        try write("self-v1", "9:name=systemd:/x\n4:memory:/system.slice/leuko.service\n0::/\n")
        try write("root/memory/system.slice/leuko.service/memory.limit_in_bytes", "1073741824\n")
        #expect(CgroupMemory.limit(root: base + "/root", selfCgroup: base + "/self-v1") == 1 << 30)
        try write("self-none", "0::/free\n")
        try write("root/free/memory.max", "max\n")
        #expect(CgroupMemory.limit(root: base + "/root", selfCgroup: base + "/self-none") == nil)
        #expect(CgroupMemory.limit(root: base + "/root", selfCgroup: base + "/missing") == nil)
    }

    @Test func splitsTheLimitBetweenWorkers() {
        let twoGB = 2 << 30
        // The unit's MemoryMax=4G and 64 workers: 51 MB each is raised to the 64 MB floor.
        #expect(CgroupMemory.perJob(limit: 4 << 30, workers: 64, ceiling: twoGB) == 64 << 20)
        #expect(CgroupMemory.perJob(limit: 4 << 30, workers: 4, ceiling: twoGB) == Int(Double(4 << 30) * 0.8) / 4)
        #expect(CgroupMemory.perJob(limit: 64 << 30, workers: 2, ceiling: twoGB) == twoGB, "never above the analyzer's own budget")
        #expect(CgroupMemory.perJob(limit: nil, workers: 8, ceiling: twoGB) == twoGB)
    }
}
