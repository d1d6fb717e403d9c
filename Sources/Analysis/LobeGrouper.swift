/// Groups nucleus pieces that are lobes of one nucleus.
///
/// Each piece i is dilated by its own reach r_i = `gapFraction` x its equivalent diameter
/// (inside a window around it); two pieces whose dilations overlap, i.e. whose gap is at
/// most r_i + r_j, join one group (union-find, so chains of lobes join too), except pieces
/// of the same `family` (the parts of one component that `TouchingCellSplitter` separated:
/// those are two cells by construction). The gap scales with the lobes themselves, so it
/// works at any magnification.
struct LobeGrouper {
    let gapFraction: Double

    /// Group index (0-based, dense) for each piece. With `bridges` (per-pixel component labels
    /// of a lower threshold, 0 = none), pieces that lie in one bridge component also join:
    /// lobes whose connecting strands are fainter than the threshold but clearly stained.
    /// A bridge joins its pieces only when its area is at most `maxBridgeAreaRatio` x their
    /// summed area (a nucleus with faint strands, not a stained region spanning two cells).
    func groups(_ pieces: [[Int]], family: [Int], width w: Int, height h: Int,
                bridges: ConnectedComponents? = nil, maxBridgeAreaRatio: Double = .infinity) -> [Int] {
        var parent = Array(0..<pieces.count)
        func find(_ i: Int) -> Int { var i = i; while parent[i] != i { parent[i] = parent[parent[i]]; i = parent[i] }; return i }
        var members = pieces.indices.map { Set([family[$0]]) }
        func union(_ a: Int, _ b: Int) {
            let ra = find(a), rb = find(b)
            guard ra != rb, members[ra].isDisjoint(with: members[rb]) else { return }
            let (keep, drop) = (min(ra, rb), max(ra, rb))
            parent[drop] = keep
            members[keep].formUnion(members[drop])
        }
        var owner = [Int32](repeating: -1, count: w * h)
        for (k, piece) in pieces.enumerated() {
            var x0 = w, y0 = h, x1 = 0, y1 = 0
            for i in piece { x0 = min(x0, i % w); y0 = min(y0, i / w); x1 = max(x1, i % w + 1); y1 = max(y1, i / w + 1) }
            let reach = gapFraction * (4 * Double(piece.count) / Double.pi).squareRoot()
            let pad = Int(reach.rounded(.up)) + 1
            let bx0 = max(0, x0 - pad), by0 = max(0, y0 - pad), bx1 = min(w, x1 + pad), by1 = min(h, y1 + pad)
            var local = BinaryMask(width: bx1 - bx0, height: by1 - by0)
            for i in piece { local[i % w - bx0, i / w - by0] = true }
            let grown = local.dilated(by: reach)
            for y in by0..<by1 {
                for x in bx0..<bx1 where grown[x - bx0, y - by0] {
                    let i = y * w + x
                    if owner[i] < 0 { owner[i] = Int32(k) } else if Int(owner[i]) != k { union(Int(owner[i]), k) }
                }
            }
        }
        if let bridges {
            var piecesInBridge: [Int32: [Int]] = [:]
            for (k, piece) in pieces.enumerated() {
                for label in Set(piece.map { bridges.labels[$0] }) where label > 0 { piecesInBridge[label, default: []].append(k) }
            }
            for (label, members) in piecesInBridge where members.count > 1 {
                let bridgeArea = bridges.components[Int(label) - 1].area
                let pieceArea = members.map { pieces[$0].count }.reduce(0, +)
                guard Double(bridgeArea) <= maxBridgeAreaRatio * Double(pieceArea) else { continue }
                for k in members.dropFirst() { union(members[0], k) }
            }
        }
        var ids: [Int: Int] = [:]
        return pieces.indices.map { k in
            let r = find(k)
            if let id = ids[r] { return id }
            ids[r] = ids.count
            return ids[r]!
        }
    }
}
