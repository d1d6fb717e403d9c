import Foundation
import NN
import Tensor

/// Speed of the whole SG-CLDFF network, for `leuko bench model`.
///
/// For each thread count: inference milliseconds per crop at batch 1 and at batch 32 (eval
/// mode, forward only), and the seconds of one training step at batch 32 (forward, the full
/// multi-task loss, backward, AdamW). Medians over `repeats` runs after a warm-up; thread
/// counts set with `Parallel.setThreads` and restored. Random weights and inputs: speed does
/// not depend on their values. It measures; it asserts nothing.
package enum ModelBenchmark {
    package struct Row: Codable, Sendable {
        package let threads: Int
        package let inferenceMsPerCropBatch1: Double
        package let inferenceMsPerCropBatch32: Double
        package let trainingStepSecondsBatch32: Double

        enum CodingKeys: String, CodingKey {
            case threads
            case inferenceMsPerCropBatch1 = "inference_ms_per_crop_batch1"
            case inferenceMsPerCropBatch32 = "inference_ms_per_crop_batch32"
            case trainingStepSecondsBatch32 = "training_step_s_batch32"
        }
    }

    package struct Report: Codable, Sendable {
        package let parameters: Int
        package let forwardGFLOPsPerCrop: Double
        package let rows: [Row]
        /// Which code ran (CPU, vector extensions, OpenBLAS kernel).
        package var path = ComputePath.current

        enum CodingKeys: String, CodingKey {
            case path = "compute_path"
            case parameters
            case forwardGFLOPsPerCrop = "forward_gflop_per_crop"
            case rows = "cases"
        }
    }

    /// A training batch of random crops, classes and masks (every other crop has a mask).
    package static func randomBatch(configuration: NetworkConfiguration, batch: Int, rng: inout RandomSource) -> TrainingBatch {
        let s = configuration.cropSize
        var samples: [TrainingSample] = []
        for i in 0..<batch {
            let crop = (0..<(configuration.inputChannels * s * s)).map { _ in rng.uniform() }
            let mask = (0..<(s * s)).map { _ in UInt8(rng.next() % 3) }
            samples.append(TrainingSample(crop: crop, size: s, classIndex: i % configuration.classCount,
                                          mask: i % 2 == 0 ? mask : nil, dataset: "bench", image: "\(i)"))
        }
        return BatchAssembler(configuration: configuration).batch(samples)
    }

    package static func run(configuration: NetworkConfiguration = NetworkConfiguration(), threadCounts: [Int],
                            repeats: Int, batch: Int = 32) -> Report {
        let network = SGCLDFFNetwork(configuration, seed: 1)
        let s = configuration.cropSize
        var rng = RandomSource(seed: 2)
        let single = Tensor.randomUniform([1, configuration.inputChannels, s, s], 0, 1, rng: &rng)
        let many = Tensor.randomUniform([batch, configuration.inputChannels, s, s], 0, 1, rng: &rng)
        let trainingBatch = randomBatch(configuration: configuration, batch: batch, rng: &rng)
        let objective = TrainingObjective(settings: LossSettings())
        let optimizer = AdamW(parameters: network.parameters)
        let previous = Parallel.threadCount
        defer { Parallel.setThreads(previous) }
        var rows: [Row] = []
        for threads in threadCounts {
            Parallel.setThreads(threads)
            network.setTraining(false)
            network.setInferenceOnly(true)
            let one = Benchmark.medianSeconds(repeats: repeats) { _ = network.forward(single) }
            let batched = Benchmark.medianSeconds(repeats: repeats) { _ = network.forward(many) }
            network.setInferenceOnly(false)
            network.setTraining(true)
            let step = Benchmark.medianSeconds(repeats: max(1, repeats / 2)) {
                network.zeroGrad()
                objective.step(network, trainingBatch)
                optimizer.step()
            }
            rows.append(Row(threads: threads, inferenceMsPerCropBatch1: one * 1000,
                            inferenceMsPerCropBatch32: batched * 1000 / Double(batch),
                            trainingStepSecondsBatch32: step))
        }
        return Report(parameters: network.parameterCount, forwardGFLOPsPerCrop: Double(network.flops(batch: 1)) / 1e9,
                      rows: rows)
    }
}
