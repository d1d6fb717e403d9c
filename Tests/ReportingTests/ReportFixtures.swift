import Analysis
import CellModel
import Foundation
import ImageIO
@testable import Reporting

/// Hand-built analyses for the Reporting tests: a 200x150 field with four cells (two
/// neutrophils, one flagged at the border; a low-confidence lymphocyte; a platelet flagged
/// not_a_wbc) and the same field with no cells. The source name is hostile on purpose.
enum ReportFixtures {
    static let hostileName = "/inbox/<script>alert('x')</script> & \"smear\".png"
    static let sha = String(repeating: "0123456789abcdef", count: 4)

    static func source(path: String = hostileName) -> ImageAnalysis.Source {
        ImageAnalysis.Source(path: path, sha256: sha, width: 200, height: 150, pixelSpacing: nil, format: "PNG")
    }

    /// A regular polygon of `sides` vertices around (cx, cy), at pixel centres.
    static func ring(_ cx: Double, _ cy: Double, radius: Double, sides: Int = 12) -> [ContourPoint] {
        (0..<sides).map { i in
            let a = Double(i) / Double(sides) * 2 * .pi
            return ContourPoint(x: (cx + radius * cos(a)).rounded(.down) + 0.5, y: (cy + radius * sin(a)).rounded(.down) + 0.5)
        }
    }

    /// 16x16 crop (pink), mask (nucleus disc inside a cytoplasm disc), Grad-CAM (a ramp).
    static func images() -> CellImages {
        let n = 16
        var rgb = [UInt8](), seg = [UInt8](), cam = [Float]()
        for y in 0..<n {
            for x in 0..<n {
                rgb += [230, 180, 200]
                let d = ((Double(x) - 7.5) * (Double(x) - 7.5) + (Double(y) - 7.5) * (Double(y) - 7.5)).squareRoot()
                seg.append(d < 3 ? 2 : d < 6 ? 1 : 0)
                cam.append(Float(x) / 15)
            }
        }
        return CellImages(size: n, rgb: rgb, segmentation: seg, gradCAM: cam)
    }

    static func cell(_ number: Int, _ cellClass: CellClass, p: Double, at centre: (Double, Double), radius: Double,
                     flags: Set<CellFlag> = [], runnerUp: (CellClass, Double)? = nil, images: Bool = true) -> CellFinding {
        CellFinding(number: number, cellClass: cellClass, probability: p,
                    runnerUp: runnerUp.map { (cellClass: $0.0, probability: $0.1) },
                    contour: ring(centre.0, centre.1, radius: radius), nucleusContour: [],
                    box: BoundingBox(x0: centre.0 - radius, y0: centre.1 - radius, x1: centre.0 + radius, y1: centre.1 + radius),
                    cellArea: .pi * radius * radius, nucleusArea: .pi * radius * radius * 0.4,
                    cytoplasmArea: .pi * radius * radius * 0.6, areaUnit: .pixel, consistency: 0.8,
                    flags: flags, images: images ? self.images() : nil)
    }

    static var cells: [CellFinding] {
        [
            cell(1, .neutrophil, p: 0.91, at: (50, 50), radius: 20, runnerUp: (.monocyte, 0.05)),
            cell(2, .lymphocyte, p: 0.55, at: (140, 60), radius: 15, flags: [.lowConfidence], runnerUp: (.ig, 0.3)),
            cell(3, .platelet, p: 0.8, at: (100, 120), radius: 6, flags: [.notAWBC], images: false),
            cell(4, .neutrophil, p: 0.7, at: (185, 130), radius: 14, flags: [.atBorder, .overlapping]),
        ]
    }

    static func analysis(cells: [CellFinding] = cells, path: String = hostileName, overlayScale: Double = 1) -> ImageAnalysis {
        let w = Int((200 * overlayScale).rounded()), h = Int((150 * overlayScale).rounded())
        return ImageAnalysis(
            source: source(path: path),
            model: .init(name: "leuko-wbc", version: "1", weightsSHA256: String(repeating: "ab", count: 32)),
            softwareVersion: "0.1.0", cells: cells,
            overlayBase: RGBRaster(width: w, height: h, fill: (0.9, 0.8, 0.85)), overlayScale: overlayScale,
            startedAt: Date(timeIntervalSince1970: 1_795_000_000.25),
            stageMilliseconds: ["decode": 3, "network": 40.5], processingSeconds: 0.125)
    }

    static var empty: ImageAnalysis { analysis(cells: []) }
}

/// A scratch folder per test, removed afterwards.
struct Scratch {
    let url: URL
    init() throws {
        url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("leuko-reporting-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func remove() { try? FileManager.default.removeItem(at: url) }
}
