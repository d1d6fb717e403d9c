/// Merges duplicate detections of one cell and finds cells that overlap others.
///
/// Order of preference: a cell the network segmented before an empty one, then the higher
/// calibrated probability, then the larger mask. Each cell is compared with the kept cells
/// whose boxes share a 256-pixel bucket with its own (so a slide's thousands of cells are
/// not compared all against all). Two masks sharing at least `duplicateOverlap` of the
/// smaller are one cell: the preferred copy is kept. Kept cells sharing at least
/// `overlapFlag` of the smaller mask overlap each other.
package enum CellMerger {
    package static func merge(_ cells: [DetectedCell], duplicateOverlap: Double, overlapFlag: Double)
        -> (kept: [DetectedCell], overlapping: Set<Int>) {
        let order = cells.indices.sorted { a, b in
            let (x, y) = (cells[a], cells[b])
            if x.empty != y.empty { return !x.empty }
            if x.confidence != y.confidence { return x.confidence > y.confidence }
            return x.mask.cellArea > y.mask.cellArea
        }
        let bucket = 256
        var grid: [Int: [Int]] = [:]   // bucket key -> indices into `kept`
        var kept: [DetectedCell] = []
        var areas: [Int] = []
        var overlapping = Set<Int>()
        func keys(_ m: CellMask) -> [Int] {
            guard m.width > 0, m.height > 0 else { return [] }
            var out: [Int] = []
            for by in (m.y0 / bucket)...((m.y0 + m.height - 1) / bucket) {
                for bx in (m.x0 / bucket)...((m.x0 + m.width - 1) / bucket) { out.append(by &* 1_000_003 &+ bx) }
            }
            return out
        }
        for i in order {
            let cell = cells[i], area = cell.mask.cellArea
            let cellKeys = keys(cell.mask)
            var neighbours = Set<Int>()
            for k in cellKeys { neighbours.formUnion(grid[k] ?? []) }
            var duplicate = false
            var touching: [Int] = []
            for j in neighbours {
                let shared = Double(cell.mask.overlap(kept[j].mask))
                let smaller = Double(max(1, min(area, areas[j])))
                if shared >= duplicateOverlap * smaller { duplicate = true; break }
                if shared >= overlapFlag * smaller { touching.append(j) }
            }
            guard !duplicate, area > 0 else { continue }
            let index = kept.count
            kept.append(cell); areas.append(area)
            for k in cellKeys { grid[k, default: []].append(index) }
            if !touching.isEmpty { overlapping.insert(index); overlapping.formUnion(touching) }
        }
        return (kept, overlapping)
    }
}
