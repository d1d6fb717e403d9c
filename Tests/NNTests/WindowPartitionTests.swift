import Testing
import Tensor
import NN

@Suite struct WindowPartitionTests {
    @Test func cyclicShiftFollowsTorchRoll() {
        // torch.roll(torch.arange(6).view(1,1,2,3), (1, 1), (2, 3)) == [[5,3,4],[2,0,1]]
        let x = Tensor(shape: [1, 1, 2, 3], values: [0, 1, 2, 3, 4, 5])
        #expect(CyclicShift.roll(x, dy: 1, dx: 1).values == [5, 3, 4, 2, 0, 1])
        // roll by (-1, -2) == [[5,3,4],[2,0,1]] too (shifts are taken modulo the extent).
        #expect(CyclicShift.roll(x, dy: -1, dx: -2).values == [5, 3, 4, 2, 0, 1])
        #expect(CyclicShift.roll(x, dy: 0, dx: 1).values == [2, 0, 1, 5, 3, 4])
        let back = CyclicShift.rollBackward(CyclicShift.roll(x, dy: 1, dx: 2), dy: 1, dx: 2)
        #expect(back.values == x.values)
    }

    @Test func tokensRoundTripAndAreChannelsLast() {
        var rng = RandomSource(seed: 1)
        let x = Tensor.randomNormal([2, 3, 4, 5], rng: &rng)
        let t = WindowTokens.tokens(fromNCHW: x)
        #expect(t.shape == [40, 3])
        #expect(t.data[(1 * 20 + 2 * 5 + 3) * 3 + 2] == x[1, 2, 2, 3])
        #expect(WindowTokens.nchw(fromTokens: t, n: 2, h: 4, w: 5).values == x.values)
    }

    @Test func partitionOrdersWindowsAndTokensRowMajor() {
        // One image 4x4, one channel holding its pixel index; window 2.
        let tokens = Tensor(shape: [16, 1], values: (0..<16).map(Float.init))
        let p = WindowPartition(batch: 1, height: 4, width: 4, window: 2)
        #expect(p.partition(tokens).values == [0, 1, 4, 5, 2, 3, 6, 7, 8, 9, 12, 13, 10, 11, 14, 15])
        #expect(p.reverse(p.partition(tokens)).values == tokens.values)
    }

    @Test func shiftedPartitionEqualsRollThenPartition() {
        var rng = RandomSource(seed: 2)
        let x = Tensor.randomNormal([2, 3, 8, 12], rng: &rng)
        let shifted = WindowPartition(batch: 2, height: 8, width: 12, window: 4, shift: 2)
        let plain = WindowPartition(batch: 2, height: 8, width: 12, window: 4, shift: 0)
        let fused = shifted.partition(WindowTokens.tokens(fromNCHW: x))
        let reference = plain.partition(WindowTokens.tokens(fromNCHW: CyclicShift.roll(x, dy: -2, dx: -2)))
        #expect(fused.values == reference.values)
        #expect(shifted.reverse(fused).values == WindowTokens.tokens(fromNCHW: x).values)
    }

    @Test func relativePositionIndexMatchesSwin() {
        // Swin's relative_position_index for window 2.
        #expect(RelativePositionIndex(window: 2).index == [4, 3, 1, 0, 5, 4, 2, 1, 7, 6, 4, 3, 8, 7, 5, 4])
        let w7 = RelativePositionIndex(window: 7)
        #expect(w7.tableRows == 169 && w7.index.max() == 168 && w7.index.min() == 0 && w7.index[0] == 84)
        let table = Tensor(shape: [9, 2], values: (0..<18).map(Float.init))
        let bias = RelativePositionIndex(window: 2).gather(table)
        #expect(bias.shape == [2, 16] && bias.data[1] == 6 && bias.data[16 + 1] == 7)
        let dTable = Tensor(zeros: [9, 2])
        RelativePositionIndex(window: 2).scatterAdd(Tensor(shape: [2, 16], repeating: 1), into: dTable)
        #expect(dTable.data[4 * 2] == 4 && dTable.data[0] == 1 && dTable.values.reduce(0, +) == 32)
    }

    @Test func shiftMaskSeparatesRegions() {
        #expect(WindowShiftMask.make(height: 8, width: 8, window: 4, shift: 0) == nil)
        let mask = WindowShiftMask.make(height: 8, width: 8, window: 4, shift: 2)!
        #expect(mask.shape == [4, 16, 16])
        func masked(_ w: Int) -> Int { (0..<256).filter { mask.data[w * 256 + $0] == -100 }.count }
        // Window 0 lies in one region; windows 1 and 2 are split in two halves of 8 tokens
        // (2 * 8 * 8 masked pairs); window 3 in four quarters of 4 (16 * 16 - 4 * 4 * 4).
        #expect(masked(0) == 0 && masked(1) == 128 && masked(2) == 128 && masked(3) == 192)
        // In window 1 (top-right), tokens 0 (column 4) and 2 (column 6) are in different regions.
        #expect(mask.data[256 + 0 * 16 + 2] == -100 && mask.data[256 + 0 * 16 + 1] == 0)
        #expect(mask.values.allSatisfy { $0 == 0 || $0 == -100 })
    }
}
