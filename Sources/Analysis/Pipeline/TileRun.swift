import Foundation
import ImageIO

/// The shared state of one tiled analysis while its workers run: which tile is next, the
/// cells found, the overlay, progress counts, stage times, the first error.
///
/// Kept cells are budgeted (`admit`): each is stored with its mask packed (`StoredCell`) and
/// costs the packed bytes plus a fixed overhead, and its gallery images while they fit;
/// images are dropped first, and an analysis whose packed masks alone outgrow the budget
/// stops with `resourceExhausted` rather than pass the ceiling. The masks are unpacked when
/// the tiles are done (`cells(unpackBudget:)`), when the tiles' working memory is free.
///
/// Every member is reached under `lock` (workers call in from several threads). Tiles are
/// handed out in plan order; after the first error no further tile is handed out.
final class TileRun: @unchecked Sendable {
    // @unchecked Sendable: all mutable state below is read and written only under `lock`.
    private let lock = NSLock()
    private let total: Int
    private var nextIndex = 0
    private var done = 0
    private var skipped = 0
    private var keptBytes = 0
    private let keptBudget: Int
    private var _cells: [StoredCell] = []
    private var _overlay: OverlayAccumulator
    private var _timer = StageTimer()
    private var _error: Error?
    private var claimed: [Int: [(x: Double, y: Double)]] = [:]   // 64-px buckets of claimed centres

    /// `cellBudget`: bytes for kept cells (masks, overhead and gallery images).
    init(tiles: Int, overlay: OverlayAccumulator, cellBudget: Int) {
        total = tiles; _overlay = overlay; keptBudget = cellBudget
    }

    /// Bytes a kept cell costs besides its images: its packed mask, its probabilities and the
    /// fixed size of the record (rounded up generously for allocation overhead).
    static func maskBytes(_ cell: StoredCell) -> Int { cell.labels.runs.count + 4 * cell.probabilityCount + 512 }
    static func imageBytes(_ images: CellImages) -> Int { images.rgb.count + images.segmentation.count + 4 * images.gradCAM.count + 256 }

    /// The next tile index to work on; nil when all are handed out or a worker failed.
    func next() -> Int? {
        lock.withLock {
            guard _error == nil, nextIndex < total else { return nil }
            defer { nextIndex += 1 }
            return nextIndex
        }
    }

    /// Records a finished tile (`found` nil: blank, skipped) and reports the progress (under
    /// the lock, so reports arrive one at a time and in order).
    func finish(_ found: [StoredCell]?, clock: UInt64, progress: ((AnalysisProgress) -> Void)?) {
        lock.withLock {
            done += 1
            if let found { _cells += found } else { skipped += 1 }
            progress?(AnalysisProgress(tilesDone: done, tilesTotal: total, tilesSkippedEmpty: skipped, cellsFound: _cells.count,
                                       elapsedSeconds: Double(DispatchTime.now().uptimeNanoseconds - clock) / 1e9))
        }
    }

    func addToOverlay(_ image: Image, originX: Int, originY: Int, core: TilePlan.Rect) {
        lock.withLock { _overlay.add(image, originX: originX, originY: originY, core: core) }
    }

    /// `found` packed for keeping, with the budget charged for each cell: a cell's images are
    /// dropped when they no longer fit. Throws `resourceExhausted` when the packed masks
    /// themselves do not fit.
    func admit(_ found: [DetectedCell]) throws -> [StoredCell] {
        var out = found.map(StoredCell.init)
        return try lock.withLock {
            for k in out.indices {
                let bytes = Self.maskBytes(out[k])
                guard keptBytes + bytes <= keptBudget else {
                    throw AnalysisError(.resourceExhausted, "the cells found so far (\(_cells.count + k)) need more than the "
                                        + "\(keptBudget >> 20) MB the memory limit keeps for cell outlines; raise the limit")
                }
                keptBytes += bytes
                if let images = out[k].images {
                    let extra = Self.imageBytes(images)
                    if keptBytes + extra <= keptBudget { keptBytes += extra } else { out[k].dropImages() }
                }
            }
            return out
        }
    }

    /// Bytes charged for kept cells so far.
    var keptCellBytes: Int { lock.withLock { keptBytes } }

    /// For candidates (centre x, y and diameter, image pixels): true for each one no other
    /// tile has claimed (no claimed centre within 0.3 diameters), which it then claims. Two
    /// tiles working at once may both claim one cell; the duplicate merge catches that.
    func claim(_ candidates: [(Double, Double, Double)]) -> [Bool] {
        lock.withLock {
            candidates.map { x, y, d in
                let reach = 0.3 * d
                let (bx, by) = (Int(x / 64), Int(y / 64))
                for ky in (by - 1)...(by + 1) {
                    for kx in (bx - 1)...(bx + 1) {
                        for p in claimed[ky &* 1_000_003 &+ kx] ?? [] where hypot(p.x - x, p.y - y) < reach { return false }
                    }
                }
                claimed[by &* 1_000_003 &+ bx, default: []].append((x, y))
                return true
            }
        }
    }

    func fail(_ error: Error) { lock.withLock { if _error == nil { _error = error } } }
    func addTimes(_ t: StageTimer) { lock.withLock { _timer.add(t) } }

    var error: Error? { lock.withLock { _error } }
    /// Cells found so far.
    var cellCount: Int { lock.withLock { _cells.count } }

    /// The kept cells with their masks unpacked; throws `resourceExhausted` when the unpacked
    /// masks would need more than `unpackBudget` bytes.
    func cells(unpackBudget: Int) throws -> [DetectedCell] {
        let stored = lock.withLock { _cells }
        let bytes = stored.reduce(0) { $0 + $1.unpackedBytes }
        guard bytes <= unpackBudget else {
            throw AnalysisError(.resourceExhausted, "the \(stored.count) cells' outlines need \(bytes >> 20) MB, more than "
                                + "the \(max(0, unpackBudget) >> 20) MB the memory limit leaves for them; raise the limit")
        }
        return stored.map { $0.restored() }
    }
    var overlay: OverlayAccumulator { lock.withLock { _overlay } }
    var timer: StageTimer { lock.withLock { _timer } }
}
