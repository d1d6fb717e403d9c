/// A layer that, in inference mode, can run a cheaper forward that keeps nothing for
/// backward (a convolution with its batch norm and activation fused: `ChannelEpilogue`).
///
/// Inference mode alone does not promise that no backward follows: fine-tuning a lab's
/// verified cells trains the head with every batch norm frozen in inference mode. So the
/// cheaper forward runs only after `setInferenceOnly(true)` (prediction, benchmarks), and a
/// backward after it stops with a precondition failure rather than return wrong gradients.
package protocol InferenceFusing: Module {
    /// True while no backward will follow a forward (set through `setInferenceOnly`).
    var inferenceOnly: Bool { get set }
}

extension Module {
    /// Promises (true) or withdraws (false) that forwards from now on are not followed by a
    /// backward, for this module and all its descendants.
    package func setInferenceOnly(_ on: Bool) {
        (self as? any InferenceFusing)?.inferenceOnly = on
        for (_, child) in children { child.setInferenceOnly(on) }
    }
}
