import Foundation
import Tensor

/// The result of `Benchmark.engine`, printed as JSON by `leuko bench engine`.
///
/// `sgemm_gflops` is the peak with the largest thread count. Each case row also carries the
/// sgemm figure for its own thread count (`sgemm_gflops`), against which `ratio_to_sgemm`
/// (forward GFLOP/s over sgemm GFLOP/s) is taken, so one-thread rows compare with the
/// one-thread peak, and `forward_gb_per_s` (see `Benchmark`) for the memory-bound kernels.
extension Benchmark {
    package struct Report: Sendable {
        package struct CaseResult: Sendable {
            package let name: String
            package let threads: Int
            package let forwardGFLOPs: Double
            package let forwardBackwardGFLOPs: Double
            package let ratioToSgemm: Double
            package let sgemmGFLOPs: Double
            /// Minimal forward traffic (input + output + weights) over the forward time, GB/s.
            package let forwardGBPerSecond: Double
        }

        package let sgemmGFLOPs: Double
        package let cases: [CaseResult]
        /// Which code ran: CPU, its vector extensions, OpenBLAS's kernel, Leuko's loops.
        package var path = ComputePath.current

        /// `{"compute_path": {…}, "sgemm_gflops": …, "cases": [{"name": …, "threads": …, "forward_gflops": …,
        /// "forward_backward_gflops": …, "ratio_to_sgemm": …, "sgemm_gflops": …, "forward_gb_per_s": …}, …]}`,
        /// keys in this order, one case per line.
        package var json: String {
            func number(_ value: Double, _ digits: Int) -> String {
                guard value.isFinite else { return "null" }
                var scale = 1.0
                for _ in 0..<digits { scale *= 10 }
                let rounded = (value * scale).rounded() / scale
                return "\(rounded)"
            }
            let rows = cases.map { c in
                "{\"name\": \"\(c.name)\", \"threads\": \(c.threads), \"forward_gflops\": \(number(c.forwardGFLOPs, 2)), "
                    + "\"forward_backward_gflops\": \(number(c.forwardBackwardGFLOPs, 2)), "
                    + "\"ratio_to_sgemm\": \(number(c.ratioToSgemm, 3)), \"sgemm_gflops\": \(number(c.sgemmGFLOPs, 2)), "
                    + "\"forward_gb_per_s\": \(number(c.forwardGBPerSecond, 2))}"
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let path = (try? encoder.encode(self.path)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
            return "{\"compute_path\": \(path), \"sgemm_gflops\": \(number(sgemmGFLOPs, 2)), \"cases\": [\n  "
                + rows.joined(separator: ",\n  ") + "\n]}"
        }
    }
}
