import Tensor

/// Reference kernels written for clarity, not speed: the fast paths are tested against them.
package enum NaiveKernels {
    /// `C[m, n] = sum_k A[m, k] * B[k, n]` with plain loops in Double.
    package static func matmul(_ a: Tensor, _ b: Tensor) -> Tensor {
        let (m, k) = (a.shape[0], a.shape[1])
        precondition(b.shape[0] == k)
        let n = b.shape[1]
        let c = Tensor(zeros: [m, n])
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k { sum += Double(a.data[i * k + p]) * Double(b.data[p * n + j]) }
                c.data[i * n + j] = Float(sum)
            }
        }
        return c
    }
}

extension NaiveKernels {
    /// The transpose of a `[rows, cols]` matrix.
    package static func transpose(_ a: Tensor) -> Tensor {
        let (r, c) = (a.shape[0], a.shape[1])
        let t = Tensor(zeros: [c, r])
        for i in 0..<r { for j in 0..<c { t.data[j * r + i] = a.data[i * c + j] } }
        return t
    }
}
