import Tensor

/// Concatenation and splitting of `[N, C, H, W]` tensors along channels; each is the other's
/// backward.
///
/// `concat([a, b])` has `a.C + b.C` channels, `a` first; its backward is `split(dy, [a.C, b.C])`.
/// Stateless: the backward needs only the channel counts, which the caller knows.
package enum Channels {
    /// Stacks the inputs' channels in order; batch and spatial sizes must agree.
    package static func concat(_ inputs: [Tensor]) -> Tensor {
        precondition(!inputs.isEmpty, "Channels.concat needs at least one input")
        let (n, _, h, w) = inputs[0].nchw
        for t in inputs {
            let s = t.nchw
            precondition(s.n == n && s.h == h && s.w == w, "Channels.concat: \(t.shape) does not match \(inputs[0].shape)")
        }
        let total = inputs.reduce(0) { $0 + $1.shape[1] }
        let output = Tensor(uninitialized: [n, total, h, w])
        let plane = h * w
        Parallel.forEach(n) { image in
            var offset = image * total * plane
            for t in inputs {
                let size = t.shape[1] * plane
                (output.data + offset).update(from: t.data + image * size, count: size)
                offset += size
            }
        }
        return output
    }

    /// Cuts the channels into consecutive parts of the given sizes (which must sum to C).
    package static func split(_ input: Tensor, sizes: [Int]) -> [Tensor] {
        let (n, c, h, w) = input.nchw
        precondition(sizes.allSatisfy { $0 > 0 } && sizes.reduce(0, +) == c, "Channels.split: sizes \(sizes) for \(input.shape)")
        let plane = h * w
        let outputs = sizes.map { Tensor(uninitialized: [n, $0, h, w]) }
        Parallel.forEach(n) { image in
            var offset = image * c * plane
            for t in outputs {
                let size = t.shape[1] * plane
                (t.data + image * size).update(from: input.data + offset, count: size)
                offset += size
            }
        }
        return outputs
    }
}

/// The residual connection `y = a + b` (same shapes) and its backward.
package enum Residual {
    package static func add(_ a: Tensor, _ b: Tensor) -> Tensor { a.adding(b) }

    /// The gradient reaches both branches unchanged: `dOutput` itself for `a` and a copy for
    /// `b`, so each branch owns its tensor.
    package static func backward(_ dOutput: Tensor) -> (dA: Tensor, dB: Tensor) { (dOutput, dOutput.copy()) }
}
