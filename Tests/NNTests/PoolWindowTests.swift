import Testing
import NN

@Suite struct PoolWindowTests {
    @Test func inputRangesClipThePaddingAndOutputShapeFollowsFloorMode() {
        let window = PoolWindow(kernel: 3, stride: 2, padding: 1, layer: "test")
        // Length 6: outputs (6 + 2 - 3) / 2 + 1 = 3; windows -1..<2, 1..<4, 3..<6.
        #expect(window.outputShape([1, 2, 6, 7], layer: "test") == [1, 2, 3, 4])
        #expect([0, 1, 2].map { window.inputRange($0, length: 6) } == [0..<2, 1..<4, 3..<6])
        // Stride defaults to the kernel.
        #expect(PoolWindow(kernel: 2, stride: nil, padding: 0, layer: "test").stride == 2)
    }
}
