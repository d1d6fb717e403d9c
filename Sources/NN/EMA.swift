import Tensor

/// An exponential moving average of a model's weights, for evaluation and export.
///
/// Holds a shadow copy of every parameter and buffer of `model` (matched by dotted name at
/// construction). `update()` after each optimizer step sets
/// `shadow = d * shadow + (1 - d) * parameter` with `d = min(decay, (1 + n) / (10 + n))`
/// when `warmup` is on (`n` = updates so far), else `d = decay`; buffers (e.g. batch-norm
/// running statistics) are copied, not averaged. `copy(into:)` writes the shadow into a
/// model with the same names and shapes. It never touches gradients.
package final class ExponentialMovingAverage {
    package let decay: Float
    package let warmup: Bool
    package private(set) var updateCount = 0
    private let sources: [(String, Tensor)]
    private let sourceBuffers: [(String, Tensor)]
    /// Shadow parameters with the model's dotted names.
    package let shadowParameters: [(String, Tensor)]
    /// Shadow buffers with the model's dotted names.
    package let shadowBuffers: [(String, Tensor)]

    package init(model: any Module, decay: Float = 0.999, warmup: Bool = true) {
        precondition((0...1).contains(decay), "EMA: decay must be in [0, 1]")
        self.decay = decay
        self.warmup = warmup
        sources = model.namedParameters().map { ($0.0, $0.1.value) }
        sourceBuffers = model.namedBuffers()
        shadowParameters = sources.map { ($0.0, $0.1.copy()) }
        shadowBuffers = sourceBuffers.map { ($0.0, $0.1.copy()) }
    }

    /// The decay the next `update()` uses.
    package var currentDecay: Float {
        warmup ? min(decay, Float(1 + updateCount) / Float(10 + updateCount)) : decay
    }

    /// Sets the number of updates so far (when resuming with the shadow tensors loaded).
    package func restoreUpdateCount(_ count: Int) { updateCount = count }

    /// Sets the shadow to the model's current weights and buffers and starts the warm-up over
    /// (after the model was loaded from a file, e.g. to fine-tune it).
    package func restart() {
        for ((_, source), (_, shadow)) in zip(sources + sourceBuffers, shadowParameters + shadowBuffers) { shadow.assign(source) }
        updateCount = 0
    }

    /// Moves the shadow weights toward the model's current weights and copies buffers.
    package func update() {
        let d = currentDecay
        for ((_, source), (_, shadow)) in zip(sources, shadowParameters) {
            let s = shadow.data, p = source.data
            for i in 0..<shadow.count { s[i] = d * s[i] + (1 - d) * p[i] }
        }
        for ((_, source), (_, shadow)) in zip(sourceBuffers, shadowBuffers) { shadow.assign(source) }
        updateCount += 1
    }

    /// Writes the averaged weights and buffers into `model` (names and shapes must match).
    package func copy(into model: any Module) {
        let parameters = Dictionary(uniqueKeysWithValues: model.namedParameters().map { ($0.0, $0.1.value) })
        let buffers = Dictionary(uniqueKeysWithValues: model.namedBuffers())
        for (name, shadow) in shadowParameters {
            guard let target = parameters[name], target.shape == shadow.shape else {
                preconditionFailure("EMA.copy: model has no parameter \(name) of shape \(shadow.shape)")
            }
            target.assign(shadow)
        }
        for (name, shadow) in shadowBuffers {
            guard let target = buffers[name], target.shape == shadow.shape else {
                preconditionFailure("EMA.copy: model has no buffer \(name) of shape \(shadow.shape)")
            }
            target.assign(shadow)
        }
    }
}
