import Testing
@testable import CellModel
import NN
import Tensor

/// `leuko bench model --profile`'s rows: every part of the network appears under its path,
/// each parent's `(other)` row is what its children leave, and the top-level rows add up to
/// the measured pass and step.
@Suite(.serialized) struct ModelProfileTests {
    @Test func everyPartOfTheNetworkHasARowAndTheTopLevelAddsUp() throws {
        let cases = ModelProfile.run(configuration: .tiny, batches: [2], threadCounts: [1], repeats: 1)
        let c = try #require(cases.first)
        #expect(cases.count == 1 && c.batch == 2 && c.threads == 1)
        let paths = Set(c.rows.map(\.path))
        for part in ["stem", "stage1", "stage1/conv_dw", "stage2", "stage3", "stage4", "fusion", "fusion/refine/grouped",
                     "seg_head", "seg_head/decode", "cls_head", "optimizer", "(other)", "(loss and glue)"] {
            #expect(paths.contains(part), "no row for \(part)")
        }
        #expect(c.rows.contains { $0.path.hasSuffix("attn/scores_softmax_context") && $0.backwardMs > 0 })
        let top = c.rows.filter { $0.depth == 0 }
        #expect(abs(top.map(\.inferenceMs).reduce(0, +) - c.inferenceMs) < 1e-6)
        #expect(abs(top.map { $0.trainingForwardMs + $0.backwardMs }.reduce(0, +) - c.trainingStepMs) < 1e-6)
        #expect(abs(top.map(\.inferenceShare).reduce(0, +) - 1) < 1e-9)
        // A stage knows its work through its blocks.
        #expect(try #require(c.rows.first { $0.path == "stage2" }).forwardGFLOP > 0)
    }

    @Test func otherRowsAreWhatChildrenLeave() {
        typealias Entry = OpProfile.Entry
        let inference = OpProfile.Snapshot(order: ["a/b", "a"], entries: [
            "a": [.forward: Entry(seconds: 0.010, calls: 1)],
            "a/b": [.forward: Entry(seconds: 0.004, calls: 1, flops: 2e9)],
        ])
        let training = OpProfile.Snapshot(order: ["a/b", "a"], entries: [
            "a": [.forward: Entry(seconds: 0.012, calls: 1), .backward: Entry(seconds: 0.020, calls: 1)],
            "a/b": [.forward: Entry(seconds: 0.005, calls: 1), .backward: Entry(seconds: 0.015, calls: 1)],
        ])
        let rows = ModelProfile.rows(inference: inference, training: training, repeats: 1,
                                     inferenceSeconds: 0.011, trainingSeconds: 0.040)
        #expect(rows.map(\.path) == ["a", "a/b", "a/(other)", "(other)", "(loss and glue)"])
        let other = rows[2]
        #expect(abs(other.inferenceMs - 6) < 1e-9 && abs(other.trainingForwardMs - 7) < 1e-9 && abs(other.backwardMs - 5) < 1e-9)
        #expect(abs(rows[3].inferenceMs - 1) < 1e-9 && abs(rows[4].backwardMs - 8) < 1e-9)
        #expect(rows[0].forwardGFLOP == 2, "a parent without its own count does its children's")
        #expect(abs(rows[1].inferenceGFLOPs! - 500) < 1e-6)
    }
}
