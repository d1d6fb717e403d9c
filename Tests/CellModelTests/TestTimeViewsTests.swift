import Testing
import CellModel
import Foundation
import Tensor

/// Test-time augmentation: the average over all eight views is invariant to turning and
/// flipping the input (class) and follows it (segmentation), which only holds when every
/// view's segmentation is turned back by the right inverse.
@Suite struct TestTimeViewsTests {
    @Test func inverseUndoesEveryTransform() {
        let s = 5, data = (0..<(2 * s * s)).map(Float.init)
        for t in 0..<8 {
            let turned = CropAugmentation.dihedral(data, size: s, channels: 2, transform: t)
            #expect(CropAugmentation.dihedral(turned, size: s, channels: 2, transform: TestTimeViews.inverse(t)) == data, "transform \(t)")
        }
        #expect(TestTimeViews.transforms(4) == [0, 4, 2, 6] && Set(TestTimeViews.transforms(8)) == Set(0..<8))
    }

    @Test func eightViewsAreInvariantToTheCropsOrientation() {
        let c = tinyConfiguration()
        let network = SGCLDFFNetwork(c, seed: 11)
        let s = c.cropSize, plane = s * s
        var rng = RandomSource(seed: 5)
        // An off-centre blob (so orientation matters to the single-view network) plus noise.
        var crop = [Float](repeating: 0, count: c.inputChannels * plane)
        for ch in 0..<c.inputChannels {
            for y in 0..<s {
                for x in 0..<s {
                    let d = Float((x - 20) * (x - 20) + (y - 26) * (y - 26)).squareRoot()
                    crop[ch * plane + y * s + x] = (d < 14 ? 0.8 : 0.1) + Float.random(in: 0..<0.2, using: &rng) - 0.1 * Float(ch)
                }
            }
        }
        let turned = CropAugmentation.dihedral(crop, size: s, channels: c.inputChannels, transform: 1)
        let single = CropPredictor(network: network, views: 1).predict([crop, turned])
        let all = CropPredictor(network: network, views: 8).predict([crop, turned])
        let singleGap = zip(single[0].logits, single[1].logits).map { abs($0 - $1) }.max()!
        let gap = zip(all[0].logits, all[1].logits).map { abs($0 - $1) }.max()!
        #expect(singleGap > 1e-3, "one view should depend on orientation (gap \(singleGap))")
        #expect(gap < 1e-3, "8-view logits differ by \(gap)")
        // The segmentation of the turned crop is the turned segmentation.
        let expected = CropAugmentation.dihedral(all[0].segmentation, size: s, channels: 1, transform: 1)
        let mismatched = zip(expected, all[1].segmentation).filter { $0 != $1 }.count
        #expect(mismatched <= plane / 1000, "\(mismatched) of \(plane) labels differ")
    }

    @Test func eachViewCountHasItsOwnStoredTemperature() throws {
        let c = tinyConfiguration()
        let network = SGCLDFFNetwork(c, seed: 9)
        // Labels the untrained network mostly gets right (its own answers, 3 of 12 changed),
        // so the temperature is finite rather than at the search's upper bound.
        var samples = syntheticSamples(c, count: 12, seed: 4)
        let answers = CropPredictor(network: network).predict(samples.map(\.crop)).map(\.predictedClass)
        for i in samples.indices { samples[i].classIndex = i % 4 == 0 ? (answers[i] + 1) % c.classCount : answers[i] }
        let t1 = TemperatureFit.fit(network, samples: samples, views: 1)
        let t4 = TemperatureFit.fit(network, samples: samples, views: 4)
        // Averaged logits are less extreme: the fit differs (and each minimises its own NLL).
        #expect(abs(t1 - t4) > 1e-4, "t1 \(t1) t4 \(t4)")
        let logits4 = CropPredictor(network: network, views: 4).predict(samples.map(\.crop)).map(\.logits)
        let labels = samples.map { $0.classIndex! }
        func nll(_ t: Double) -> Double {
            zip(logits4, labels).map { -log(Double(TemperatureScaling.probabilities(logits: $0, temperature: t)[$1])) }.reduce(0, +)
        }
        #expect(t4 < 19 && t1 < 19, "t1 \(t1) t4 \(t4)")
        #expect(nll(t4) <= nll(t4 * 1.1) && nll(t4) <= nll(t4 / 1.1) && nll(t4) <= nll(t1))

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("leuko-views-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("w.safetensors")
        try ModelFile.save(network, temperature: t1, extra: [ModelFile.temperatureKey(views: 4): String(t4)], to: url)
        let loaded = try ModelFile.load(url)
        #expect(loaded.temperature(views: 1) == t1 && loaded.temperature(views: 4) == t4 && loaded.temperature(views: 8) == t1)
        // Rewriting the metadata keeps the weights bit for bit.
        var metadata = loaded.metadata
        metadata[ModelFile.temperatureKey(views: 8)] = "0.5"
        let copy = directory.appendingPathComponent("copy.safetensors")
        try loaded.save(metadata: metadata, to: copy)
        let reloaded = try ModelFile.load(copy)
        #expect(reloaded.temperature(views: 8) == 0.5 && reloaded.temperature(views: 4) == t4)
        let crops = Array(samples.prefix(3).map(\.crop))
        #expect(CropPredictor(network: reloaded.network).predict(crops).map(\.logits)
                == CropPredictor(network: loaded.network).predict(crops).map(\.logits))
    }

    @Test func agreementIsTheOverlapOfEachViewWithTheFirst() {
        #expect(TestTimeViews.agreement([[0.7, 0.3]]) == nil)
        #expect(TestTimeViews.agreement([[0.7, 0.3], [0.7, 0.3]]) == 1)
        #expect(TestTimeViews.agreement([[1, 0], [0, 1]]) == 0)
        let mixed = TestTimeViews.agreement([[0.6, 0.4], [0.2, 0.8], [0.6, 0.4]])!
        #expect(abs(mixed - (0.6 + 1.0) / 2) < 1e-6)
    }
}
