import Testing
import Tensor
import NN

private final class Leaf: Module {
    var isTraining = true
    let weight = Parameter(name: "weight", value: Tensor(zeros: [2, 3]))
    let bias = Parameter(name: "bias", value: Tensor(zeros: [2]), decays: false)
    let runningMean = Tensor(zeros: [2])
    var localParameters: [(String, Parameter)] { [("weight", weight), ("bias", bias)] }
    var localBuffers: [(String, Tensor)] { [("running_mean", runningMean)] }
}

private final class Tree: Module {
    var isTraining = true
    let first = Leaf(), second = Leaf()
    var children: [(String, any Module)] { [("first", first), ("blocks.0", second)] }
}

@Suite struct ModuleTests {
    @Test func namesCountsAndModePropagate() {
        let tree = Tree()
        #expect(tree.namedParameters().map(\.0) == ["first.weight", "first.bias", "blocks.0.weight", "blocks.0.bias"])
        #expect(tree.namedBuffers().map(\.0) == ["first.running_mean", "blocks.0.running_mean"])
        #expect(tree.parameterCount == 16)
        tree.first.weight.grad.fill(3)
        tree.zeroGrad()
        #expect(tree.first.weight.grad.values.allSatisfy { $0 == 0 })
        tree.setTraining(false)
        #expect(!tree.first.isTraining && !tree.second.isTraining)
    }
}
