/// Two stain vectors in optical-density space and the robust maximum concentration of each.
///
/// `nucleus` is the basic (azure / methylene-blue / haematoxylin-like) stain that WBC nuclei
/// take up most; `counter` is the acidic (eosin-like) stain of red cells and granules. Both
/// are unit vectors (R, G, B OD components). Concentrations of an OD vector `od` are the
/// least-squares solution of `od ≈ c_n * nucleus + c_c * counter`.
package struct StainMatrix: Sendable, Equatable {
    package var nucleus: SIMD3<Double>
    package var counter: SIMD3<Double>
    /// 99th-percentile concentrations (nucleus, counter) over stained pixels.
    package var maxConcentration: SIMD2<Double>

    package init(nucleus: SIMD3<Double>, counter: SIMD3<Double>, maxConcentration: SIMD2<Double>) {
        self.nucleus = nucleus / (nucleus * nucleus).sum().squareRoot()
        self.counter = counter / (counter * counter).sum().squareRoot()
        self.maxConcentration = maxConcentration
    }

    /// The reference every image is mapped to: the median Macenko estimate over 102 PBC
    /// development images (every 19th row of `pbc/index.csv`, CellaVision DM96, May
    /// Grünwald-Giemsa), measured with the same estimator. Only the colours of the target
    /// appearance; any fixed, plausible pair would do.
    package static let reference = StainMatrix(
        nucleus: SIMD3(0.4262, 0.9004, 0.0788),
        counter: SIMD3(0.7087, 0.6589, 0.2241),
        maxConcentration: SIMD2(1.165, 0.4718))

    /// Unmixing: (c_n, c_c) = (MᵀM)⁻¹ Mᵀ od with M = [nucleus counter]. A degenerate
    /// (parallel) pair returns the projection on `nucleus` and 0.
    package func concentrations(_ od: SIMD3<Double>) -> SIMD2<Double> {
        let a = (nucleus * nucleus).sum(), b = (nucleus * counter).sum(), d = (counter * counter).sum()
        let det = a * d - b * b
        let pn = (nucleus * od).sum(), pc = (counter * od).sum()
        guard abs(det) > 1e-9 else { return SIMD2(pn / a, 0) }
        return SIMD2((d * pn - b * pc) / det, (a * pc - b * pn) / det)
    }

    /// The part of `od` the two stains do not explain: od − M c with the concentrations c
    /// clamped at 0, as the normalisers use them.
    package func residual(_ od: SIMD3<Double>) -> SIMD3<Double> {
        let c = concentrations(od)
        return od - nucleus * max(0, c.x) - counter * max(0, c.y)
    }

    /// Angle between the two stain vectors in degrees.
    package var separationDegrees: Double {
        let c = min(1, max(-1, (nucleus * counter).sum()))
        return Foundation.acos(c) * 180 / .pi
    }
}

import Foundation
