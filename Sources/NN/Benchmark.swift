import Foundation
import Tensor

/// Speed measurements of the engine's kernels, for `leuko bench engine`.
///
/// In one run: sgemm GFLOP/s on a large square product (the machine's practical peak) for
/// each thread count, then for each case and thread count the achieved GFLOP/s of forward and
/// of forward+backward. A case's forward work is its layer's `flops(inputShape:)`;
/// forward+backward counts three times that (backward computes the input and the weight
/// gradients, each about one forward's work). Times are medians over `repeats` runs after
/// one warm-up. Thread counts are set with `Parallel.setThreads` (Leuko's loops, which split OpenBLAS's products)
/// and restored afterwards. For memory-bound kernels each row also gives the forward pass's
/// effective bandwidth: the minimal traffic (input read, output written, weights read once)
/// over the forward time. This measures; it asserts nothing.
package enum Benchmark {
    /// One layer to time on one input shape.
    package struct Case {
        package let name: String
        package let inputShape: [Int]
        package let makeLayer: (inout RandomSource) -> any Layer

        package init(name: String, inputShape: [Int], makeLayer: @escaping (inout RandomSource) -> any Layer) {
            self.name = name
            self.inputShape = inputShape
            self.makeLayer = makeLayer
        }
    }

    /// Median wall time in seconds of `body` over `repeats` runs after one warm-up.
    package static func medianSeconds(repeats: Int, _ body: () -> Void) -> Double {
        body()
        let clock = ContinuousClock()
        var times: [Double] = []
        for _ in 0..<max(1, repeats) {
            let elapsed = clock.measure(body)
            times.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
        }
        times.sort()
        return times[times.count / 2]
    }

    /// Total wall time in seconds of `repeats` runs of `body`, without a warm-up (the
    /// caller warms up; for profiles, whose scopes must see exactly these runs).
    package static func totalSeconds(repeats: Int, _ body: () -> Void) -> Double {
        let elapsed = ContinuousClock().measure { for _ in 0..<max(1, repeats) { body() } }
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }

    /// sgemm GFLOP/s for `C[size, size] = A B` with the current thread setting.
    package static func sgemmGFLOPs(size: Int, repeats: Int) -> Double {
        var rng = RandomSource(seed: 1)
        let a = Tensor.randomUniform([size, size], -1, 1, rng: &rng)
        let b = Tensor.randomUniform([size, size], -1, 1, rng: &rng)
        let c = Tensor(zeros: [size, size])
        let seconds = medianSeconds(repeats: repeats) {
            BLAS.sgemm(m: size, n: size, k: size, a: a.data, b: b.data, c: c.data)
        }
        return 2 * Double(size * size * size) / seconds / 1e9
    }

    /// Runs the whole engine benchmark.
    package static func engine(cases: [Case], threadCounts: [Int], repeats: Int, sgemmSize: Int = 2048) -> Report {
        let saved = Parallel.threadCount
        // Only touch the process-wide setting when a count differs from the current one.
        func use(_ threads: Int) { if Parallel.threadCount != threads { Parallel.setThreads(threads) } }
        defer { use(saved) }
        var peaks: [Int: Double] = [:]
        for threads in threadCounts {
            use(threads)
            peaks[threads] = sgemmGFLOPs(size: sgemmSize, repeats: repeats)
        }
        var results: [Report.CaseResult] = []
        for benchCase in cases {
            var rng = RandomSource(seed: 7)
            let layer = benchCase.makeLayer(&rng)
            let input = Tensor.randomNormal(benchCase.inputShape, rng: &rng)
            let output = layer.forward(input)
            let dOutput = Tensor.randomNormal(output.shape, rng: &rng)
            let flops = Double(layer.flops(inputShape: benchCase.inputShape))
            let bytes = Double(4 * (input.count + output.count + layer.parameterCount))
            for threads in threadCounts {
                use(threads)
                let forward = medianSeconds(repeats: repeats) { _ = layer.forward(input) }
                let both = medianSeconds(repeats: repeats) {
                    _ = layer.forward(input)
                    _ = layer.backward(dOutput)
                }
                let peak = peaks[threads] ?? 0
                let forwardRate = flops / forward / 1e9
                results.append(Report.CaseResult(
                    name: benchCase.name, threads: threads,
                    forwardGFLOPs: forwardRate, forwardBackwardGFLOPs: 3 * flops / both / 1e9,
                    ratioToSgemm: peak > 0 ? forwardRate / peak : 0, sgemmGFLOPs: peak,
                    forwardGBPerSecond: bytes / forward / 1e9))
            }
        }
        let top = threadCounts.max().flatMap { peaks[$0] } ?? 0
        return Report(sgemmGFLOPs: top, cases: results)
    }
}
