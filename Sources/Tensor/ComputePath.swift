#if canImport(Glibc)
import Glibc
#endif
import CBLAS
import Foundation

/// Which code runs the engine's arithmetic on this machine, for benchmark reports: the CPU,
/// its vector extensions, the kernel OpenBLAS picked for it at run time (its DYNAMIC_ARCH
/// dispatch: `Zen`, `Haswell`, `SkylakeX`, `Cooperlake`, …, AVX-512 kernels where the CPU
/// has them) and the instruction set Leuko's own loops were compiled for.
package struct ComputePath: Codable, Sendable, Equatable {
    package var cpu: String
    /// Of avx2, fma, avx512f, avx512bw, avx512vl, avx512_vnni, avx512_bf16: those the CPU has.
    package var features: [String]
    package var openblasCore: String
    /// Leuko's loops: built with `-target-cpu haswell` (AVX2 + FMA, 8-lane SIMD) in release.
    package var leukoKernels: String

    enum CodingKeys: String, CodingKey {
        case cpu, features
        case openblasCore = "openblas_core"
        case leukoKernels = "leuko_kernels"
    }

    /// The path of this process on this machine (`/proc/cpuinfo`; "unknown" where absent).
    package static var current: ComputePath {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        return ComputePath(cpuinfo: info, openblasCore: String(cString: openblas_get_corename()))
    }

    /// The path described by a `/proc/cpuinfo` text and an OpenBLAS core name.
    package init(cpuinfo: String, openblasCore: String) {
        let lines = cpuinfo.split(separator: "\n")
        func field(_ name: String) -> String? {
            lines.first { $0.hasPrefix(name) }.flatMap { $0.split(separator: ":", maxSplits: 1).last }
                .map { $0.trimmingCharacters(in: .whitespaces) }
        }
        cpu = field("model name") ?? "unknown"
        let flags = Set((field("flags") ?? "").split(separator: " ").map(String.init))
        features = ["avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16"].filter(flags.contains)
        self.openblasCore = openblasCore
        leukoKernels = "avx2+fma (8-lane SIMD)"
    }
}
