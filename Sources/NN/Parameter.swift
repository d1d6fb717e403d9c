import Tensor

/// A learnable tensor and the gradient that backward passes add into.
///
/// `decays` says whether AdamW's decoupled weight decay applies (false for norms and biases).
package final class Parameter: @unchecked Sendable {
    /// Dotted name within its model, e.g. `stage1.0.expand.weight`; set by the owning module.
    package var name: String
    package let value: Tensor
    /// Same shape as `value`; backward passes add into it, `zeroGrad` clears it.
    package let grad: Tensor
    package var decays: Bool

    package init(name: String, value: Tensor, decays: Bool = true) {
        self.name = name
        self.value = value
        self.grad = Tensor(zeros: value.shape)
        self.decays = decays
    }
}
