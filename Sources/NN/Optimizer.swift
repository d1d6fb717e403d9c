import Tensor

/// Updates a fixed list of parameters from their accumulated gradients.
///
/// An optimizer is built over the parameters it owns (usually `model.parameters`) and keeps
/// its per-parameter state (moments, momentum buffers) in tensors it allocates itself, in
/// the same order. `step()` reads `Parameter.grad` and writes `Parameter.value`; it never
/// clears gradients (call `zeroGrad` on the model). The learning rate is a plain property so
/// a schedule can set it before each step.
package protocol Optimizer: AnyObject {
    /// Learning rate used by the next `step()`.
    var learningRate: Float { get set }
    /// Number of `step()` calls so far.
    var stepCount: Int { get }
    /// Applies one update to every parameter.
    func step()
    /// The optimizer's state tensors with dotted names (for resumable checkpoints).
    var namedState: [(String, Tensor)] { get }
}
