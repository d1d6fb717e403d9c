/// The off-plane stain residual put back into a normalised pixel
/// (`MacenkoNormalizer.keepsResidual`): OD' += k (OD − M c − R_glass), clamped at 0.
///
/// `nucleus` and `counter` are the image's own stain vectors M, `gain` the concentration
/// scaling k, `glass` R_glass; the field normaliser and the slide lookup tables both apply it.
package struct StainResidualMix: Sendable {
    package let nucleus: SIMD3<Float>
    package let counter: SIMD3<Float>
    package let gain: Float
    package let glass: SIMD3<Float>

    /// `remixed` (the reference re-mix of concentrations `cn`, `cc`) plus the residual of the
    /// pixel's optical density `density`.
    @inline(__always)
    package func adding(to remixed: SIMD3<Float>, density: SIMD3<Float>, nucleus cn: Float, counter cc: Float) -> SIMD3<Float> {
        let od = remixed + gain * (density - nucleus * cn - counter * cc - glass)
        return od.replacing(with: 0, where: od .< 0)
    }
}
