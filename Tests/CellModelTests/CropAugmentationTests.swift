import Testing
import Tensor
import CellModel

@Suite struct CropAugmentationTests {
    @Test func augmentationIsDeterministicForASeedAndKeepsMaskAligned() {
        let samples = syntheticSamples(tinyConfiguration(), count: 2, seed: 21)
        let augmentation = CropAugmentation()
        var a = samples[0], b = samples[0]
        var rngA = RandomSource(seed: 5), rngB = RandomSource(seed: 5)
        augmentation.apply(&a, rng: &rngA)
        augmentation.apply(&b, rng: &rngB)
        #expect(a.crop == b.crop && a.mask == b.mask)
        var c = samples[0]
        var rngC = RandomSource(seed: 6)
        augmentation.apply(&c, rng: &rngC)
        #expect(c.crop != a.crop)
        // The saliency channel and the mask move together: prior is high exactly on the cell.
        let plane = a.size * a.size
        for p in 0..<plane { #expect((a.crop[3 * plane + p] > 0.5) == (a.mask![p] > 0)) }
        #expect(a.crop.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    @Test func dihedralTransformsAreTheEightSymmetries() {
        // 2x2 image [[1, 2], [3, 4]].
        let image = [1, 2, 3, 4]
        let results = (0..<8).map { CropAugmentation.dihedral(image, size: 2, channels: 1, transform: $0) }
        #expect(results[0] == [1, 2, 3, 4])
        #expect(Set(results.map { $0.description }).count == 8)
        // Applying the 90-degree rotation four times is the identity.
        var r = image
        for _ in 0..<4 { r = CropAugmentation.dihedral(r, size: 2, channels: 1, transform: 1) }
        #expect(r == image)
    }
}
