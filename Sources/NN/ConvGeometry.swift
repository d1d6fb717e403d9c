/// The sizes of one 2-D convolution: input `[N, C, H, W]`, square kernel, stride, symmetric
/// zero padding, dilation and groups; output `[N, outChannels, outHeight, outWidth]`.
///
/// Output size follows PyTorch: `(H + 2p - d(k - 1) - 1) / s + 1`, rounded down.
package struct ConvGeometry: Sendable, Equatable {
    package let batch: Int
    package let inChannels: Int
    package let height: Int
    package let width: Int
    package let outChannels: Int
    package let kernel: Int
    package let stride: Int
    package let padding: Int
    package let dilation: Int
    package let groups: Int

    package init(batch: Int, inChannels: Int, height: Int, width: Int, outChannels: Int,
                 kernel: Int, stride: Int = 1, padding: Int = 0, dilation: Int = 1, groups: Int = 1) {
        precondition(kernel >= 1 && stride >= 1 && padding >= 0 && dilation >= 1 && groups >= 1,
                     "conv: kernel \(kernel), stride \(stride), padding \(padding), dilation \(dilation), groups \(groups)")
        precondition(inChannels % groups == 0 && outChannels % groups == 0,
                     "conv: \(inChannels) -> \(outChannels) channels not divisible by \(groups) groups")
        self.batch = batch
        self.inChannels = inChannels
        self.height = height
        self.width = width
        self.outChannels = outChannels
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
        precondition(outHeight >= 1 && outWidth >= 1, "conv: input \(height)x\(width) too small for kernel \(kernel)")
    }

    package var outHeight: Int { (height + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1 }
    package var outWidth: Int { (width + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1 }
    package var inPerGroup: Int { inChannels / groups }
    package var outPerGroup: Int { outChannels / groups }
    /// Rows of one group's im2col matrix: `inPerGroup * kernel * kernel`.
    package var patch: Int { inPerGroup * kernel * kernel }
    package var inPlane: Int { height * width }
    package var outPlane: Int { outHeight * outWidth }
    /// One filter per channel: the direct depthwise kernel applies.
    package var isDepthwise: Bool { groups == inChannels && outChannels == inChannels && groups > 1 }
    /// A 1x1, stride-1, unpadded convolution: the input plane is already the im2col matrix.
    package var isPointwise: Bool { kernel == 1 && stride == 1 && padding == 0 }
    package var outputShape: [Int] { [batch, outChannels, outHeight, outWidth] }
    /// Multiply-adds x 2 of one forward pass.
    package var flops: Int { 2 * batch * outChannels * outPlane * patch }

    /// Output indices `lo..<hi` along one axis whose input `o * stride + offset` lies in `0..<extent`.
    @inline(__always)
    package func validRange(offset: Int, extent: Int, outExtent: Int) -> Range<Int> {
        // o * s + offset >= 0  <=>  o >= ceil(-offset / s);  o * s + offset <= extent - 1.
        let lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride
        let top = extent - 1 - offset
        let hi = top < 0 ? 0 : min(outExtent, top / stride + 1)
        return lo < hi ? lo..<hi : 0..<0
    }
}
