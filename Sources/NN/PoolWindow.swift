/// The window arithmetic the pooling layers share (PyTorch floor mode, `padding` on each side).
///
/// Output size per axis `(n + 2p - k) / s + 1`; output position `o` covers inputs
/// `o * s - p ..< o * s - p + k`, of which `inputRange` gives the in-bounds ones, in
/// increasing order (so row-major window order is kept for tie rules).
package struct PoolWindow: Sendable, Equatable {
    package let kernel: Int
    package let stride: Int
    package let padding: Int

    /// `layer` names the pooling layer in the precondition message.
    package init(kernel: Int, stride: Int?, padding: Int, layer: String) {
        precondition(kernel >= 1 && (stride ?? kernel) >= 1 && padding >= 0 && 2 * padding <= kernel,
                     "\(layer): kernel \(kernel), stride \(String(describing: stride)), padding \(padding)")
        self.kernel = kernel
        self.stride = stride ?? kernel
        self.padding = padding
    }

    /// `[N, C, OH, OW]` for an `[N, C, H, W]` input; traps for another rank or an input
    /// smaller than the kernel.
    package func outputShape(_ shape: [Int], layer: String) -> [Int] {
        precondition(shape.count == 4, "\(layer): input \(shape)")
        let oh = (shape[2] + 2 * padding - kernel) / stride + 1, ow = (shape[3] + 2 * padding - kernel) / stride + 1
        precondition(oh >= 1 && ow >= 1, "\(layer): input \(shape) smaller than kernel \(kernel)")
        return [shape[0], shape[1], oh, ow]
    }

    /// The in-bounds inputs of output position `o` along an axis of `length` inputs.
    @inline(__always)
    package func inputRange(_ o: Int, length: Int) -> Range<Int> {
        max(o * stride - padding, 0) ..< min(o * stride - padding + kernel, length)
    }
}
