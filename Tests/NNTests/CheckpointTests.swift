import Foundation
import Testing
import Tensor
import NN

private final class Net: Module {
    var isTraining = true
    let weight: Parameter
    let bias = Parameter(name: "bias", value: Tensor(shape: [2], values: [0.5, -0.5]), decays: false)
    let runningVar = Tensor(shape: [2], values: [1, 1])
    init(columns: Int = 3) {
        weight = Parameter(name: "weight", value: Tensor(shape: [2, columns], repeating: 0.1))
    }
    var localParameters: [(String, Parameter)] { [("weight", weight), ("bias", bias)] }
    var localBuffers: [(String, Tensor)] { [("running_var", runningVar)] }
}

private final class Outer: Module {
    var isTraining = true
    let head: Net
    init(columns: Int = 3) { head = Net(columns: columns) }
    var children: [(String, any Module)] { [("head", head)] }
}

@Suite struct CheckpointTests {
    @Test func saveThenLoadRestoresParametersAndBuffers() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("leuko-ckpt-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        let source = Outer()
        source.head.weight.value.fill(2)
        source.head.runningVar.fill(7)
        try source.saveCheckpoint(to: url, metadata: ["model": "test", "classes": "a,b"])

        let target = Outer()
        let metadata = try target.loadCheckpoint(from: url)
        #expect(metadata["classes"] == "a,b")
        #expect(target.head.weight.value.values == [2, 2, 2, 2, 2, 2])
        #expect(target.head.bias.value.values == [0.5, -0.5])
        #expect(target.head.runningVar.values == [7, 7])
    }

    @Test func mismatchNamesEveryProblemAndCopiesNothing() throws {
        // File: head.weight [2, 4] (wrong shape), no head.running_var (missing), an extra tensor.
        let bytes = try SafeTensors.encode([
            ("head.weight", .float32(Tensor(shape: [2, 4], repeating: 9))),
            ("head.bias", .float32(Tensor(shape: [2], repeating: 9))),
            ("head.extra", .float32(Tensor(shape: [1], repeating: 9))),
        ])
        let file = try SafeTensors(bytes: bytes, source: "bad.safetensors")
        let target = Outer()
        let error = #expect(throws: NNError.self) { try target.load(file) }
        #expect(error?.code == .checkpointMismatch)
        let message = error?.message ?? ""
        #expect(message.contains("missing: head.running_var"))
        #expect(message.contains("extra: head.extra"))
        #expect(message.contains("head.weight (file [2, 4], model [2, 3])"))
        #expect(target.head.bias.value.values == [0.5, -0.5], "bias must not be copied when the load fails")
    }

    @Test func stateTensorsListParametersThenBuffers() {
        #expect(Outer().stateTensors().map(\.0) == ["head.weight", "head.bias", "head.running_var"])
    }
}
