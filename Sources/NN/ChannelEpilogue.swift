import Tensor

/// What follows a convolution at inference, applied to each span of its output while the
/// span is still in cache: its batch norm (running statistics folded into a per-channel scale
/// and shift), its activation and an optional residual.
///
/// `y = act(y * scale[c] + shift[c]) (+ residual)`. In training the batch norm and activation
/// run as their own layers (they keep what backward needs); in inference this replaces two
/// or three passes over memory and two allocations (`Conv2d.forward(_:epilogue:)`). The
/// folded form rounds differently from `BatchNorm2d`'s `(x - mean) / sqrt(var + eps) * gamma
/// + beta` by a few ulp.
package struct ChannelEpilogue {
    package let scale: [Float]
    package let shift: [Float]
    package let activation: Activation.Kind?
    /// Added after the activation, element by element (same shape as the output).
    package let residual: Tensor?

    package init(scale: [Float], shift: [Float], activation: Activation.Kind?, residual: Tensor? = nil) {
        precondition(scale.count == shift.count, "ChannelEpilogue: \(scale.count) scales, \(shift.count) shifts")
        self.scale = scale; self.shift = shift; self.activation = activation; self.residual = residual
    }

    /// The epilogue of `norm` (in inference) followed by `activation`.
    package init(_ norm: BatchNorm2d, activation: Activation.Kind?, residual: Tensor? = nil) {
        let (scale, shift) = norm.inferenceScaleShift
        self.init(scale: scale, shift: shift, activation: activation, residual: residual)
    }

    /// Applies to the `count` values of output channel `channel` at flat index `offset` of
    /// `output` (the residual is read at the same index).
    @inline(__always)
    package func apply(_ output: UnsafeMutablePointer<Float>, offset: Int, count: Int, channel: Int) {
        let y = output + offset, r = residual.map { UnsafePointer($0.data) + offset }
        let (s, t) = (scale[channel], shift[channel])
        switch activation {
        case nil: Self.run(count, y, r, s, t) { $0 } scalar: { $0 }
        case .silu?: Self.run(count, y, r, s, t) { $0 * Vector.sigmoid8($0) } scalar: { $0 / (1 + Vector.scalarExp(-$0)) }
        case .sigmoid?: Self.run(count, y, r, s, t) { Vector.sigmoid8($0) } scalar: { 1 / (1 + Vector.scalarExp(-$0)) }
        case .relu?: Self.run(count, y, r, s, t) { $0.replacing(with: 0, where: $0 .< 0) } scalar: { max($0, 0) }
        case let kind?: Self.run(count, y, r, s, t) { v in
            var out = v
            for lane in 0..<8 { out[lane] = Activation.value(kind, v[lane]) }
            return out
        } scalar: { Activation.value(kind, $0) }
        }
    }

    /// Applies to a whole `[N, C, H, W]` tensor in place (each plane on some thread).
    package func apply(to y: Tensor) {
        let (n, c, h, w) = y.nchw
        precondition(scale.count == c, "ChannelEpilogue: \(scale.count) channels for \(y.shape)")
        precondition(residual.map { $0.shape == y.shape } ?? true, "ChannelEpilogue: residual shape differs from \(y.shape)")
        let plane = h * w, data = y.data
        Parallel.forEach(n * c, minimumPerThread: max(1, 16_384 / max(plane, 1))) { nc in
            apply(data, offset: nc * plane, count: plane, channel: nc % c)
        }
    }

    @inline(__always)
    private static func run(_ count: Int, _ y: UnsafeMutablePointer<Float>, _ residual: UnsafePointer<Float>?,
                            _ s: Float, _ t: Float, vector: (SIMD8<Float>) -> SIMD8<Float>, scalar: (Float) -> Float) {
        var i = 0
        while i + 8 <= count {
            let v = UnsafeRawPointer(y + i).loadUnaligned(as: SIMD8<Float>.self)
            var out = vector(v * s + t)
            if let residual { out += UnsafeRawPointer(residual + i).loadUnaligned(as: SIMD8<Float>.self) }
            UnsafeMutableRawPointer(y + i).storeBytes(of: out, as: SIMD8<Float>.self)
            i += 8
        }
        while i < count {
            y[i] = scalar(y[i] * s + t) + (residual?[i] ?? 0)
            i += 1
        }
    }
}
