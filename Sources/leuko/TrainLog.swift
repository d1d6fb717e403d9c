import ArgumentParser
import CellModel
import Foundation

/// Training progress: a readable line on stderr per step (every 10th) and per epoch, and one
/// JSON object per event in the log file.
final class TrainLog {
    private let handle: FileHandle

    init(path: String) throws {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw ValidationError("cannot write the log file \(path)")
        }
        handle.seekToEndOfFile()
        self.handle = handle
    }

    deinit { try? handle.close() }

    static func stderr(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    static func report(_ event: TrainingEvent) {
        switch event {
        case .step(let epoch, let step, let steps, let losses, let rate, let norm, let speed, let eta):
            guard step % 10 == 0 || step == steps else { return }
            stderr(String(format: "epoch %d step %d/%d  loss %.4f (cls %.3f seg %.3f dice %.3f gate %.3f align %.3f)  lr %.2e  |g| %.2f  %.1f crops/s  ETA %@",
                          epoch, step, steps, losses.total, losses.classification, losses.segmentation, losses.dice,
                          losses.gate, losses.alignment, rate, norm, speed, formatDuration(eta)))
        case .epoch(let epoch, let mean, let seconds, let validation):
            let scores = validation.datasets.sorted { $0.key < $1.key }.map { name, s in
                if let empty = s.emptyRate, s.cellIoU == nil, s.accuracy == 0 {
                    return String(format: "%@ empty %.3f", name, empty)
                }
                return String(format: "%@ acc %.3f F1 %.3f", name, s.accuracy, s.macroF1)
                    + (s.cellIoU.map { String(format: " cellIoU %.3f nucIoU %.3f", $0, s.nucleusIoU ?? 0) } ?? "")
                    + (s.lostCellRate.map { String(format: " lost %.3f", $0) } ?? "")
            }.joined(separator: "; ")
            stderr(String(format: "epoch %d done in %.0f s: mean loss %.4f | validation: %@", epoch, seconds, mean.total, scores))
        }
    }

    func write(_ event: TrainingEvent) {
        var object: [String: Any] = [:]
        switch event {
        case .step(let epoch, let step, _, let losses, let rate, let norm, let speed, let eta):
            object = ["event": "step", "epoch": epoch, "step": step, "loss": losses.total, "classification": losses.classification,
                      "segmentation": losses.segmentation, "dice": losses.dice, "gate": losses.gate, "alignment": losses.alignment,
                      "learning_rate": rate, "gradient_norm": norm, "crops_per_second": speed, "eta_seconds": eta]
        case .epoch(let epoch, let mean, let seconds, let validation):
            let scores = (try? JSONEncoder.sorted.encode(validation)).flatMap { try? JSONSerialization.jsonObject(with: $0) } ?? [:]
            object = ["event": "epoch", "epoch": epoch, "loss": mean.total, "seconds": seconds, "validation": scores]
        }
        if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) {
            handle.write(data + Data("\n".utf8))
        }
    }

    private static func formatDuration(_ seconds: Double) -> String {
        let s = Int(seconds.isFinite ? seconds : 0)
        return String(format: "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
    }
}
