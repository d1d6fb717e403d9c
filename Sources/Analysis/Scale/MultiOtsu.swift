/// Two thresholds that split values into three classes with the largest between-class
/// variance (Otsu's criterion for three classes; Liao, Chen & Chung 2001), searched over a
/// histogram. On a smear's optical density the classes are glass, red cells and cytoplasm,
/// and nuclei: the lower threshold separates glass from everything stained.
package enum MultiOtsu {
    /// `(lower, upper)` over a `bins`-bin histogram between the minimum and the 99.5th
    /// percentile (brighter outliers fall in the last bin). O(n + bins²). Equal values give
    /// (value, value).
    package static func thresholds(_ values: [Float], bins: Int = 128) -> (lower: Float, upper: Float) {
        guard let lo = values.min() else { return (0, 0) }
        let hi = Statistics.percentile(values, 99.5)
        guard hi > lo else { return (lo, lo) }
        var p = [Double](repeating: 0, count: bins)
        let scale = Float(bins) / (hi - lo)
        for v in values { p[max(0, min(bins - 1, Int((v - lo) * scale)))] += 1 }
        let total = Double(values.count)
        var weight = [Double](repeating: 0, count: bins + 1), moment = [Double](repeating: 0, count: bins + 1)
        for i in 0..<bins {
            weight[i + 1] = weight[i] + p[i] / total
            moment[i + 1] = moment[i] + Double(i) * p[i] / total
        }
        let mean = moment[bins]
        func term(_ a: Int, _ b: Int) -> Double {  // classes of bins a..<b
            let w = weight[b] - weight[a]
            guard w > 0 else { return 0 }
            let m = (moment[b] - moment[a]) / w - mean
            return w * m * m
        }
        var best = -1.0, cut = (1, 2)
        for i in 1..<(bins - 1) {
            for j in (i + 1)..<bins {
                let between = term(0, i) + term(i, j) + term(j, bins)
                if between > best { best = between; cut = (i, j) }
            }
        }
        return (lo + Float(cut.0) / scale, lo + Float(cut.1) / scale)
    }
}
