import Foundation
import Testing
import NN
import Tensor
import CellModel

/// Tiny synthetic samples: a dark disc ("nucleus") inside a paler ring ("cytoplasm") whose
/// size depends on the class, so the class is learnable from the crop.
func syntheticSamples(_ configuration: NetworkConfiguration, count: Int, seed: UInt64, withMasks: Bool = true) -> [TrainingSample] {
    var rng = RandomSource(seed: seed)
    let s = configuration.cropSize, plane = s * s
    return (0..<count).map { i in
        let k = i % configuration.classCount
        var crop = [Float](repeating: 0.9, count: 4 * plane)
        var mask = [UInt8](repeating: 0, count: plane)
        let nucleus = Float(s) * (0.08 + 0.04 * Float(k)), cell = nucleus * 1.8
        let (cx, cy) = (Float(s) / 2 + rng.uniform(-3, 3), Float(s) / 2 + rng.uniform(-3, 3))
        for y in 0..<s {
            for x in 0..<s {
                let r = ((Float(x) - cx) * (Float(x) - cx) + (Float(y) - cy) * (Float(y) - cy)).squareRoot()
                let p = y * s + x
                let label: UInt8 = r < nucleus ? 2 : (r < cell ? 1 : 0)
                mask[p] = label
                let shade: Float = label == 2 ? 0.3 : (label == 1 ? 0.65 : 0.9)
                for c in 0..<3 { crop[c * plane + p] = shade + rng.uniform(-0.05, 0.05) }
                crop[3 * plane + p] = label > 0 ? 0.9 : 0.05
            }
        }
        return TrainingSample(crop: crop, size: s, classIndex: k, mask: withMasks ? mask : nil,
                              dataset: i % 3 == 0 ? "b" : "a", image: "synthetic-\(i)")
    }
}

@Suite struct TrainingTests {
    @Test func aFewStepsLowerTheLoss() {
        var configuration = tinyConfiguration()
        configuration.classCount = 3
        let samples = syntheticSamples(configuration, count: 6, seed: 1)
        let network = SGCLDFFNetwork(configuration, seed: 2)
        let batch = BatchAssembler(configuration: configuration).batch(samples)
        let objective = TrainingObjective(settings: LossSettings())
        let optimizer = AdamW(parameters: network.parameters, learningRate: 3e-3, weightDecay: 0)
        network.zeroGrad()
        let first = objective.step(network, batch).0
        optimizer.step()
        var last = first
        for _ in 0..<7 {
            network.zeroGrad()
            last = objective.step(network, batch).0
            optimizer.step()
        }
        #expect(last.total < 0.8 * first.total, "loss \(first.total) -> \(last.total)")
        #expect(last.classification < first.classification)
        #expect(last.segmentation < first.segmentation)
    }

    @Test func batchAssemblerDerivesCoverageAndAllowedRegion() {
        var configuration = tinyConfiguration()
        configuration.cropSize = 16
        let plane = 256
        var mask = [UInt8](repeating: 0, count: plane)
        for y in 0..<4 { for x in 0..<4 { mask[y * 16 + x] = 2 } }       // fills block (0, 0)
        mask[5 * 16 + 5] = 1                                              // one pixel of block (1, 1)
        let crop = [Float](repeating: 0.5, count: 4 * plane)
        let withMask = TrainingSample(crop: crop, size: 16, classIndex: 1, mask: mask, dataset: "m", image: "a")
        let without = TrainingSample(crop: crop, size: 16, classIndex: nil, mask: nil, dataset: "n", image: "b")
        let batch = BatchAssembler(configuration: configuration).batch([withMask, without])
        #expect(batch.cellCoverage.data[0] == 1)
        #expect(batch.cellCoverage.data[5] == 1.0 / 16)
        #expect(batch.cellCoverage.data[15] == 0)
        // Dilated by one block: blocks within one of (0,0) or (1,1) are allowed, (3,3) is not.
        #expect(batch.allowedRegion.data[2 * 4 + 2] == 1 && batch.allowedRegion.data[3 * 4 + 3] == 0)
        // Without a mask: the prior's block mean, and every pixel's label ignored.
        #expect(abs(batch.allowedRegion.data[16] - 0.5) < 1e-6)
        #expect(batch.segmentation[plane...].allSatisfy { $0 == TrainingBatch.ignore })
        #expect(batch.classes == [1, TrainingBatch.ignore])
        #expect(batch.hasMask == [true, false])
    }

    @Test func partialMaskLabelsOnlyItsKnownPixelsAndLeavesTheGateAlone() {
        let configuration = tinyConfiguration()
        let s = configuration.cropSize, plane = s * s, q = s / 4
        var mask = [UInt8](repeating: TrainingSample.unlabelledPixel, count: plane)
        for y in 28..<36 { for x in 28..<36 { mask[y * s + x] = 2 } }
        var crop = [Float](repeating: 0.5, count: 4 * plane)
        for p in 0..<plane { crop[3 * plane + p] = 0.25 }
        let partial = TrainingSample(crop: crop, size: s, classIndex: 3, mask: mask, dataset: "boxes", image: "a")
        #expect(!partial.hasCompleteMask)
        let batch = BatchAssembler(configuration: configuration).batch([partial])
        #expect(batch.segmentation.filter { $0 == 2 }.count == 64)
        #expect(batch.segmentation.filter { $0 == TrainingBatch.ignore }.count == plane - 64)
        #expect(batch.hasSegmentationTargets)
        #expect(batch.hasMask == [false], "no complete mask: no gate target")
        #expect((0..<(q * q)).allSatisfy { batch.cellCoverage.data[$0] == 0 })
        #expect((0..<(q * q)).allSatisfy { abs(batch.allowedRegion.data[$0] - 0.25) < 1e-6 }, "the prior's region, as without a mask")

        // The objective trains segmentation on it, and no gate.
        let network = SGCLDFFNetwork(configuration, seed: 2)
        let (losses, _) = TrainingObjective(settings: LossSettings()).step(network, batch)
        #expect(losses.segmentation > 0 && losses.dice > 0)
        #expect(losses.gate == 0)
        let none = BatchAssembler(configuration: configuration).batch([TrainingSample(crop: crop, size: s, classIndex: 3, mask: nil, dataset: "boxes", image: "b")])
        #expect(!none.hasSegmentationTargets)
        #expect(TrainingObjective(settings: LossSettings()).step(network, none).0.segmentation == 0)
    }

    @Test func datasetSamplerFollowsTheWeights() {
        let samples = syntheticSamples(tinyConfiguration(), count: 30, seed: 3, withMasks: false)
        let sampler = DatasetSampler(samples: samples, weights: ["a": 3, "b": 1])
        var rng = RandomSource(seed: 4)
        let drawn = sampler.draw(4000, rng: &rng)
        let fromA = drawn.filter { samples[$0].dataset == "a" }.count
        #expect(abs(Double(fromA) / 4000 - 0.75) < 0.03)
        var again = RandomSource(seed: 4)
        #expect(sampler.draw(4000, rng: &again) == drawn)
    }

    @Test func classWeightsAreInverseSquareRootFrequencyWithMeanOne() {
        var samples = syntheticSamples(tinyConfiguration(), count: 5, seed: 5, withMasks: false)
        for i in 0..<5 { samples[i].classIndex = i < 4 ? 0 : 1 }
        let weights = ClassWeights.fromFrequencies(samples, classCount: 3)
        // counts 4, 1, 0 -> raw 1/2, 1, 0 -> mean of present 3/4.
        #expect(abs(weights[0] - Float(0.5 / 0.75)) < 1e-6 && abs(weights[1] - Float(1 / 0.75)) < 1e-6 && weights[2] == 0)
    }

    @Test func modelFileRoundTripIsBitExact() throws {
        let configuration = tinyConfiguration()
        let network = SGCLDFFNetwork(configuration, seed: 6)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("leuko-model-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("w.safetensors")
        try ModelFile.save(network, temperature: 1.7, extra: ["command": "leuko train test"], to: url)
        let loaded = try ModelFile.load(url)
        #expect(loaded.temperature == 1.7)
        #expect(loaded.metadata["command"] == "leuko train test")
        #expect(loaded.network.configuration == configuration)
        #expect(loaded.sha256?.count == 64)
        let crops = syntheticSamples(configuration, count: 3, seed: 7).map(\.crop)
        network.setTraining(false)
        let a = CropPredictor(network: network).predict(crops)
        let b = CropPredictor(network: loaded.network).predict(crops)
        #expect(a.map(\.logits) == b.map(\.logits))
        #expect(a.map(\.segmentation) == b.map(\.segmentation))
    }

    @Test func trainingResumesFromItsCheckpointAndRefusesOtherOptions() throws {
        let options = Self.tinyOptions(epochs: 2)
        let samples = syntheticSamples(options.network, count: 8, seed: 8)
        let directory = try Self.scratchDirectory("leuko-resume")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("run.resume.safetensors")

        let full = Trainer(options: options, training: samples, validation: [], augment: nil)
        try full.run(progress: { _ in }, checkpoint: { _ in })

        var interrupted = options
        interrupted.epochs = 1
        let first = Trainer(options: options, training: samples, validation: [], augment: nil)
        // Stop after one epoch by throwing from the checkpoint callback, as a kill would.
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try first.run(progress: { _ in }, checkpoint: { trainer in
                try ResumableCheckpoint.save(trainer, to: url)
                throw Stop()
            })
        }
        let resumed = Trainer(options: options, training: samples, validation: [], augment: nil)
        try ResumableCheckpoint.restore(resumed, from: url)
        #expect(resumed.completedEpochs == 1)
        try resumed.run(progress: { _ in }, checkpoint: { _ in })
        // Dropout is off in the tiny network, so resuming reproduces the uninterrupted run (up
        // to summation order, as other tests may change the thread count meanwhile).
        for ((name, a), (_, b)) in zip(full.network.stateTensors(), resumed.network.stateTensors()) {
            let difference = zip(a.values, b.values).map { abs($0 - $1) }.max() ?? 0
            #expect(difference < 1e-4, "\(name) differs by \(difference) after resume")
        }
        let other = Trainer(options: interrupted, training: samples, validation: [], augment: nil)
        #expect(throws: TrainingError.self) { try ResumableCheckpoint.restore(other, from: url) }
    }

    @Test func fineTuningStartsFromTheGivenWeightsAndRefusesAnotherNetwork() throws {
        let options = Self.tinyOptions(epochs: 1)
        let samples = syntheticSamples(options.network, count: 8, seed: 9)
        let directory = try Self.scratchDirectory("leuko-init")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("trained.safetensors")
        let trained = Trainer(options: options, training: samples, validation: [], augment: nil)
        try trained.run(progress: { _ in }, checkpoint: { _ in })
        try trained.averagedNetwork().saveCheckpoint(to: url)

        var fresh = options
        fresh.seed = 99
        let tuned = Trainer(options: fresh, training: samples, validation: [], augment: nil)
        let file = try SafeTensors(contentsOf: url)
        try tuned.start(from: file)
        // Before any step, both the network and its average hold the file's weights exactly.
        let saved = Dictionary(uniqueKeysWithValues: trained.averagedNetwork().stateTensors().map { ($0.0, $0.1.values) })
        for (name, tensor) in tuned.network.stateTensors() { #expect(tensor.values == saved[name], "\(name) not loaded") }
        for (name, tensor) in tuned.averagedNetwork().stateTensors() { #expect(tensor.values == saved[name], "EMA \(name) not restarted") }

        var other = options
        other.network.useGate.toggle()
        let mismatched = Trainer(options: other, training: samples, validation: [], augment: nil)
        #expect(throws: (any Error).self) { try mismatched.start(from: file) }
    }

    /// A tiny 3-class network trained for `epochs` epochs of 2 steps of 4 crops.
    static func tinyOptions(epochs: Int) -> TrainingOptions {
        var options = TrainingOptions()
        options.network = tinyConfiguration()
        options.network.classCount = 3
        options.epochs = epochs
        options.stepsPerEpoch = 2
        options.batchSize = 4
        options.warmupSteps = 1
        return options
    }

    /// A new empty folder under the temporary directory (the caller removes it).
    static func scratchDirectory(_ prefix: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }
}
