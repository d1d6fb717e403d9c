import Tensor

/// One-input layers applied in order; backward runs them in reverse.
///
/// Children are named by their position (`0`, `1`, …) unless names are given, so checkpoint
/// names read like PyTorch's `nn.Sequential`.
package final class Sequential: Layer {
    package var isTraining = true
    package let layers: [any Layer]
    private let names: [String]

    package init(_ layers: [any Layer], names: [String]? = nil) {
        precondition(names == nil || names!.count == layers.count, "one name per layer")
        self.layers = layers
        self.names = names ?? layers.indices.map(String.init)
    }

    package var children: [(String, any Module)] { zip(names, layers).map { ($0, $1 as any Module) } }

    package func forward(_ input: Tensor) -> Tensor {
        zip(names, layers).reduce(input) { x, named in named.1.profiledForward(named.0, x) }
    }

    package func backward(_ dOutput: Tensor) -> Tensor {
        zip(names, layers).reversed().reduce(dOutput) { d, named in named.1.profiledBackward(named.0, d) }
    }

    package func flops(inputShape: [Int]) -> Int {
        var shape = inputShape, total = 0
        for layer in layers {
            total += layer.flops(inputShape: shape)
            shape = layer.outputShape(inputShape: shape)
        }
        return total
    }
}

extension Layer {
    /// The output shape for an input shape, found by running `forward` on zeros of that shape
    /// in inference mode (for FLOP counting only; not for hot paths).
    package func outputShape(inputShape: [Int]) -> [Int] {
        let training = isTraining
        setTraining(false)
        defer { setTraining(training) }
        return forward(Tensor(zeros: inputShape)).shape
    }
}
