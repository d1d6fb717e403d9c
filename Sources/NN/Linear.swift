import Tensor

/// A fully connected layer `y = x W^T + b` on the last dimension.
///
/// Input `[..., in]` (rank 2 to 4: `[B, in]` or tokens `[B, L, in]`), output `[..., out]`;
/// leading dimensions are flattened into rows for one sgemm. `weight` is `[out, in]` as in
/// PyTorch, initialised Kaiming-uniform (`U(-1/sqrt(in), 1/sqrt(in))`, PyTorch's default);
/// `bias` is `[out]` and does not decay. Forward keeps a reference to its input for backward.
package final class Linear: Layer {
    package let inFeatures: Int
    package let outFeatures: Int
    package let weight: Parameter
    package let bias: Parameter?
    package var isTraining = true
    private var input: Tensor?

    package init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, rng: inout RandomSource) {
        precondition(inFeatures > 0 && outFeatures > 0, "Linear needs positive sizes")
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        let bound = 1 / Float(inFeatures).squareRoot()
        weight = Parameter(name: "weight", value: .randomUniform([outFeatures, inFeatures], -bound, bound, rng: &rng))
        self.bias = bias
            ? Parameter(name: "bias", value: .randomUniform([outFeatures], -bound, bound, rng: &rng), decays: false)
            : nil
    }

    package var localParameters: [(String, Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    package func forward(_ input: Tensor) -> Tensor {
        precondition(input.shape.count >= 2 && input.shape.last == inFeatures,
                     "Linear(\(inFeatures) -> \(outFeatures)): input \(input.shape)")
        self.input = input
        let rows = input.count / inFeatures
        let output = Tensor(uninitialized: Array(input.shape.dropLast()) + [outFeatures])
        if let bias {
            for r in 0..<rows { (output.data + r * outFeatures).update(from: bias.value.data, count: outFeatures) }
        }
        BLAS.sgemm(transB: true, m: rows, n: outFeatures, k: inFeatures,
                   a: input.data, b: weight.value.data, beta: bias == nil ? 0 : 1, c: output.data)
        return output
    }

    package func backward(_ dOutput: Tensor) -> Tensor {
        guard let input else { preconditionFailure("Linear.backward called before forward") }
        let rows = input.count / inFeatures
        precondition(dOutput.count == rows * outFeatures && dOutput.shape.last == outFeatures,
                     "Linear: dOutput \(dOutput.shape) for input \(input.shape)")
        // dWeight += dY^T X, dBias += column sums of dY, dInput = dY W.
        BLAS.sgemm(transA: true, m: outFeatures, n: inFeatures, k: rows,
                   a: dOutput.data, b: input.data, beta: 1, c: weight.grad.data)
        if let bias {
            let db = bias.grad.data
            for r in 0..<rows {
                let row = dOutput.data + r * outFeatures
                for o in 0..<outFeatures { db[o] += row[o] }
            }
        }
        let dInput = Tensor(uninitialized: input.shape)
        BLAS.sgemm(m: rows, n: inFeatures, k: outFeatures, a: dOutput.data, b: weight.value.data, c: dInput.data)
        return dInput
    }

    package func flops(inputShape: [Int]) -> Int { 2 * inputShape.reduce(1, *) * outFeatures }
}
