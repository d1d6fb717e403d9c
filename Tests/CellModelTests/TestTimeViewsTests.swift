import Testing
import CellModel
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
}
