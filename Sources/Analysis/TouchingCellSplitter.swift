/// Splits one connected nucleus component into cells where its distance transform shows two
/// (or more) well-separated centres.
///
/// The component is first closed by `bridge` pixels and hole-filled (smoothing its outline).
/// Local maxima of the inside distance are candidate centres with radius r = the distance.
/// Taking them by decreasing r, a maximum becomes a new centre only when its radius is at
/// least `splitMinRadiusRatio` x the largest and it lies farther than `splitSeparation` x
/// (r_i + r_j) from every accepted centre with a neck between them (the inside distance
/// along the segment dips below `splitNeckFraction` x the smaller radius): two discs that
/// barely overlap, i.e. two cells, not the lobes of one. Pixels go to the centre minimising distance / radius.
struct TouchingCellSplitter {
    let parameters: CandidateParameters

    func split(_ pixels: [Int], imageWidth w: Int, bridge: Double) -> [[Int]] {
        var x0 = Int.max, y0 = Int.max, x1 = 0, y1 = 0
        for i in pixels { x0 = min(x0, i % w); y0 = min(y0, i / w); x1 = max(x1, i % w + 1); y1 = max(y1, i / w + 1) }
        let pad = Int(bridge.rounded(.up)) + 2
        let bw = x1 - x0 + 2 * pad, bh = y1 - y0 + 2 * pad
        var local = BinaryMask(width: bw, height: bh)
        for i in pixels { local[i % w - x0 + pad, i / w - y0 + pad] = true }
        let solid = local.closed(by: bridge).holesFilled()
        let dist = DistanceTransform.inside(solid)

        var peaks: [(x: Int, y: Int, r: Float)] = []
        for y in 1..<(bh - 1) {
            for x in 1..<(bw - 1) {
                let v = dist[x, y]
                guard v >= 2 else { continue }
                var isMax = true
                for dy in -1...1 { for dx in -1...1 where (dx != 0 || dy != 0) && dist[x + dx, y + dy] > v { isMax = false } }
                if isMax { peaks.append((x, y, v)) }
            }
        }
        peaks.sort { $0.r != $1.r ? $0.r > $1.r : ($0.y, $0.x) < ($1.y, $1.x) }
        guard let top = peaks.first else { return [pixels] }
        var centres = [top]
        for q in peaks.dropFirst() where Double(q.r) >= parameters.splitMinRadiusRatio * Double(top.r) {
            let far = centres.allSatisfy { c in
                let dx = Double(q.x - c.x), dy = Double(q.y - c.y)
                let length = (dx * dx + dy * dy).squareRoot()
                guard length > parameters.splitSeparation * Double(q.r + c.r) else { return false }
                // A real neck between them: the inside distance dips along the segment.
                var neck = Float.infinity
                let steps = max(2, Int(length))
                for s in 0...steps {
                    let t = Double(s) / Double(steps)
                    neck = min(neck, dist[Int((Double(c.x) + t * dx).rounded()), Int((Double(c.y) + t * dy).rounded())])
                }
                return Double(neck) < parameters.splitNeckFraction * Double(min(q.r, c.r))
            }
            if far { centres.append(q) }
        }
        guard centres.count > 1 else { return [pixels] }
        var parts = [[Int]](repeating: [], count: centres.count)
        for i in pixels {
            let x = i % w - x0 + pad, y = i / w - y0 + pad
            var best = 0, bestScore = Double.infinity
            for (k, c) in centres.enumerated() {
                let dx = Double(x - c.x), dy = Double(y - c.y)
                let s = (dx * dx + dy * dy).squareRoot() / Double(c.r)
                if s < bestScore { bestScore = s; best = k }
            }
            parts[best].append(i)
        }
        return parts.filter { !$0.isEmpty }
    }
}
