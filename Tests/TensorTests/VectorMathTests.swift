import Foundation
import Testing
import Tensor

@Suite struct VectorMathTests {
    @Test func vectorExpMatchesLibmAcrossTheRange() {
        var worst: Float = 0
        var x: Float = -87
        while x < 88 {
            let lanes = Vector.exp8(SIMD8(x, x + 0.013, x + 0.027, x + 0.031, x + 0.049, x + 0.061, x + 0.077, x + 0.089))
            for lane in 0..<8 {
                let v = x + [0, 0.013, 0.027, 0.031, 0.049, 0.061, 0.077, 0.089][lane]
                let reference = Foundation.exp(Double(v))
                worst = max(worst, Float(abs(Double(lanes[lane]) - reference) / reference))
            }
            x += 0.37
        }
        #expect(worst < 5e-7, "worst relative error \(worst)")
        #expect(Vector.scalarExp(-200) >= 0 && Vector.scalarExp(200).isFinite)
    }

    /// The clamp and the exponent bits at the ends of the range: 2^n for n = -126 ... 127
    /// must come out as normal floats matching libm, and inputs beyond the clamp give the
    /// clamp's value.
    @Test func vectorExpAtTheClampBounds() {
        let inside = SIMD8<Float>(-87.3, -87.0, -86.5, -0.1, 0, 0.1, 88.0, 88.3)
        let lanes = Vector.exp8(inside)
        for lane in 0..<8 {
            let reference = Foundation.exp(Double(inside[lane]))
            #expect(lanes[lane].isNormal, "exp(\(inside[lane])) = \(lanes[lane])")
            #expect(abs(Double(lanes[lane]) - reference) / reference < 5e-7, "exp(\(inside[lane])) = \(lanes[lane])")
        }
        let beyond = Vector.exp8(SIMD8(-1000, -88, -87.31, 88.31, 89, 1000, .infinity, -.infinity))
        let bounds = Vector.exp8(SIMD8(-87.3, -87.3, -87.3, 88.3, 88.3, 88.3, 88.3, -87.3))
        #expect(beyond == bounds)
    }

    @Test func siluAndSigmoidKernelsMatchTheScalarDefinition() {
        var rng = RandomSource(seed: 11)
        let count = 1003   // not a multiple of 8: exercises the scalar tail
        let x = Tensor.randomNormal([count], std: 6, rng: &rng), dy = Tensor.randomNormal([count], rng: &rng)
        let y = Tensor(zeros: [count]), dx = Tensor(zeros: [count])
        Vector.silu(count, x.data, y.data)
        Vector.siluBackward(count, x.data, dy.data, dx.data)
        for i in 0..<count {
            let v = Double(x.data[i]), s = 1 / (1 + Foundation.exp(-v))
            #expect(abs(Double(y.data[i]) - v * s) <= 1e-6 * max(1, abs(v)))
            #expect(abs(Double(dx.data[i]) - Double(dy.data[i]) * s * (1 + v * (1 - s))) <= 1e-5)
        }
        Vector.sigmoid(count, x.data, y.data)
        Vector.sigmoidBackward(count, x.data, dy.data, dx.data)
        for i in 0..<count {
            let s = 1 / (1 + Foundation.exp(-Double(x.data[i])))
            #expect(abs(Double(y.data[i]) - s) <= 1e-6)
            #expect(abs(Double(dx.data[i]) - Double(dy.data[i]) * s * (1 - s)) <= 1e-6)
        }
    }

    @Test func geluKernelMatchesTheErfDefinition() {
        var rng = RandomSource(seed: 12)
        let count = 1003
        let x = Tensor.randomNormal([count], std: 4, rng: &rng), dy = Tensor.randomNormal([count], rng: &rng)
        let y = Tensor(zeros: [count]), dx = Tensor(zeros: [count])
        Vector.geluErf(count, x.data, y.data)
        Vector.geluErfBackward(count, x.data, dy.data, dx.data)
        for i in 0..<count {
            let v = Double(x.data[i])
            let cdf = 0.5 * (1 + Foundation.erf(v / 2.0.squareRoot()))
            let density = Foundation.exp(-0.5 * v * v) / (2 * Double.pi).squareRoot()
            #expect(abs(Double(y.data[i]) - v * cdf) <= 1e-6 * max(1, abs(v)), "gelu(\(v)) = \(y.data[i])")
            #expect(abs(Double(dx.data[i]) - Double(dy.data[i]) * (cdf + v * density)) <= 2e-6 * max(1, abs(Double(dy.data[i]))))
        }
    }
}
