import CellModel
import Tensor
import Testing
@testable import ModelLab

/// Whole stain appearances drawn from the training crops' lαβ statistics (RandStainNA-style).
@Suite struct StainAppearanceTests {
    static let size = 16

    /// A crop whose left half is `a` and right half `b` (RGB), prior channel a ramp.
    static func crop(_ a: SIMD3<Float>, _ b: SIMD3<Float>, dataset: String = "s") -> TrainingSample {
        let n = size, area = n * n
        var data = [Float](repeating: 0, count: 4 * area)
        for y in 0..<n {
            for x in 0..<n {
                let c = x < n / 2 ? a : b
                for k in 0..<3 { data[k * area + y * n + x] = c[k] }
                data[3 * area + y * n + x] = Float(x) / Float(n)
            }
        }
        return TrainingSample(crop: data, size: n, classIndex: 0, mask: [UInt8](repeating: 1, count: area), dataset: dataset, image: "i.png")
    }

    @Test func theFittedDistributionSpansTheSourcesItWasFittedOn() {
        let purple = Self.crop(SIMD3(0.55, 0.35, 0.7), SIMD3(0.9, 0.85, 0.92))
        let pink = Self.crop(SIMD3(0.8, 0.45, 0.55), SIMD3(0.95, 0.88, 0.9))
        let d = StainAppearance.fit([purple, pink])
        let one = StainAppearance.statistics(ofCrop: purple.crop, size: Self.size).mean
        let other = StainAppearance.statistics(ofCrop: pink.crop, size: Self.size).mean
        for k in 0..<3 {
            #expect(abs(d.meanOfMeans[k] - (one[k] + other[k]) / 2) < 1e-9)
            #expect(abs(d.spreadOfMeans[k] - abs(one[k] - other[k]) / 2) < 1e-9)
        }
        let alone = StainAppearance.fit([purple])
        #expect(alone.spreadOfMeans == SIMD3(repeating: 0), "one appearance has no spread")
    }

    @Test func aTransferGivesTheCropTheTargetStatisticsAndLeavesPriorAndMask() {
        var sample = Self.crop(SIMD3(0.55, 0.35, 0.7), SIMD3(0.9, 0.85, 0.92))
        let before = sample
        let target = StainAppearance.statistics(ofCrop: Self.crop(SIMD3(0.7, 0.45, 0.6), SIMD3(0.92, 0.86, 0.9)).crop, size: Self.size)
        let appearance = StainAppearance(distribution: StainAppearance.fit([sample]), probability: 1)
        appearance.transfer(&sample.crop, size: Self.size, mean: target.mean, deviation: target.deviation, grayscale: false)
        let after = StainAppearance.statistics(ofCrop: sample.crop, size: Self.size)
        let own = StainAppearance.statistics(ofCrop: before.crop, size: Self.size)
        // Within the lαβ matrices' round trip (they are inverse to about 1 %), and far closer than before.
        let distanceBefore = ((own.mean - target.mean) * (own.mean - target.mean)).sum().squareRoot()
        let distanceAfter = ((after.mean - target.mean) * (after.mean - target.mean)).sum().squareRoot()
        #expect(distanceAfter < 3e-3 && distanceAfter < 0.1 * distanceBefore)
        for k in 0..<3 { #expect(abs(after.deviation[k] - target.deviation[k]) < 0.05 * target.deviation[k] + 1e-4) }
        let area = Self.size * Self.size
        #expect(Array(sample.crop[(3 * area)...]) == Array(before.crop[(3 * area)...]), "the prior channel does not change")
        #expect(sample.mask == before.mask)
    }

    @Test func grayscaleDropsTheChroma() {
        var sample = Self.crop(SIMD3(0.55, 0.35, 0.7), SIMD3(0.9, 0.85, 0.92))
        let own = StainAppearance.statistics(ofCrop: sample.crop, size: Self.size)
        StainAppearance(distribution: StainAppearance.fit([sample]), probability: 1)
            .transfer(&sample.crop, size: Self.size, mean: own.mean, deviation: own.deviation, grayscale: true)
        let area = Self.size * Self.size
        for i in 0..<area {
            #expect(abs(sample.crop[i] - sample.crop[area + i]) < 0.02 && abs(sample.crop[i] - sample.crop[2 * area + i]) < 0.02)
        }
        #expect(sample.crop[0] < sample.crop[area - 1], "the dark half stays darker")
    }

    @Test func drawsAreSeededAndTheStreamDoesNotDependOnTheOutcome() {
        let sample = Self.crop(SIMD3(0.55, 0.35, 0.7), SIMD3(0.9, 0.85, 0.92))
        let fitted = StainAppearance.fit([sample, Self.crop(SIMD3(0.8, 0.45, 0.55), SIMD3(0.95, 0.88, 0.9))])
        func run(_ probability: Double, seed: UInt64) -> ([Float], UInt64) {
            var rng = RandomSource(seed: seed), s = sample
            StainAppearance(distribution: fitted, probability: probability).apply(&s, rng: &rng)
            return (s.crop, rng.next())
        }
        #expect(run(1, seed: 3) == run(1, seed: 3))
        #expect(run(1, seed: 3).0 != sample.crop, "an applied appearance changes the colours")
        #expect(run(0, seed: 3).0 == sample.crop, "probability 0 leaves the crop")
        #expect(run(0, seed: 3).1 == run(1, seed: 3).1, "the same number of draws either way")
    }
}

/// Calibration crops with simulated other labs' stains.
@Suite struct ShiftedCalibrationCropsTests {
    @Test func eachLabelledCropIsKeptAndCopiedWithItsLabel() {
        let a = StainAppearanceTests.crop(SIMD3(0.55, 0.35, 0.7), SIMD3(0.9, 0.85, 0.92))
        var b = StainAppearanceTests.crop(SIMD3(0.8, 0.45, 0.55), SIMD3(0.95, 0.88, 0.9)); b.classIndex = 3
        var negative = a; negative.classIndex = nil
        let made = ShiftedCalibrationCrops.make([a, b, negative], copies: 2, seed: 5)
        #expect(made.count == 6, "two labelled crops, each kept and copied twice; the negative is left out")
        #expect(made[0].crop == a.crop && made[1].crop == b.crop, "the originals first, unchanged")
        #expect(made.map(\.classIndex) == [0, 3, 0, 3, 0, 3])
        #expect(made[2].crop != a.crop && made[3].crop != b.crop, "the copies are shifted")
        #expect(ShiftedCalibrationCrops.make([a, b], copies: 2, seed: 5).map(\.crop) == made.map(\.crop))
        #expect(ShiftedCalibrationCrops.make([a, b], copies: 0, seed: 5).count == 2)
    }
}
