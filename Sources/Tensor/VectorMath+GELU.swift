/// Vectorised GELU (erf form, PyTorch's default `F.gelu`) and its derivative, 8 lanes.
///
/// `gelu(x) = x Φ(x) = 0.5 x (1 + erf(x / √2))`, `gelu'(x) = Φ(x) + x φ(x)` with
/// `φ(x) = exp(-x² / 2) / √(2π)`. erf by Abramowitz & Stegun 7.1.26,
/// `erf(z) = 1 - t (a1 + t (a2 + t (a3 + t (a4 + t a5)))) exp(-z²)`, `t = 1 / (1 + p |z|)`,
/// odd in z; its absolute error is at most 1.5e-7, so gelu's is at most 0.75e-7 |x| (checked
/// against libm's erf in TensorTests). `exp(-z²)` is the same value as `exp(-x² / 2)`, so
/// the derivative reuses it.
extension Vector {
    private static let (a1, a2, a3, a4, a5): (Float, Float, Float, Float, Float) =
        (0.254_829_592, -0.284_496_736, 1.421_413_741, -1.453_152_027, 1.061_405_429)
    private static let erfP: Float = 0.327_591_1
    private static let invSqrt2: Float = 0.707_106_78
    private static let invSqrt2Pi: Float = 0.398_942_28

    /// (Φ(x), exp(-x² / 2)) for 8 lanes.
    @inline(__always)
    private static func normalCDF8(_ x: SIMD8<Float>) -> (cdf: SIMD8<Float>, gauss: SIMD8<Float>) {
        let z = x * invSqrt2
        let magnitude = z.replacing(with: -z, where: z .< 0)
        let t = 1 / (1 + erfP * magnitude)
        let poly = t * (a1 + t * (a2 + t * (a3 + t * (a4 + t * a5))))
        let gauss = exp8(-z * z)
        let erfAbs = 1 - poly * gauss
        let erf = erfAbs.replacing(with: -erfAbs, where: z .< 0)
        return (0.5 * (1 + erf), gauss)
    }

    /// `y[i] = gelu(x[i])` (erf form).
    package static func geluErf(_ count: Int, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        var i = 0
        while i + 8 <= count {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(y + i).storeBytes(of: v * normalCDF8(v).cdf, as: SIMD8<Float>.self)
            i += 8
        }
        if i < count { tail(count - i, x + i, y + i) { v, _ in v * normalCDF8(v).cdf } }
    }

    /// `dx[i] = dy[i] * gelu'(x[i])` (erf form): GELU's backward.
    package static func geluErfBackward(_ count: Int, _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
                                        _ dx: UnsafeMutablePointer<Float>) {
        var i = 0
        while i + 8 <= count {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            let g = UnsafeRawPointer(dy + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(dx + i).storeBytes(of: g * geluDerivative8(v), as: SIMD8<Float>.self)
            i += 8
        }
        if i < count { tail(count - i, x + i, dx + i, dy + i) { v, g in g * geluDerivative8(v) } }
    }

    @inline(__always)
    private static func geluDerivative8(_ v: SIMD8<Float>) -> SIMD8<Float> {
        let (cdf, gauss) = normalCDF8(v)
        return cdf + v * invSqrt2Pi * gauss
    }

    /// The last `count` (< 8) lanes through the vector code, so tails agree with full lanes.
    @inline(__always)
    private static func tail(_ count: Int, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                             _ second: UnsafePointer<Float>? = nil, _ f: (SIMD8<Float>, SIMD8<Float>) -> SIMD8<Float>) {
        var v = SIMD8<Float>(repeating: 0), g = SIMD8<Float>(repeating: 0)
        for lane in 0..<count { v[lane] = x[lane]; g[lane] = second?[lane] ?? 0 }
        let out = f(v, g)
        for lane in 0..<count { y[lane] = out[lane] }
    }
}
