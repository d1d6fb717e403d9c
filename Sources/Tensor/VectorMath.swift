/// Vectorised transcendental kernels (8 lanes) for the activations that dominate small
/// convolutional networks: exp, sigmoid, SiLU and their derivatives.
///
/// `exp` is Cephes' single-precision algorithm: `x = n ln2 + r` with `|r| <= ln2 / 2`,
/// a degree-6 polynomial for `e^r`, and `2^n` built in the exponent bits; input clamped to
/// [-87.3, 88.3] so the result stays finite and normal. Relative error about 2 ulp (checked
/// against libm in TensorTests). Loops run 8 elements at a time with a scalar tail.
extension Vector {
    @inline(__always)
    package static func exp8(_ v: SIMD8<Float>) -> SIMD8<Float> {
        // Clamp by compare-and-select (`clamped` calls non-inlined pointwiseMin/Max).
        let low = SIMD8<Float>(repeating: -87.3), high = SIMD8<Float>(repeating: 88.3)
        var x = v.replacing(with: low, where: v .< low).replacing(with: high, where: v .> high)
        let n = (x * 1.442_695_04).rounded(.toNearestOrEven)
        x = x - n * 0.693_359_375
        x = x + n * 2.121_944_4e-4
        let z = x * x
        var y = SIMD8<Float>(repeating: 1.987_569_15e-4)
        y = y * x + 1.398_199_95e-3
        y = y * x + 8.333_451_9e-3
        y = y * x + 4.166_579_6e-2
        y = y * x + 1.666_666_55e-1
        y = y * x + 5.000_000_1e-1
        y = y * z + x + 1
        // 2^n from the bits of n + (1.5 * 2^23 + 127): adding the magic constant puts the
        // integer n + 127 (in 1...255 after the clamp) in the low mantissa bits, and the
        // constant's own low 9 bits are zero, so shifting left by 23 leaves exactly
        // (n + 127) << 23. (`SIMD8<Int32>(n, rounding:)` is generic, converts lane by lane
        // through non-inlined stdlib code, and took ~40 % of a training step.)
        let biased = unsafeBitCast(n + 12_583_039, to: SIMD8<UInt32>.self)
        return y * unsafeBitCast(biased &<< 23, to: SIMD8<Float>.self)
    }

    @inline(__always)
    package static func sigmoid8(_ x: SIMD8<Float>) -> SIMD8<Float> { 1 / (1 + exp8(-x)) }

    /// `y[i] = 1 / (1 + exp(-x[i]))`.
    package static func sigmoid(_ count: Int, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        map8(count, x, y, vector: { sigmoid8($0) }, scalar: { 1 / (1 + scalarExp(-$0)) })
    }

    /// `y[i] = x[i] * sigmoid(x[i])`.
    package static func silu(_ count: Int, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        map8(count, x, y, vector: { $0 * sigmoid8($0) }, scalar: { $0 / (1 + scalarExp(-$0)) })
    }

    /// `dx[i] = dy[i] * s (1 + x (1 - s))` with `s = sigmoid(x[i])`: SiLU's backward.
    package static func siluBackward(_ count: Int, _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
                                     _ dx: UnsafeMutablePointer<Float>) {
        backward8(count, x, dy, dx, vector: { v, g in
            let s = sigmoid8(v)
            return g * s * (1 + v * (1 - s))
        }, scalar: { v, g in
            let s = 1 / (1 + scalarExp(-v))
            return g * s * (1 + v * (1 - s))
        })
    }

    /// `dx[i] = dy[i] * s (1 - s)` with `s = sigmoid(x[i])`: the sigmoid's backward.
    package static func sigmoidBackward(_ count: Int, _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
                                        _ dx: UnsafeMutablePointer<Float>) {
        backward8(count, x, dy, dx, vector: { v, g in
            let s = sigmoid8(v)
            return g * s * (1 - s)
        }, scalar: { v, g in
            let s = 1 / (1 + scalarExp(-v))
            return g * s * (1 - s)
        })
    }

    /// exp of one value through the vector kernel, so scalar tails agree with vector lanes.
    @inline(__always)
    package static func scalarExp(_ x: Float) -> Float { exp8(SIMD8(repeating: x))[0] }

    /// `dx[i] = f(x[i], dy[i])`, 8 lanes at a time, then the scalar tail.
    @inline(__always)
    static func backward8(_ count: Int, _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>,
                          vector: (SIMD8<Float>, SIMD8<Float>) -> SIMD8<Float>, scalar: (Float, Float) -> Float) {
        var i = 0
        while i + 8 <= count {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            let g = UnsafeRawPointer(dy + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(dx + i).storeBytes(of: vector(v, g), as: SIMD8<Float>.self)
            i += 8
        }
        while i < count { dx[i] = scalar(x[i], dy[i]); i += 1 }
    }

    /// `y[i] = f(x[i])`, 8 lanes at a time, then the scalar tail.
    @inline(__always)
    static func map8(_ count: Int, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                             vector: (SIMD8<Float>) -> SIMD8<Float>, scalar: (Float) -> Float) {
        var i = 0
        while i + 8 <= count {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(y + i).storeBytes(of: vector(v), as: SIMD8<Float>.self)
            i += 8
        }
        while i < count { y[i] = scalar(x[i]); i += 1 }
    }
}
