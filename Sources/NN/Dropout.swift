import Tensor

/// Inverted dropout of any shape: in training each element is kept with probability
/// `1 - p` and scaled by `1 / (1 - p)`, else zeroed; in inference it is the identity.
///
/// Masks come from the layer's own `RandomSource`, seeded at construction, so a run is
/// reproducible from its seed (one draw per element, in order, on one thread). Forward keeps
/// the mask (scale factors) for backward.
package final class Dropout: Layer {
    package let probability: Float
    package var isTraining = true
    private var rng: RandomSource
    private var mask: Tensor?
    private var inputShape: [Int]?

    package init(_ probability: Float, seed: UInt64) {
        precondition(probability >= 0 && probability < 1, "Dropout probability must be in [0, 1), got \(probability)")
        self.probability = probability
        rng = RandomSource(seed: seed)
    }

    package func forward(_ input: Tensor) -> Tensor {
        inputShape = input.shape
        guard isTraining, probability > 0 else {
            mask = nil
            return input.copy()
        }
        let mask = Tensor(uninitialized: input.shape)
        let scale = 1 / (1 - probability)
        for i in 0..<mask.count { mask.data[i] = rng.uniform() < probability ? 0 : scale }
        self.mask = mask
        let output = Tensor(uninitialized: input.shape)
        for i in 0..<output.count { output.data[i] = input.data[i] * mask.data[i] }
        return output
    }

    package func backward(_ dOutput: Tensor) -> Tensor {
        guard let inputShape else { preconditionFailure("Dropout.backward called before forward") }
        precondition(dOutput.shape == inputShape, "Dropout: dOutput \(dOutput.shape) for input \(inputShape)")
        guard let mask else { return dOutput.copy() }
        let dInput = Tensor(uninitialized: inputShape)
        for i in 0..<dInput.count { dInput.data[i] = dOutput.data[i] * mask.data[i] }
        return dInput
    }

    package func flops(inputShape: [Int]) -> Int { 0 }
}
