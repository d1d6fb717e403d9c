/// Eigen-decomposition of a symmetric 3x3 matrix by cyclic Jacobi rotations.
///
/// Returns eigenvalues in descending order with unit eigenvectors (columns). Converges to
/// machine precision in a handful of sweeps for 3x3; deterministic. Used for the OD
/// covariance in Macenko's method.
package enum SymmetricEigen3 {
    package static func decompose(_ m: [[Double]]) -> (values: [Double], vectors: [[Double]]) {
        var a = m
        var v: [[Double]] = [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
        for _ in 0..<50 {
            var off = 0.0
            for p in 0..<3 { for q in (p + 1)..<3 { off += a[p][q] * a[p][q] } }
            if off < 1e-30 { break }
            for p in 0..<3 {
                for q in (p + 1)..<3 where abs(a[p][q]) > 1e-300 {
                    let theta = (a[q][q] - a[p][p]) / (2 * a[p][q])
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<3 {
                        let akp = a[k][p], akq = a[k][q]
                        a[k][p] = c * akp - s * akq; a[k][q] = s * akp + c * akq
                    }
                    for k in 0..<3 {
                        let apk = a[p][k], aqk = a[q][k]
                        a[p][k] = c * apk - s * aqk; a[q][k] = s * apk + c * aqk
                    }
                    for k in 0..<3 {
                        let vkp = v[k][p], vkq = v[k][q]
                        v[k][p] = c * vkp - s * vkq; v[k][q] = s * vkp + c * vkq
                    }
                }
            }
        }
        let order = [0, 1, 2].sorted { a[$0][$0] > a[$1][$1] }
        let values = order.map { a[$0][$0] }
        let vectors = order.map { j in [v[0][j], v[1][j], v[2][j]] }
        return (values, vectors)
    }
}
