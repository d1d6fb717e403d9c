import Foundation
import ImageIO

/// The shared state of one tiled analysis while its workers run: which tile is next, the
/// cells found, the overlay, progress counts, stage times, the first error.
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
    private var imageBytes = 0
    private let imageBudget: Int
    private var _cells: [DetectedCell] = []
    private var _overlay: OverlayAccumulator
    private var _timer = StageTimer()
    private var _error: Error?
    private var claimed: [Int: [(x: Double, y: Double)]] = [:]   // 64-px buckets of claimed centres

    init(tiles: Int, overlay: OverlayAccumulator, cellImageBudget: Int) {
        total = tiles; _overlay = overlay; imageBudget = cellImageBudget
    }

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
    func finish(_ found: [DetectedCell]?, clock: UInt64, progress: ((AnalysisProgress) -> Void)?) {
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

    /// Whether `bytes` more of cell images fit the budget (and reserves them if so).
    func reserveImageBytes(_ bytes: Int) -> Bool {
        lock.withLock {
            guard imageBytes + bytes <= imageBudget else { return false }
            imageBytes += bytes
            return true
        }
    }

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
    var cells: [DetectedCell] { lock.withLock { _cells } }
    var overlay: OverlayAccumulator { lock.withLock { _overlay } }
    var timer: StageTimer { lock.withLock { _timer } }
}
