import Tensor

/// Multi-head self-attention inside windows, with Swin's learned relative-position bias.
///
/// Input and output are window rows `[B*nW*n, C]` (`n = window^2` tokens per window, windows
/// consecutive; see `WindowPartition`). `qkv` (`[3C, C]` + bias) produces per token the
/// query, key and value, split as `[3, heads, C/heads]`; per window and head,
/// `attn = softmax(scale * q k^T + bias[h] + mask[w mod nW])` with `scale = (C/heads)^-0.5`,
/// `bias[h, i, j] = table[index(i, j), h]` (`RelativePositionIndex`) and the optional additive
/// `mask` `[nW, n, n]` (`WindowShiftMask`); heads of `attn v` are concatenated and projected by
/// `proj` (`[C, C]` + bias). Names follow timm (`qkv.weight`, `relative_position_bias_table`).
/// No dropout. Forward keeps the input, `qkv`, the attention probabilities and the context
/// for backward; backward adds into all five parameter gradients.
package final class WindowAttention: Layer {
    package var isTraining = true
    package let channels: Int
    package let heads: Int
    package let window: Int
    package let qkvWeight: Parameter
    package let qkvBias: Parameter
    package let biasTable: Parameter
    package let projWeight: Parameter
    package let projBias: Parameter
    package let positions: RelativePositionIndex
    /// Additive mask `[nW, n, n]` applied to window `w` as `mask[w mod nW]`; nil for none.
    package var mask: Tensor?

    private var savedInput: Tensor?
    private var savedQKV: Tensor?
    private var savedProbs: Tensor?
    private var savedContext: Tensor?

    /// Weights and the bias table ~ truncated normal (std 0.02, cut at 2 std), biases zero.
    package init(channels: Int, heads: Int, window: Int, rng: inout RandomSource) {
        precondition(heads > 0 && channels % heads == 0, "WindowAttention: \(channels) channels not divisible by \(heads) heads")
        self.channels = channels
        self.heads = heads
        self.window = window
        positions = RelativePositionIndex(window: window)
        func truncated(_ shape: [Int]) -> Tensor {
            let t = Tensor(zeros: shape)
            for i in 0..<t.count {
                var v: Float
                repeat { v = rng.normal() } while abs(v) > 2
                t.data[i] = 0.02 * v
            }
            return t
        }
        qkvWeight = Parameter(name: "qkv.weight", value: truncated([3 * channels, channels]))
        qkvBias = Parameter(name: "qkv.bias", value: Tensor(zeros: [3 * channels]), decays: false)
        biasTable = Parameter(name: "relative_position_bias_table", value: truncated([positions.tableRows, heads]), decays: false)
        projWeight = Parameter(name: "proj.weight", value: truncated([channels, channels]))
        projBias = Parameter(name: "proj.bias", value: Tensor(zeros: [channels]), decays: false)
    }

    package var localParameters: [(String, Parameter)] {
        [("qkv.weight", qkvWeight), ("qkv.bias", qkvBias), ("relative_position_bias_table", biasTable),
         ("proj.weight", projWeight), ("proj.bias", projBias)]
    }

    package var headDim: Int { channels / heads }
    package var tokensPerWindow: Int { window * window }

    package func forward(_ input: Tensor) -> Tensor {
        let (c, n, d, nh) = (channels, tokensPerWindow, headDim, heads)
        precondition(input.shape.count == 2 && input.shape[1] == c && input.shape[0] % n == 0,
                     "WindowAttention: expected [windows*\(n), \(c)] rows, got \(input.shape)")
        let rows = input.shape[0], windows = rows / n
        let maskWindows = mask.map { $0.shape[0] } ?? 1
        if let mask {
            precondition(mask.count == maskWindows * n * n && windows % maskWindows == 0,
                         "WindowAttention: mask \(mask.shape) does not fit \(windows) windows of \(n) tokens")
        }
        let profile = OpProfile.shared
        let qkv = Tensor(uninitialized: [rows, 3 * c])
        profile.measure("qkv", .forward, flops: 2 * rows * c * 3 * c) {
            WindowAttentionKernels.broadcastRows(qkvBias.value.data, into: qkv.data, rows: rows, cols: 3 * c)
            BLAS.sgemm(transB: true, m: rows, n: 3 * c, k: c, a: input.data, b: qkvWeight.value.data, beta: 1, c: qkv.data)
        }

        let bias = positions.gather(biasTable.value)
        let probs = Tensor(uninitialized: [windows * nh, n, n])
        let context = Tensor(zeros: [rows, c])
        let scale = 1 / Float(d).squareRoot()
        let (q0, p0, b0, c0, m0) = (qkv.data, probs.data, bias.data, context.data, mask?.data)
        profile.measure("scores_softmax_context", .forward, flops: windows * nh * 4 * n * n * d) {
            Parallel.forEach(windows * nh) { wh in
                let w = wh / nh, h = wh % nh
                let base = q0 + w * n * 3 * c
                let (q, k, v) = (base + h * d, base + c + h * d, base + 2 * c + h * d)
                let p = p0 + wh * n * n, bh = b0 + h * n * n
                let m = m0.map { $0 + (w % maskWindows) * n * n }
                withUnsafeTemporaryAllocation(of: Float.self, capacity: d * n) { scratch in
                    // Keys transposed to [d, n], so each logit row is d contiguous axpys of length n.
                    let kt = scratch.baseAddress!
                    WindowAttentionKernels.transpose(k, rowStride: 3 * c, rows: n, cols: d, into: kt)
                    for i in 0..<n {
                        let row = p + i * n
                        row.update(from: bh + i * n, count: n)
                        if let m { WindowAttentionKernels.addScaled(1, m + i * n, into: row, n) }
                        let qi = q + i * 3 * c
                        for e in 0..<d { WindowAttentionKernels.addScaled(scale * qi[e], kt + e * n, into: row, n) }
                        WindowAttentionKernels.softmaxInPlace(row, n)
                        let out = c0 + (w * n + i) * c + h * d
                        for j in 0..<n { WindowAttentionKernels.addScaled(row[j], v + j * 3 * c, into: out, d) }
                    }
                }
            }
        }

        let output = Tensor(uninitialized: [rows, c])
        profile.measure("proj", .forward, flops: 2 * rows * c * c) {
            WindowAttentionKernels.broadcastRows(projBias.value.data, into: output.data, rows: rows, cols: c)
            BLAS.sgemm(transB: true, m: rows, n: c, k: c, a: context.data, b: projWeight.value.data, beta: 1, c: output.data)
        }
        savedInput = input
        savedQKV = qkv
        savedProbs = probs
        savedContext = context
        return output
    }

    package func backward(_ dOutput: Tensor) -> Tensor {
        guard let input = savedInput, let qkv = savedQKV, let probs = savedProbs, let context = savedContext else {
            preconditionFailure("WindowAttention.backward called before forward")
        }
        let (c, n, d, nh) = (channels, tokensPerWindow, headDim, heads)
        let rows = input.shape[0], windows = rows / n
        precondition(dOutput.shape == [rows, c], "WindowAttention: gradient \(dOutput.shape) for output [\(rows), \(c)]")

        let profile = OpProfile.shared
        let dContext = Tensor(uninitialized: [rows, c])
        profile.measure("proj", .backward) {
            BLAS.sgemm(transA: true, m: c, n: c, k: rows, a: dOutput.data, b: context.data, beta: 1, c: projWeight.grad.data)
            WindowAttentionKernels.addColumnSums(dOutput.data, rows: rows, cols: c, into: projBias.grad.data)
            BLAS.sgemm(m: rows, n: c, k: c, a: dOutput.data, b: projWeight.value.data, c: dContext.data)
        }

        let dQKV = Tensor(zeros: [rows, 3 * c])
        let dScores = Tensor(uninitialized: [windows * nh, n * n])
        let scale = 1 / Float(d).squareRoot()
        let (q0, dq0, p0, ds0, dc0) = (qkv.data, dQKV.data, probs.data, dScores.data, dContext.data)
        profile.measure("scores_softmax_context", .backward) {
            Parallel.forEach(windows * nh) { wh in
                let w = wh / nh, h = wh % nh
                let offset = w * n * 3 * c
                let (q, k, v) = (q0 + offset + h * d, q0 + offset + c + h * d, q0 + offset + 2 * c + h * d)
                let (dq, dk, dv) = (dq0 + offset + h * d, dq0 + offset + c + h * d, dq0 + offset + 2 * c + h * d)
                let p = p0 + wh * n * n, ds = ds0 + wh * n * n
                withUnsafeTemporaryAllocation(of: Float.self, capacity: d * n) { scratch in
                    // Values transposed to [d, n]: dP[i, :] = sum_e dctx[i, e] * vt[e, :].
                    let vt = scratch.baseAddress!
                    WindowAttentionKernels.transpose(v, rowStride: 3 * c, rows: n, cols: d, into: vt)
                    for i in 0..<n {
                        let dctx = dc0 + (w * n + i) * c + h * d
                        let pRow = p + i * n, dsRow = ds + i * n
                        dsRow.update(repeating: 0, count: n)
                        for e in 0..<d { WindowAttentionKernels.addScaled(dctx[e], vt + e * n, into: dsRow, n) }
                        var weighted: Float = 0
                        for j in 0..<n {
                            weighted += pRow[j] * dsRow[j]
                            WindowAttentionKernels.addScaled(pRow[j], dctx, into: dv + j * 3 * c, d)
                        }
                        for j in 0..<n { dsRow[j] = pRow[j] * (dsRow[j] - weighted) }
                    }
                }
                for i in 0..<n {
                    for j in 0..<n {
                        let g = scale * ds[i * n + j]
                        WindowAttentionKernels.addScaled(g, k + j * 3 * c, into: dq + i * 3 * c, d)
                        WindowAttentionKernels.addScaled(g, q + i * 3 * c, into: dk + j * 3 * c, d)
                    }
                }
            }
        }
        profile.measure("position_bias", .backward) {
            let dBias = Tensor(zeros: [nh, n * n])
            Parallel.forEach(nh) { h in
                let out = dBias.data + h * n * n
                for w in 0..<windows { WindowAttentionKernels.addScaled(1, ds0 + (w * nh + h) * n * n, into: out, n * n) }
            }
            positions.scatterAdd(dBias, into: biasTable.grad)
        }

        let dInput = Tensor(uninitialized: [rows, c])
        profile.measure("qkv", .backward) {
            BLAS.sgemm(transA: true, m: 3 * c, n: c, k: rows, a: dQKV.data, b: input.data, beta: 1, c: qkvWeight.grad.data)
            WindowAttentionKernels.addColumnSums(dQKV.data, rows: rows, cols: 3 * c, into: qkvBias.grad.data)
            BLAS.sgemm(m: rows, n: c, k: 3 * c, a: dQKV.data, b: qkvWeight.value.data, c: dInput.data)
        }
        return dInput
    }

    /// `2 x` multiply-adds of one forward pass on `[rows, C]`: projections and the two
    /// attention products (softmax and bias adds not counted).
    package func flops(inputShape: [Int]) -> Int {
        let rows = inputShape[0], n = tokensPerWindow
        let projections = 2 * rows * channels * (3 * channels) + 2 * rows * channels * channels
        let attention = (rows / n) * heads * 2 * (2 * n * n * headDim)
        return projections + attention
    }
}
