/// Groups nucleus pieces that are lobes of one nucleus.
///
/// Two pieces whose gap (the least distance between their pixel centres) is at most
/// `gapFraction` x (d_i + d_j), d their equivalent diameters, join one group (union-find, so
/// chains of lobes join too), except pieces of the same `family` (the parts of one component
/// that `TouchingCellSplitter` separated: those are two cells by construction). The gap
/// scales with the lobes themselves, so it works at any magnification.
///
/// With `smallerPieceFactor` k > 0 the gap must also be at most k x the smaller piece's
/// diameter: near-equal lobes join as before, but a large nucleus no longer reaches across to
/// a small blob beside it (a platelet, or a lobe of the next cell).
struct LobeGrouper {
    let gapFraction: Double
    var smallerPieceFactor = 0.0
    /// When given, two pieces the gap rule would join stay apart if this says they belong to
    /// two cells (`GlassWaist`: glass narrows between them).
    var separated: (([Int], [Int]) -> Bool)? = nil

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
        let diameters = pieces.map { (4 * Double($0.count) / Double.pi).squareRoot() }
        let boxes = pieces.map { piece -> (x0: Int, y0: Int, x1: Int, y1: Int) in
            var x0 = w, y0 = h, x1 = 0, y1 = 0
            for i in piece { x0 = min(x0, i % w); y0 = min(y0, i / w); x1 = max(x1, i % w); y1 = max(y1, i / w) }
            return (x0, y0, x1, y1)
        }
        let edges = pieces.map { Self.edge($0, width: w) }
        for a in pieces.indices {
            for b in pieces.indices where b > a {
                var limit = gapFraction * (diameters[a] + diameters[b])
                if smallerPieceFactor > 0 { limit = min(limit, smallerPieceFactor * min(diameters[a], diameters[b])) }
                let dx = max(0, max(boxes[a].x0, boxes[b].x0) - min(boxes[a].x1, boxes[b].x1))
                let dy = max(0, max(boxes[a].y0, boxes[b].y0) - min(boxes[a].y1, boxes[b].y1))
                guard Double(dx * dx + dy * dy) <= limit * limit,
                      Self.gap(edges[a], edges[b], width: w, atMost: limit),
                      separated?(pieces[a], pieces[b]) != true else { continue }
                union(a, b)
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

    /// Whether some pixel of `edgeA` lies within `limit` (Euclidean, pixel centres) of some
    /// pixel of `edgeB`. Pass the pieces' `edge` pixels: only those can be nearest.
    static func gap(_ edgeA: [Int], _ edgeB: [Int], width w: Int, atMost limit: Double) -> Bool {
        let limit2 = limit * limit
        for i in edgeA {
            let xi = Double(i % w), yi = Double(i / w)
            for j in edgeB {
                let dx = xi - Double(j % w), dy = yi - Double(j / w)
                if dx * dx + dy * dy <= limit2 { return true }
            }
        }
        return false
    }

    /// The pixels of `piece` with a 4-neighbour outside it.
    static func edge(_ piece: [Int], width w: Int) -> [Int] {
        let set = Set(piece)
        return piece.filter { i in
            let x = i % w
            return !(x > 0 && set.contains(i - 1) && x < w - 1 && set.contains(i + 1)
                     && set.contains(i - w) && set.contains(i + w))
        }
    }
}
