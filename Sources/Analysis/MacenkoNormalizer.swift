import Foundation

/// Macenko stain normalisation: estimate the image's two stain vectors from its optical
/// density, unmix, rescale concentrations and re-mix with the reference stains.
///
/// The maths (Macenko et al., ISBI 2009), per image:
/// 1. OD = -log10(I / W) per channel with W the image's glass white level (`OpticalDensity`).
/// 2. Keep stained pixels, ‖OD‖ > β (β = 0.15, or lower for very pale images: at least the
///    densest 5 % of pixels are kept).
/// 3. Eigenvectors e1, e2 of their 3x3 OD covariance span the plane that holds most of the
///    stain variation. Project each OD onto it and take its angle φ = atan2(⟨od,e2⟩, ⟨od,e1⟩).
/// 4. The stain vectors are the directions at the α-th and (100-α)-th percentiles of φ
///    (α = 1): the extremes of the fan of mixtures, robust to outliers.
/// 5. Which one is the nucleus stain: the one closer in angle to the mean direction of the
///    densest 0.5 % of pixels (WBC nuclei are the darkest objects in a smear), so the labels
///    do not depend on the stains' hue, which varies between protocols.
/// 6. Concentrations C = (MᵀM)⁻¹Mᵀ·OD; their 99th percentiles over stained pixels are the
///    image's maxima. Normalised C' = C · maxRef / maxImage, OD' = M_ref C', I' = 10^(-OD')
///    (white glass maps to 1).
///
/// The off-plane residual (`keepsResidual`, off by default): two stain vectors span a plane
/// of the 3-D OD space, and OD that lies off it (R = OD − M C: the orange-red of eosinophil
/// granules, a third colour of May-Grünwald-Giemsa smears, but also much of a source's own
/// tint) is dropped by the re-mix above, so granules come out in the counter stain's hue.
/// With the option on, OD' = M_ref C' + k (R − R_glass), k = Σ maxRef / Σ maxImage (the
/// concentration scaling, averaged), R_glass the per-channel median residual of the 20 %
/// least stained pixels (an image's glass tint off the plane, which would otherwise survive
/// as a colour cast), OD' clamped at 0. Weights record whether they were trained with it.
/// The model card measures it: granules keep their colour, but an unseen source's tint
/// survives too and it generalised worse across sources, so the shipped weights do without.
///
/// Robust fallback: when fewer than 200 stained pixels exist (mostly background), the two
/// extremes are less than 4° apart, or a vector has a negative component beyond −0.1 (not a
/// physical absorber), the reference stain vectors are used as the image's own, so only the
/// concentration scaling and white balance apply. `usedFallback` says so.
package struct MacenkoNormalizer: Sendable {
    package var reference: StainMatrix = .reference
    package var beta: Float = 0.15
    package var alphaPercent: Double = 1
    /// Keep the OD that the two stains do not explain (see the type's comment).
    package var keepsResidual = false
    /// The least stained share of pixels (percent) whose median residual is the glass tint.
    package var glassPercent: Double = 20

    package init(reference: StainMatrix = .reference) { self.reference = reference }

    /// Result of estimation on one image.
    package struct Estimate: Sendable {
        package let stains: StainMatrix
        package let usedFallback: Bool
        package let stainedPixels: Int
        /// R_glass, the glass tint off the stain plane (zero unless `keepsResidual`).
        package var glassResidual = SIMD3<Double>(0, 0, 0)
    }

    /// Estimates the stain matrix of an image from its optical density.
    package func estimate(_ od: OpticalDensity) -> Estimate {
        let n = od.width * od.height
        var norms = [Float](repeating: 0, count: n)
        for i in 0..<n { norms[i] = od.norm(i) }
        // Pale images (BCCD's densest pixels are ~0.3): keep at least the densest 5 %.
        let cut = min(beta, Statistics.percentile(norms, 95))
        var idx: [Int] = []
        for i in 0..<n where norms[i] > cut && norms[i] > 0.02 { idx.append(i) }
        let fallback = withGlassResidual(Estimate(stains: concentrationsOnly(od, idx: idx, stains: reference),
                                                  usedFallback: true, stainedPixels: idx.count), od)
        guard idx.count >= 200 else { return fallback }

        var mean = SIMD3<Double>(0, 0, 0)
        for i in idx { mean += SIMD3(Double(od.r[i]), Double(od.g[i]), Double(od.b[i])) }
        mean /= Double(idx.count)
        var cov = [[Double]](repeating: [0, 0, 0], count: 3)
        for i in idx {
            let d = SIMD3(Double(od.r[i]), Double(od.g[i]), Double(od.b[i])) - mean
            for p in 0..<3 { for q in 0..<3 { cov[p][q] += d[p] * d[q] } }
        }
        let eig = SymmetricEigen3.decompose(cov)
        var e1 = SIMD3(eig.vectors[0][0], eig.vectors[0][1], eig.vectors[0][2])
        var e2 = SIMD3(eig.vectors[1][0], eig.vectors[1][1], eig.vectors[1][2])
        if e1.sum() < 0 { e1 = -e1 }
        if e2.sum() < 0 { e2 = -e2 }
        var angles = [Float]()
        angles.reserveCapacity(idx.count)
        for i in idx {
            let v = SIMD3(Double(od.r[i]), Double(od.g[i]), Double(od.b[i]))
            angles.append(Float(atan2((v * e2).sum(), (v * e1).sum())))
        }
        let lo = Double(Statistics.percentile(angles, alphaPercent))
        let hi = Double(Statistics.percentile(angles, 100 - alphaPercent))
        var v1 = e1 * cos(lo) + e2 * sin(lo)
        var v2 = e1 * cos(hi) + e2 * sin(hi)
        v1 /= (v1 * v1).sum().squareRoot(); v2 /= (v2 * v2).sum().squareRoot()
        guard v1.min() > -0.1, v2.min() > -0.1,
              acos(min(1, (v1 * v2).sum())) * 180 / .pi >= 4 else { return fallback }
        v1 = v1.replacing(with: 0, where: v1 .< 0); v2 = v2.replacing(with: 0, where: v2 .< 0)

        // The nucleus stain is the extreme nearer the densest pixels' mean direction.
        let densest = Statistics.percentile(idx.map { norms[$0] }, 99.5)
        var dense = SIMD3<Double>(0, 0, 0)
        for i in idx where norms[i] >= densest {
            dense += SIMD3(Double(od.r[i]), Double(od.g[i]), Double(od.b[i])) / Double(norms[i])
        }
        let nucleusFirst = (dense * v1).sum() >= (dense * v2).sum()
        let m = StainMatrix(nucleus: nucleusFirst ? v1 : v2, counter: nucleusFirst ? v2 : v1,
                            maxConcentration: SIMD2(1, 1))
        return withGlassResidual(Estimate(stains: concentrationsOnly(od, idx: idx, stains: m), usedFallback: false,
                                          stainedPixels: idx.count), od)
    }

    /// `estimate` with R_glass measured, when the residual is kept: the per-channel median
    /// residual over the `glassPercent` % of pixels with the least relative concentration
    /// c_n / max_n + c_c / max_c.
    private func withGlassResidual(_ estimate: Estimate, _ od: OpticalDensity) -> Estimate {
        guard keepsResidual, od.width * od.height > 0 else { return estimate }
        let s = estimate.stains, n = od.width * od.height
        var relative = [Float](repeating: 0, count: n)
        for i in 0..<n {
            let c = s.concentrations(SIMD3(Double(od.r[i]), Double(od.g[i]), Double(od.b[i])))
            relative[i] = Float(max(0, c.x) / s.maxConcentration.x + max(0, c.y) / s.maxConcentration.y)
        }
        let cut = Statistics.percentile(relative, glassPercent)
        var rr: [Float] = [], rg: [Float] = [], rb: [Float] = []
        for i in 0..<n where relative[i] <= cut {
            let r = s.residual(SIMD3(Double(od.r[i]), Double(od.g[i]), Double(od.b[i])))
            rr.append(Float(r.x)); rg.append(Float(r.y)); rb.append(Float(r.z))
        }
        var e = estimate
        e.glassResidual = SIMD3(Double(Statistics.median(rr)), Double(Statistics.median(rg)), Double(Statistics.median(rb)))
        return e
    }

    /// `stains` with its maximum concentrations measured on the pixels `idx`.
    private func concentrationsOnly(_ od: OpticalDensity, idx: [Int], stains: StainMatrix) -> StainMatrix {
        var cn = [Float](), cc = [Float]()
        cn.reserveCapacity(idx.count); cc.reserveCapacity(idx.count)
        for i in idx {
            let c = stains.concentrations(SIMD3(Double(od.r[i]), Double(od.g[i]), Double(od.b[i])))
            cn.append(Float(c.x)); cc.append(Float(c.y))
        }
        var s = stains
        s.maxConcentration = SIMD2(max(1e-3, Double(Statistics.percentile(cn, 99))),
                                   max(1e-3, Double(Statistics.percentile(cc, 99))))
        return s
    }

    /// Per-pixel concentrations (nucleus, counter) under `stains`, negatives clamped to 0.
    package func concentrationPlanes(_ od: OpticalDensity, stains: StainMatrix) -> (nucleus: FloatPlane, counter: FloatPlane) {
        var n = FloatPlane(width: od.width, height: od.height)
        var c = FloatPlane(width: od.width, height: od.height)
        for i in 0..<n.values.count {
            let k = stains.concentrations(SIMD3(Double(od.r[i]), Double(od.g[i]), Double(od.b[i])))
            n.values[i] = Float(max(0, k.x)); c.values[i] = Float(max(0, k.y))
        }
        return (n, c)
    }

    /// The normalised image: concentrations rescaled to the reference maxima and re-mixed
    /// with the reference stains on white glass. Also returns the image's (unscaled,
    /// non-negative) concentration planes, which the saliency prior reads.
    package func normalize(_ image: RGBRaster) -> (image: RGBRaster, estimate: Estimate, od: OpticalDensity) {
        let r = normalizeWithConcentrations(image)
        return (r.image, r.estimate, r.od)
    }

    package func normalizeWithConcentrations(_ image: RGBRaster)
        -> (image: RGBRaster, estimate: Estimate, od: OpticalDensity, nucleus: FloatPlane, counter: FloatPlane) {
        let od = OpticalDensity(image)
        let est = estimate(od)
        let (cn, cc) = concentrationPlanes(od, stains: est.stains)
        let scale = SIMD2<Float>(reference.maxConcentration / est.stains.maxConcentration)
        var out = RGBRaster(width: image.width, height: image.height, pixelSpacing: image.pixelSpacing)
        let rn = SIMD3<Float>(reference.nucleus), rc = SIMD3<Float>(reference.counter)
        let residual = residualMix(est)
        let ln10 = Float(M_LN10)
        for i in 0..<image.count {
            var o = rn * (cn.values[i] * scale.x) + rc * (cc.values[i] * scale.y)
            if let residual {
                o = residual.adding(to: o, density: SIMD3(od.r[i], od.g[i], od.b[i]), nucleus: cn.values[i], counter: cc.values[i])
            }
            out.r[i] = expf(-ln10 * o.x); out.g[i] = expf(-ln10 * o.y); out.b[i] = expf(-ln10 * o.z)
        }
        return (out, est, od, cn, cc)
    }

    /// What re-mixing the residual needs for an image of this estimate (nil when the
    /// residual is dropped).
    package func residualMix(_ estimate: Estimate) -> StainResidualMix? {
        guard keepsResidual else { return nil }
        let s = estimate.stains
        return StainResidualMix(nucleus: SIMD3<Float>(s.nucleus), counter: SIMD3<Float>(s.counter),
                                gain: Float(reference.maxConcentration.sum() / s.maxConcentration.sum()),
                                glass: SIMD3<Float>(estimate.glassResidual))
    }
}
