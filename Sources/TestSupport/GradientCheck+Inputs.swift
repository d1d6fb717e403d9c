import Tensor

/// Seeded inputs that keep central differences away from kinks.
extension GradientCheck {
    /// Normal samples times `scale`, each moved at least `margin` away from every value in
    /// `kinks` (for ReLU pass `[0]`, for hardswish `[-3, 3]`). Keep `margin` above the step.
    package static func input(_ shape: [Int], scale: Float = 1, avoiding kinks: [Float] = [],
                              margin: Float = 0.05, rng: inout RandomSource) -> Tensor {
        let t = Tensor.randomNormal(shape, std: scale, rng: &rng)
        for i in 0..<t.count {
            for kink in kinks where abs(t.data[i] - kink) < margin {
                t.data[i] = kink + (t.data[i] >= kink ? margin : -margin)
            }
        }
        return t
    }

    /// Distinct values `spacing` apart (centred on zero), shuffled: no two elements tie, so a
    /// max or sort never switches under a perturbation smaller than `spacing / 2`.
    package static func distinctInput(_ shape: [Int], spacing: Float = 0.05, rng: inout RandomSource) -> Tensor {
        let t = Tensor(zeros: shape)
        var values = (0..<t.count).map { (Float($0) - Float(t.count) / 2) * spacing }
        values.shuffle(using: &rng)
        for i in 0..<t.count { t.data[i] = values[i] }
        return t
    }
}
