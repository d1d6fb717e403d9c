import Tensor

/// A learnable tensor and the gradient that backward passes add into.
///
/// `decays` says whether AdamW's decoupled weight decay applies (false for norms and biases).
public final class Parameter: @unchecked Sendable {
    /// Dotted name within its model, e.g. `stage1.0.expand.weight`; set by the owning module.
    public var name: String
    public let value: Tensor
    /// Same shape as `value`; backward passes add into it, `zeroGrad` clears it.
    public let grad: Tensor
    public var decays: Bool

    public init(name: String, value: Tensor, decays: Bool = true) {
        self.name = name
        self.value = value
        self.grad = Tensor(zeros: value.shape)
        self.decays = decays
    }
}
