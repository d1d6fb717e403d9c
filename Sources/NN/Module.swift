import Tensor

/// Something with named parameters, named buffers and a train/eval mode: a layer or a network.
///
/// A module lists only its own direct parameters, buffers and children; the extension walks
/// the tree to give dotted names (`stage2.1.project.weight`), counts, `zeroGrad` and the mode
/// switch. Forward and backward are not part of this protocol because their arity varies; a
/// one-input, one-output layer also conforms to `Layer`.
///
/// Convention for ops (DESIGN §4.2): every op with a backward pass is a `final class`, one
/// instance per use in a network, whose `forward` keeps exactly what its `backward` needs
/// (usually a reference to its input, never a copy: a tensor passed forward must not be
/// modified until backward ran). This holds for parameter-free ops too (`Activation`, pools,
/// upsampling, `Dropout`), so every one-input op is a `Layer` and composes the same way.
/// Ops with several inputs or outputs (concat/split, residual add) and losses are classes
/// with their own `forward`/`backward` signatures. `backward` returns a new `dInput` and adds
/// parameter gradients into `Parameter.grad`. Layout is `[N, C, H, W]` Float32 unless a doc
/// comment says otherwise (tokens `[B, L, C]` for `Linear`/`LayerNorm`).
package protocol Module: AnyObject {
    /// Parameters owned directly by this module, with local names (`weight`, `bias`).
    var localParameters: [(String, Parameter)] { get }
    /// Non-learned state saved in checkpoints (e.g. batch-norm running statistics).
    var localBuffers: [(String, Tensor)] { get }
    /// Direct sub-modules with local names.
    var children: [(String, any Module)] { get }
    /// True while training (batch statistics, dropout active); false for inference.
    var isTraining: Bool { get set }
}

extension Module {
    package var localParameters: [(String, Parameter)] { [] }
    package var localBuffers: [(String, Tensor)] { [] }
    package var children: [(String, any Module)] { [] }

    /// Every parameter in the tree, with dotted names, in a stable order.
    package func namedParameters(prefix: String = "") -> [(String, Parameter)] {
        var result = localParameters.map { (join(prefix, $0.0), $0.1) }
        for (name, child) in children { result += child.namedParameters(prefix: join(prefix, name)) }
        return result
    }

    /// Every buffer in the tree, with dotted names.
    package func namedBuffers(prefix: String = "") -> [(String, Tensor)] {
        var result = localBuffers.map { (join(prefix, $0.0), $0.1) }
        for (name, child) in children { result += child.namedBuffers(prefix: join(prefix, name)) }
        return result
    }

    /// Every parameter in the tree, each with its `name` set to its dotted path.
    package var parameters: [Parameter] {
        namedParameters().map { name, parameter in parameter.name = name; return parameter }
    }

    /// Total number of learnable scalars.
    package var parameterCount: Int { namedParameters().reduce(0) { $0 + $1.1.value.count } }

    /// Clears every parameter's gradient.
    package func zeroGrad() { for (_, p) in namedParameters() { p.grad.zero() } }

    /// Switches this module and all its descendants to training or inference mode.
    package func setTraining(_ training: Bool) {
        isTraining = training
        for (_, child) in children { child.setTraining(training) }
    }
}

private func join(_ prefix: String, _ name: String) -> String { prefix.isEmpty ? name : prefix + "." + name }

/// A module with one input and one output.
///
/// `forward` keeps exactly what `backward` needs from the last call; `backward` takes the
/// gradient of the loss with respect to the output, adds parameter gradients into
/// `Parameter.grad`, and returns the gradient with respect to the input.
package protocol Layer: Module {
    func forward(_ input: Tensor) -> Tensor
    func backward(_ dOutput: Tensor) -> Tensor
    /// Multiply-accumulate count x 2 for one forward pass on `inputShape` (for `model info`).
    func flops(inputShape: [Int]) -> Int
}
