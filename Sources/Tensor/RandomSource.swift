import Foundation

/// A seeded pseudo-random generator (xoshiro256**, seeded through SplitMix64).
///
/// Every random choice in training (initialisation, dropout, augmentation, sampling) draws
/// from one of these, so a run is reproducible from its seed. Not for cryptography.
package struct RandomSource: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// A generator whose whole sequence is determined by `seed`.
    package init(seed: UInt64) {
        var s = seed
        func splitMix() -> UInt64 {
            s &+= 0x9E37_79B9_7F4A_7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    package mutating func next() -> UInt64 {
        let result = rotl(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotl(state.3, 45)
        return result
    }

    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform in [0, 1) with 24 bits of precision.
    package mutating func uniform() -> Float { Float(next() >> 40) * (1.0 / 16_777_216.0) }

    /// Uniform in [low, high).
    package mutating func uniform(_ low: Float, _ high: Float) -> Float { low + (high - low) * uniform() }

    /// Standard normal (Box-Muller; one value per call, the pair's second value is dropped
    /// so the sequence depends only on the call count).
    package mutating func normal() -> Float {
        let u1 = max(Double(next() >> 11) * 0x1.0p-53, 1e-300)
        let u2 = Double(next() >> 11) * 0x1.0p-53
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }

    /// A draw from the symmetric Beta(a, a): X / (X + Y) with X, Y ~ Gamma(a, 1).
    package mutating func beta(_ a: Float) -> Float {
        let x = gamma(Double(a)), y = gamma(Double(a))
        return x + y > 0 ? Float(x / (x + y)) : (uniform() < 0.5 ? 0 : 1)
    }

    /// A draw from Gamma(shape, 1) (Marsaglia and Tsang; shapes below 1 boosted by U^(1/shape)).
    private mutating func gamma(_ shape: Double) -> Double {
        if shape < 1 {
            let u = max(Double(uniform()), 1e-12)
            return gamma(shape + 1) * pow(u, 1 / shape)
        }
        let d = shape - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        while true {
            let z = Double(normal())
            let v = pow(1 + c * z, 3)
            guard v > 0 else { continue }
            let u = max(Double(uniform()), 1e-12)
            if log(u) < 0.5 * z * z + d - d * v + d * log(v) { return d * v }
        }
    }

    /// A new generator for a sub-task, derived from this one's stream.
    package mutating func split() -> RandomSource { RandomSource(seed: next()) }
}

extension Tensor {
    /// A tensor of normal samples with the given standard deviation.
    package static func randomNormal(_ shape: [Int], std: Float = 1, rng: inout RandomSource) -> Tensor {
        let t = Tensor(zeros: shape)
        for i in 0..<t.count { t.data[i] = rng.normal() * std }
        return t
    }

    /// A tensor of uniform samples in [low, high).
    package static func randomUniform(_ shape: [Int], _ low: Float, _ high: Float, rng: inout RandomSource) -> Tensor {
        let t = Tensor(zeros: shape)
        for i in 0..<t.count { t.data[i] = rng.uniform(low, high) }
        return t
    }
}
