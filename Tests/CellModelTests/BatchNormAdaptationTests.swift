import Testing
import NN
import Tensor
import CellModel

/// `BatchNormAdaptation` (`leuko adapt`): batch-norm statistics re-estimated on a new lab's
/// crops, learned weights untouched.
@Suite struct BatchNormAdaptationTests {
    let configuration = tinyConfiguration()

    func crops(_ count: Int, seed: UInt64, scale: Float = 1) -> [[Float]] {
        syntheticSamples(configuration, count: count, seed: seed).map { $0.crop.map { $0 * scale } }
    }

    func forward(_ network: SGCLDFFNetwork, _ crops: [[Float]]) -> (classes: [Float], segmentation: [Float]) {
        let n = configuration.inputChannels * configuration.cropSize * configuration.cropSize
        let input = Tensor(zeros: [crops.count, configuration.inputChannels, configuration.cropSize, configuration.cropSize])
        for (i, crop) in crops.enumerated() { for j in 0..<n { input.data[i * n + j] = crop[j] } }
        network.setTraining(false)
        let out = network.forward(input)
        return (Array(UnsafeBufferPointer(start: out.classLogits!.data, count: out.classLogits!.count)),
                Array(UnsafeBufferPointer(start: out.segmentationLogits!.data, count: out.segmentationLogits!.count)))
    }

    func statistics(_ network: SGCLDFFNetwork) -> [Float] {
        BatchNormAdaptation.batchNormLayers(of: network).flatMap { layer in
            Array(UnsafeBufferPointer(start: layer.runningMean.data, count: layer.channels))
                + Array(UnsafeBufferPointer(start: layer.runningVar.data, count: layer.channels))
        }
    }

    /// A scanner whose images are a darker copy (every value times 0.5) is the textbook case:
    /// with the training statistics the network answers differently; adapted to each, it
    /// answers the same on the darker copy as on the originals (the stem's convolution is
    /// linear and every later input passes through a re-estimated batch norm).
    @Test func anAdaptedNetworkSeesADarkerCopyAsItSawTheOriginals() throws {
        let originals = crops(12, seed: 3), darker = crops(12, seed: 3, scale: 0.5)
        let plain = SGCLDFFNetwork(configuration, seed: 5)
        let (before, darkBefore) = (forward(plain, originals).classes, forward(plain, darker).classes)
        let unadaptedGap = zip(before, darkBefore).map { abs($0 - $1) }.max()!

        var adaptation = BatchNormAdaptation()
        adaptation.batchSize = 4
        let onOriginals = SGCLDFFNetwork(configuration, seed: 5), onDarker = SGCLDFFNetwork(configuration, seed: 5)
        let summary = try adaptation.adapt(onOriginals, crops: originals)
        _ = try adaptation.adapt(onDarker, crops: darker)
        #expect(summary.crops == 12 && summary.batches == 3 && summary.blend == 1)
        #expect(summary.layers == BatchNormAdaptation.batchNormLayers(of: plain).count && summary.layers > 5)
        let a = forward(onOriginals, originals), b = forward(onDarker, darker)
        let scale = a.classes.map(abs).max()! + 1
        let adaptedGap = zip(a.classes, b.classes).map { abs($0 - $1) }.max()!
        let segmentationGap = zip(a.segmentation, b.segmentation).map { abs($0 - $1) }.max()!
        #expect(adaptedGap < 2e-3 * scale, "adapted logits differ by \(adaptedGap)")
        #expect(segmentationGap < 2e-3 * (a.segmentation.map(abs).max()! + 1))
        #expect(unadaptedGap > 20 * adaptedGap, "without adaptation the darker copy changes the logits by \(unadaptedGap)")
    }

    /// With one batch the stem's statistics are exactly the mean and the unbiased variance of
    /// its convolution's output over the crops, whatever the statistics were before.
    @Test func statisticsAreMeasuredOnTheCropsNotCarriedOver() throws {
        let input = crops(6, seed: 8)
        let network = SGCLDFFNetwork(configuration, seed: 9)
        let stemNorm = network.stem.norm
        for ch in 0..<stemNorm.channels { stemNorm.runningMean.data[ch] = 100; stemNorm.runningVar.data[ch] = 1e4 }
        var adaptation = BatchNormAdaptation()
        adaptation.batchSize = 32
        _ = try adaptation.adapt(network, crops: input)

        let n = configuration.inputChannels * configuration.cropSize * configuration.cropSize
        let tensor = Tensor(zeros: [6, configuration.inputChannels, configuration.cropSize, configuration.cropSize])
        for (i, crop) in input.enumerated() { for j in 0..<n { tensor.data[i * n + j] = crop[j] } }
        let conv = network.stem.conv.forward(tensor)
        let (batch, channels, h, w) = conv.nchw
        for ch in 0..<channels {
            var values: [Double] = []
            for i in 0..<batch { for p in 0..<(h * w) { values.append(Double(conv.data[(i * channels + ch) * h * w + p])) } }
            let mean = values.reduce(0, +) / Double(values.count)
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)
            #expect(abs(Double(stemNorm.runningMean.data[ch]) - mean) < 1e-4 * (1 + abs(mean)))
            #expect(abs(Double(stemNorm.runningVar.data[ch]) - variance) < 1e-4 * (1 + variance))
        }
        #expect(stemNorm.momentum == 0.1, "the layer's own momentum is restored")
        #expect(!network.isTraining && !stemNorm.isTraining, "left in inference mode")
    }

    /// Only statistics change; blend 0 changes nothing, blend 0.5 lands half way; the same
    /// crops and seed give the same statistics bit for bit.
    @Test func weightsStayAndBlendMixes() throws {
        let input = crops(10, seed: 4)
        let original = SGCLDFFNetwork(configuration, seed: 2)
        var adaptation = BatchNormAdaptation()
        adaptation.batchSize = 4
        let full = SGCLDFFNetwork(configuration, seed: 2), again = SGCLDFFNetwork(configuration, seed: 2)
        _ = try adaptation.adapt(full, crops: input)
        _ = try adaptation.adapt(again, crops: input)
        #expect(statistics(full) == statistics(again))
        #expect(statistics(full) != statistics(original))
        for ((name, p), (_, q)) in zip(original.namedParameters(), full.namedParameters()) {
            #expect(Array(UnsafeBufferPointer(start: p.value.data, count: p.value.count))
                    == Array(UnsafeBufferPointer(start: q.value.data, count: q.value.count)), "\(name) changed")
        }
        adaptation.blend = 0
        let none = SGCLDFFNetwork(configuration, seed: 2)
        _ = try adaptation.adapt(none, crops: input)
        #expect(statistics(none) == statistics(original))
        adaptation.blend = 0.5
        let half = SGCLDFFNetwork(configuration, seed: 2)
        _ = try adaptation.adapt(half, crops: input)
        for (h, (o, f)) in zip(statistics(half), zip(statistics(original), statistics(full))) {
            #expect(abs(h - (o + f) / 2) <= 1e-5 * (1 + abs(h)))
        }
    }

    @Test func refusesTooFewCropsAndABadBlend() {
        let network = SGCLDFFNetwork(configuration, seed: 1)
        #expect(throws: CellModelError.self) { try BatchNormAdaptation().adapt(network, crops: crops(1, seed: 1)) }
        var adaptation = BatchNormAdaptation()
        adaptation.blend = 1.5
        #expect(throws: CellModelError.self) { try adaptation.adapt(network, crops: crops(4, seed: 1)) }
    }
}
