import Testing
import Tensor
import NN

@Suite struct DropoutTests {
    @Test func dropsAboutPAndScalesTheRest() {
        let x = Tensor(shape: [10_000], repeating: 1)
        let y = Dropout(0.25, seed: 9).forward(x)
        let zeros = y.values.filter { $0 == 0 }.count
        #expect(abs(Double(zeros) / 10_000 - 0.25) < 0.02, "dropped \(zeros) of 10000")
        #expect(y.values.allSatisfy { $0 == 0 || abs($0 - 4.0 / 3.0) < 1e-6 })
    }

    @Test func sameSeedSameMaskAndEvalIsIdentity() {
        var rng = RandomSource(seed: 1)
        let x = Tensor.randomNormal([4, 8], rng: &rng)
        #expect(Dropout(0.5, seed: 3).forward(x).values == Dropout(0.5, seed: 3).forward(x).values)
        #expect(Dropout(0.5, seed: 3).forward(x).values != Dropout(0.5, seed: 4).forward(x).values)
        let layer = Dropout(0.5, seed: 3)
        layer.setTraining(false)
        #expect(layer.forward(x).values == x.values)
        #expect(layer.backward(x).values == x.values)
    }
}
