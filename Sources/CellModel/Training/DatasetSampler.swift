import Tensor

/// Draws training samples with per-dataset weights, reproducibly from a seed.
///
/// Each draw picks a dataset with probability proportional to its weight, then a sample of
/// that dataset uniformly (with replacement), so a small dataset is neither drowned by a large
/// one nor over-repeated beyond its weight.
package struct DatasetSampler {
    private let groups: [[Int]]
    private let cumulative: [Double]

    /// `weights` by dataset name; unnamed datasets get 1.
    package init(samples: [TrainingSample], weights: [String: Double]) {
        let names = Array(Set(samples.map(\.dataset))).sorted()
        var groups: [[Int]] = []
        var cumulative: [Double] = []
        var total = 0.0
        for name in names {
            let indices = samples.indices.filter { samples[$0].dataset == name }
            let weight = max(0, weights[name] ?? 1)
            guard weight > 0, !indices.isEmpty else { continue }
            total += weight
            groups.append(indices)
            cumulative.append(total)
        }
        precondition(!groups.isEmpty, "no samples with a positive dataset weight")
        self.groups = groups
        self.cumulative = cumulative.map { $0 / total }
    }

    /// Indices into the samples for one batch.
    package func draw(_ count: Int, rng: inout RandomSource) -> [Int] {
        (0..<count).map { _ in
            let u = Double(rng.uniform())
            let group = groups[cumulative.firstIndex { u < $0 } ?? groups.count - 1]
            return group[Int(rng.next() % UInt64(group.count))]
        }
    }
}
