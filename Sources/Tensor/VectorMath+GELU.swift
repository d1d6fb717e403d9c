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
        map8(count, x, y, vector: gelu8, scalar: lane0(gelu8))
    }

    @inline(__always)
    private static func gelu8(_ v: SIMD8<Float>) -> SIMD8<Float> { v * normalCDF8(v).cdf }

    /// `dx[i] = dy[i] * gelu'(x[i])` (erf form): GELU's backward.
    package static func geluErfBackward(_ count: Int, _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
                                        _ dx: UnsafeMutablePointer<Float>) {
        backward8(count, x, dy, dx, vector: { v, g in g * geluDerivative8(v) },
                  scalar: { v, g in g * lane0(geluDerivative8)(v) })
    }

    @inline(__always)
    private static func geluDerivative8(_ v: SIMD8<Float>) -> SIMD8<Float> {
        let (cdf, gauss) = normalCDF8(v)
        return cdf + v * invSqrt2Pi * gauss
    }

    /// A lane function applied to one value (scalar tails agree with full lanes).
    @inline(__always)
    private static func lane0(_ f: @escaping (SIMD8<Float>) -> SIMD8<Float>) -> (Float) -> Float {
        { f(SIMD8(repeating: $0))[0] }
    }
}
