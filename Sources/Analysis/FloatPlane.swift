/// One channel of Float samples, row-major, top row first (`width * height` values).
///
/// Used for optical density channels, stain concentrations and the saliency prior. No
/// value range is implied; each producer documents its own.
package struct FloatPlane: Sendable, Equatable {
    package let width: Int
    package let height: Int
    package var values: [Float]

    package init(width: Int, height: Int, fill: Float = 0) {
        self.width = width; self.height = height
        values = [Float](repeating: fill, count: width * height)
    }

    package init(width: Int, height: Int, values: [Float]) {
        precondition(values.count == width * height, "plane size mismatch")
        self.width = width; self.height = height; self.values = values
    }

    package subscript(x: Int, y: Int) -> Float {
        get { values[y * width + x] }
        set { values[y * width + x] = newValue }
    }

    /// The value at a fractional position by bilinear interpolation, clamped at the edges.
    package func bilinear(_ x: Double, _ y: Double) -> Float {
        let fx = min(max(x, 0), Double(width - 1)), fy = min(max(y, 0), Double(height - 1))
        let x0 = Int(fx), y0 = Int(fy)
        let x1 = min(x0 + 1, width - 1), y1 = min(y0 + 1, height - 1)
        let ax = Float(fx - Double(x0)), ay = Float(fy - Double(y0))
        let top = values[y0 * width + x0] * (1 - ax) + values[y0 * width + x1] * ax
        let bottom = values[y1 * width + x0] * (1 - ax) + values[y1 * width + x1] * ax
        return top * (1 - ay) + bottom * ay
    }

    /// The `p`-th percentile (0...100) of the values, by sorting a copy (nearest rank).
    package func percentile(_ p: Double) -> Float {
        Statistics.percentile(values, p)
    }
}

/// Small order statistics shared by the Analysis steps.
package enum Statistics {
    /// The `p`-th percentile (0...100) of `values` by nearest rank (the value a sorted copy
    /// would hold at round(p/100 * (n-1))); 0 when empty. Quickselect on a copy: O(n).
    package static func percentile(_ values: [Float], _ p: Double) -> Float {
        guard !values.isEmpty else { return 0 }
        let rank = min(max(Int((p / 100 * Double(values.count - 1)).rounded()), 0), values.count - 1)
        var a = values
        return a.withUnsafeMutableBufferPointer { select($0, rank) }
    }

    /// The k-th smallest element (0-based) of `a`, reordering it (Hoare selection with a
    /// median-of-three pivot; deterministic).
    static func select(_ a: UnsafeMutableBufferPointer<Float>, _ k: Int) -> Float {
        var lo = 0, hi = a.count - 1
        while hi > lo {
            let mid = lo + (hi - lo) / 2
            if a[mid] < a[lo] { a.swapAt(mid, lo) }
            if a[hi] < a[lo] { a.swapAt(hi, lo) }
            if a[hi] < a[mid] { a.swapAt(hi, mid) }
            let pivot = a[mid]
            var i = lo, j = hi
            while i <= j {
                while a[i] < pivot { i += 1 }
                while a[j] > pivot { j -= 1 }
                if i <= j { a.swapAt(i, j); i += 1; j -= 1 }
            }
            if k <= j { hi = j } else if k >= i { lo = i } else { return a[k] }
        }
        return a[k]
    }

    /// The median of `values`; 0 when empty.
    package static func median(_ values: [Float]) -> Float { percentile(values, 50) }

    /// Otsu's threshold over `values`: the cut of a `bins`-bin histogram between the
    /// minimum and maximum that maximises the between-class variance
    /// w0 w1 (m0 - m1)^2. Returns the minimum when all values are equal.
    package static func otsu(_ values: [Float], bins: Int = 256) -> Float {
        guard let lo = values.min(), let hi = values.max(), hi > lo else { return values.first ?? 0 }
        var hist = [Double](repeating: 0, count: bins)
        let scale = Float(bins) / (hi - lo)
        for v in values { hist[min(bins - 1, Int((v - lo) * scale))] += 1 }
        let total = Double(values.count)
        var sumAll = 0.0
        for i in 0..<bins { sumAll += Double(i) * hist[i] }
        var w0 = 0.0, sum0 = 0.0, best = -1.0, bestCut = 0
        for i in 0..<(bins - 1) {
            w0 += hist[i]; sum0 += Double(i) * hist[i]
            let w1 = total - w0
            guard w0 > 0, w1 > 0 else { continue }
            let m0 = sum0 / w0, m1 = (sumAll - sum0) / w1
            let between = w0 * w1 * (m0 - m1) * (m0 - m1)
            if between > best { best = between; bestCut = i }
        }
        return lo + Float(bestCut + 1) / scale
    }
}
