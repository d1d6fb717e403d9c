import Foundation
import NN
import Tensor

/// Where the SG-CLDFF network spends its time, layer by layer and op by op, for
/// `leuko bench model --profile`: the guide for every speed change.
///
/// For each batch size and thread count: `repeats` inference passes (eval mode) and
/// `repeats` training steps (forward, the multi-task loss, backward, AdamW), after one
/// warm-up each, with `OpProfile` collecting. Each row is a scope path (`stage3/0/attn/qkv`)
/// with its inclusive milliseconds per pass in inference, in the training forward and in
/// backward, its forward GFLOP/s, and its share of the inference pass and of the training
/// step. Rows named `(other)` hold what no scope of that level covers (glue, allocation);
/// the step's `(loss and glue)` row is the step less its forward, backward and optimizer.
/// Random weights and inputs. It measures; it asserts nothing.
package enum ModelProfile {
    /// One scope's times in one case.
    package struct Row: Codable, Sendable {
        package var path: String
        package var inferenceMs = 0.0
        package var trainingForwardMs = 0.0
        package var backwardMs = 0.0
        /// Forward work of one pass in GFLOP (0 where the scope does not know it).
        package var forwardGFLOP = 0.0
        package var inferenceGFLOPs: Double? = nil
        package var inferenceShare = 0.0
        package var trainingShare = 0.0

        package var depth: Int { path.split(separator: "/").count - 1 }

        enum CodingKeys: String, CodingKey {
            case path
            case inferenceMs = "inference_ms"
            case trainingForwardMs = "training_forward_ms"
            case backwardMs = "backward_ms"
            case forwardGFLOP = "forward_gflop"
            case inferenceGFLOPs = "inference_gflops"
            case inferenceShare = "inference_share"
            case trainingShare = "training_share"
        }
    }

    /// What `leuko bench model --profile` prints: the cases and which code ran them.
    package struct Report: Codable, Sendable {
        package var path = ComputePath.current
        package var cases: [Case]

        package init(cases: [Case]) { self.cases = cases }

        enum CodingKeys: String, CodingKey {
            case path = "compute_path"
            case cases = "profile"
        }
    }

    /// One batch size and thread count.
    package struct Case: Codable, Sendable {
        package var batch: Int
        package var threads: Int
        package var inferenceMs: Double
        package var trainingStepMs: Double
        package var rows: [Row]

        enum CodingKeys: String, CodingKey {
            case batch, threads, rows
            case inferenceMs = "inference_ms"
            case trainingStepMs = "training_step_ms"
        }
    }

    package static func run(configuration: NetworkConfiguration = NetworkConfiguration(), batches: [Int] = [1, 32],
                            threadCounts: [Int], repeats: Int) -> [Case] {
        let network = SGCLDFFNetwork(configuration, seed: 1)
        let optimizer = AdamW(parameters: network.parameters)
        let objective = TrainingObjective(settings: LossSettings())
        let previous = Parallel.threadCount
        defer { Parallel.setThreads(previous) }
        var cases: [Case] = []
        for batch in batches {
            var rng = RandomSource(seed: 2)
            let input = Tensor.randomUniform([batch, configuration.inputChannels, configuration.cropSize, configuration.cropSize],
                                             0, 1, rng: &rng)
            let trainingBatch = ModelBenchmark.randomBatch(configuration: configuration, batch: batch, rng: &rng)
            for threads in threadCounts {
                Parallel.setThreads(threads)
                network.setTraining(false)
                network.setInferenceOnly(true)
                _ = network.forward(input)
                OpProfile.shared.start()
                let inference = Benchmark.totalSeconds(repeats: repeats) { _ = network.forward(input) }
                let inferenceProfile = OpProfile.shared.stop()

                network.setInferenceOnly(false)
                network.setTraining(true)
                let step = {
                    network.zeroGrad()
                    objective.step(network, trainingBatch)
                    OpProfile.shared.measure("optimizer", .backward) { optimizer.step() }
                }
                step()
                OpProfile.shared.start()
                let training = Benchmark.totalSeconds(repeats: repeats, step)
                let trainingProfile = OpProfile.shared.stop()
                cases.append(Case(batch: batch, threads: threads, inferenceMs: inference * 1000 / Double(repeats),
                                  trainingStepMs: training * 1000 / Double(repeats),
                                  rows: rows(inference: inferenceProfile, training: trainingProfile, repeats: repeats,
                                             inferenceSeconds: inference, trainingSeconds: training)))
            }
        }
        return cases
    }

    /// The rows of one case, parents before children, with the `(other)` rows added.
    static func rows(inference: OpProfile.Snapshot, training: OpProfile.Snapshot, repeats: Int,
                     inferenceSeconds: Double, trainingSeconds: Double) -> [Row] {
        let perPass = 1000 / Double(repeats)
        var paths = inference.order
        for path in training.order where inference.entries[path] == nil { paths.append(path) }
        var rows: [String: Row] = [:]
        for path in paths {
            let i = inference.entry(path, .forward), f = training.entry(path, .forward), b = training.entry(path, .backward)
            var row = Row(path: path)
            row.inferenceMs = i.seconds * perPass
            row.trainingForwardMs = f.seconds * perPass
            row.backwardMs = b.seconds * perPass
            row.forwardGFLOP = max(i.flops, f.flops) / Double(repeats) / 1e9
            rows[path] = row
        }
        // What each parent's children do not cover, and the top level's gap to the wall time.
        var children: [String: [String]] = [:]
        for path in paths {
            let parent = path.split(separator: "/").dropLast().joined(separator: "/")
            children[parent, default: []].append(path)
        }
        // A scope that does not know its work (a stage) does its children's.
        func rollUp(_ path: String) -> Double {
            let own = rows[path]!.forwardGFLOP
            let sum = (children[path] ?? []).map(rollUp).reduce(0, +)
            if own == 0 { rows[path]!.forwardGFLOP = sum }
            return rows[path]!.forwardGFLOP
        }
        for path in children[""] ?? [] { _ = rollUp(path) }
        var ordered: [Row] = []
        func emit(_ parent: String) {
            guard let kids = children[parent] else { return }
            for path in kids {
                ordered.append(rows[path]!)
                emit(path)
            }
            let covered = kids.map { rows[$0]! }
            var other = Row(path: parent.isEmpty ? "(other)" : parent + "/(other)")
            let total = parent.isEmpty ? nil : rows[parent]
            other.inferenceMs = (total?.inferenceMs ?? inferenceSeconds * perPass) - covered.map(\.inferenceMs).reduce(0, +)
            other.trainingForwardMs = total.map { $0.trainingForwardMs - covered.map(\.trainingForwardMs).reduce(0, +) } ?? 0
            other.backwardMs = total.map { $0.backwardMs - covered.map(\.backwardMs).reduce(0, +) } ?? 0
            if parent.isEmpty {
                other.path = "(loss and glue)"
                let attributed = covered.map { $0.trainingForwardMs + $0.backwardMs }.reduce(0, +)
                other.backwardMs = trainingSeconds * perPass - attributed
                ordered.append(Row(path: "(other)", inferenceMs: other.inferenceMs))
                ordered.append(Row(path: "(loss and glue)", backwardMs: other.backwardMs))
            } else if abs(other.inferenceMs) + abs(other.trainingForwardMs) + abs(other.backwardMs) >= 0.005 {
                ordered.append(other)
            }
        }
        emit("")
        let inferenceTotal = inferenceSeconds * perPass, trainingTotal = trainingSeconds * perPass
        return ordered.map { row in
            var r = row
            r.inferenceShare = inferenceTotal > 0 ? r.inferenceMs / inferenceTotal : 0
            r.trainingShare = trainingTotal > 0 ? (r.trainingForwardMs + r.backwardMs) / trainingTotal : 0
            if r.forwardGFLOP > 0, r.inferenceMs > 0 { r.inferenceGFLOPs = r.forwardGFLOP / (r.inferenceMs / 1000) }
            return r
        }
    }

    /// The cases as readable tables (one per case, scopes indented by depth).
    package static func table(_ cases: [Case]) -> String {
        var lines: [String] = []
        func pad(_ s: String, _ width: Int) -> String { s.count >= width ? s : s + String(repeating: " ", count: width - s.count) }
        func num(_ v: Double, _ digits: Int = 2) -> String {
            let s = String(format: "%.\(digits)f", v)
            return String(repeating: " ", count: max(0, 9 - s.count)) + s
        }
        for c in cases {
            lines.append(String(format: "batch %d, %d thread%@: inference %.2f ms per pass (%.2f ms per crop), training step %.1f ms",
                                c.batch, c.threads, c.threads == 1 ? "" : "s", c.inferenceMs, c.inferenceMs / Double(c.batch),
                                c.trainingStepMs))
            lines.append(pad("scope", 44) + "  infer ms  infer %  GFLOP/s   fwd ms   bwd ms  train %")
            for row in c.rows {
                let name = String(repeating: "  ", count: row.depth) + (row.path.split(separator: "/").last.map(String.init) ?? row.path)
                lines.append(pad(name, 44) + num(row.inferenceMs) + num(100 * row.inferenceShare, 1)
                             + (row.inferenceGFLOPs.map { num($0, 1) } ?? String(repeating: " ", count: 9))
                             + num(row.trainingForwardMs) + num(row.backwardMs) + num(100 * row.trainingShare, 1))
            }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }
}
