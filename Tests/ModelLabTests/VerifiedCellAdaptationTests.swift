import CellModel
import NN
import Tensor
import Testing
@testable import ModelLab

/// Onboarding from verified cells on a tiny network: what it changes, what it refuses to
/// start on, and that it learns a difference the weights did not know.
@Suite struct VerifiedCellAdaptationTests {
    /// A crop of class `k`: class 0 reddish, class 1 bluish, with seeded noise, and a disc
    /// as the saliency channel.
    static func cell(_ k: Int, seed: UInt64) -> TrainingSample {
        let s = NetworkConfiguration.tiny.cropSize, plane = s * s
        var rng = RandomSource(seed: seed)
        var crop = [Float](repeating: 0, count: 4 * plane)
        let colour: [Float] = k == 0 ? [0.8, 0.2, 0.3] : [0.2, 0.3, 0.8]
        for y in 0..<s {
            for x in 0..<s {
                let (dx, dy, r) = (x - s / 2, y - s / 2, s / 3)
                let squared: Int = dx * dx + dy * dy
                let inside: Bool = squared < r * r
                for c in 0..<3 {
                    let base: Float = inside ? colour[c] : 0.9
                    let noise: Float = (rng.uniform() - 0.5) * 0.1
                    crop[c * plane + y * s + x] = base + noise
                }
                let prior: Float = inside ? 1 : 0
                crop[3 * plane + y * s + x] = prior
            }
        }
        return TrainingSample(crop: crop, size: s, classIndex: k, mask: nil, dataset: "lab", image: "\(k)-\(seed)")
    }

    static func cells(_ perClass: Int) -> [TrainingSample] {
        var all: [TrainingSample] = []
        for i in 0..<perClass {
            let seed = UInt64(2 * i + 1)
            all.append(cell(0, seed: seed))
            all.append(cell(1, seed: seed + 1))
        }
        return all
    }

    func values(_ parameters: [Parameter]) -> [[Float]] {
        parameters.map { Array(UnsafeBufferPointer(start: $0.value.data, count: $0.value.count)) }
    }

    @Test func refusesASingleClassOrNothingToCheckWith() {
        let network = SGCLDFFNetwork(.tiny, seed: 3)
        let adaptation = VerifiedCellAdaptation()
        #expect(throws: CellModelError.self) {
            try adaptation.run(network, temperature: 1, verified: (1...6).map { Self.cell(0, seed: $0) })
        }
        #expect(throws: CellModelError.self) {
            try adaptation.run(network, temperature: 1, verified: [Self.cell(0, seed: 1), Self.cell(1, seed: 2)])
        }
    }

    @Test func changesOnlyTheTunedParts() throws {
        let network = SGCLDFFNetwork(.tiny, seed: 3)
        var adaptation = VerifiedCellAdaptation()
        adaptation.tuned = [.head]
        adaptation.steps = 40
        adaptation.batchSize = 8
        adaptation.learningRate = 1e-2
        adaptation.views = 1
        let head = adaptation.parameters(of: network)
        #expect(!head.isEmpty && head.allSatisfy { $0.name.hasPrefix("cls_head.") })
        let others = network.parameters.filter { p in !head.contains { $0 === p } }
        let (headBefore, othersBefore) = (values(head), values(others))
        let statisticsBefore = network.namedBuffers().map { Array(UnsafeBufferPointer(start: $0.1.data, count: $0.1.count)) }

        let result = try adaptation.run(network, temperature: 1, verified: Self.cells(10))
        #expect(result.fitCells == 14 && result.checkCells == 6)
        #expect(values(head) != headBefore, "the head was tuned")
        #expect(values(others) == othersBefore, "nothing else learned")
        #expect(network.namedBuffers().map { Array(UnsafeBufferPointer(start: $0.1.data, count: $0.1.count)) } != statisticsBefore,
                "batch-norm statistics re-estimated on the lab's cells")
        #expect(result.accepted == (result.after >= result.before))

        // The same inputs and seed give the same weights.
        let again = SGCLDFFNetwork(.tiny, seed: 3)
        _ = try adaptation.run(again, temperature: 1, verified: Self.cells(10))
        #expect(values(again.parameters) == values(network.parameters))
    }

    /// Weights that cannot tell the lab's two kinds of cell apart learn to from 14 of them.
    @Test func learnsTheLabsClassesFromAFewCells() throws {
        let network = SGCLDFFNetwork(.tiny, seed: 3)
        var adaptation = VerifiedCellAdaptation()
        adaptation.tuned = [.head, .norms, .lastStage]
        adaptation.steps = 60
        adaptation.batchSize = 8
        adaptation.learningRate = 1e-2
        adaptation.views = 1
        let result = try adaptation.run(network, temperature: 1, verified: Self.cells(10))
        print("tiny adaptation: \(result)")
        #expect(result.after == 1 && result.before < 1, "two colours are easy: \(result)")
        #expect(result.accepted)
    }

    @Test func normsAndTheLastStageAreTunableParts() {
        let network = SGCLDFFNetwork(.tiny, seed: 3)
        var adaptation = VerifiedCellAdaptation()
        adaptation.tuned = [.norms]
        let norms = adaptation.parameters(of: network)
        #expect(!norms.isEmpty && norms.allSatisfy { !$0.decays })
        adaptation.tuned = [.lastStage]
        let last = adaptation.parameters(of: network)
        #expect(!last.isEmpty && last.allSatisfy { $0.name.hasPrefix("stage4.") || $0.name.hasPrefix("fusion.") })
    }
}
