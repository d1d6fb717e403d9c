import Testing
@testable import Tensor

/// The compute path names the CPU, the vector extensions it has among those that matter, and
/// the OpenBLAS kernel; the running process's path names a real core.
@Suite struct ComputePathTests {
    @Test func readsTheModelAndTheExtensionsThatMatter() {
        let cpuinfo = """
            processor\t: 0
            model name\t: Intel(R) Xeon(R) CPU @ 2.30GHz
            flags\t\t: fpu sse2 avx2 fma avx512f avx512dq avx512bw avx512vl avx512_vnni
            processor\t: 1
            """
        let path = ComputePath(cpuinfo: cpuinfo, openblasCore: "SkylakeX")
        #expect(path.cpu == "Intel(R) Xeon(R) CPU @ 2.30GHz")
        #expect(path.features == ["avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni"])
        #expect(path.openblasCore == "SkylakeX")
        let bare = ComputePath(cpuinfo: "", openblasCore: "Zen")
        #expect(bare.cpu == "unknown" && bare.features.isEmpty)
    }

    @Test func theRunningProcessNamesItsOpenBLASKernel() {
        #expect(!ComputePath.current.openblasCore.isEmpty)
    }
}
