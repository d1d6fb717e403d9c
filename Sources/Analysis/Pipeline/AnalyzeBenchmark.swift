import CellModel
import Foundation
import ImageIO
import Tensor

/// Speed of the whole per-image pipeline, for `leuko bench analyze`.
///
/// Field: a 640 x 480 synthetic smear field (`SaliencyBenchmark.syntheticField`: red cells
/// and 3 WBCs) written as PNG and analysed from the file (hash, decode, localisation, crops,
/// network, masks, merge), `repeats` times after a warm-up; the median total and the median
/// of each stage in ms, cells per field and cells per second (cells / median seconds).
/// Slide: a generated `SyntheticSlideRegion` TIFF (JPEG tiles, no glass: every tile is
/// analysed) analysed once per thread count; seconds and seconds per gigapixel (seconds /
/// (width x height / 1e9)), cells, the peak RSS of the process. Thread counts set the
/// analyzer's `threads` (network and tile workers). It measures; it asserts nothing.
package enum AnalyzeBenchmark {
    package struct FieldRow: Codable, Sendable {
        package var threads: Int
        package var msMedian: Double
        package var stagesMsMedian: [String: Double]
        package var cells: Int
        package var cellsPerSecond: Double
        enum CodingKeys: String, CodingKey {
            case threads, cells
            case msMedian = "ms_median", stagesMsMedian = "stages_ms_median", cellsPerSecond = "cells_per_second"
        }
    }

    package struct SlideRow: Codable, Sendable {
        package var threads: Int
        package var seconds: Double
        package var secondsPerGigapixel: Double
        package var cells: Int
        package var tiles: Int
        package var peakRSSMB: Int
        package var stagesMs: [String: Double]
        enum CodingKeys: String, CodingKey {
            case threads, seconds, cells, tiles
            case secondsPerGigapixel = "seconds_per_gigapixel", peakRSSMB = "peak_rss_mb", stagesMs = "stages_ms"
        }
    }

    package struct Report: Codable, Sendable {
        package var model: String
        package var fieldWidth = 640
        package var fieldHeight = 480
        package var repeats: Int
        package var field: [FieldRow]
        package var slideWidth: Int
        package var slideHeight: Int
        package var slideWBCPlaced: Int
        package var slide: [SlideRow]
        enum CodingKeys: String, CodingKey {
            case model, repeats, field, slide
            case fieldWidth = "field_width", fieldHeight = "field_height", slideWidth = "slide_width"
            case slideHeight = "slide_height", slideWBCPlaced = "slide_wbc_placed"
        }
    }

    package static func run(model: ModelFile, threadCounts: [Int], repeats: Int, slideSide: Int,
                            scratch: String, softwareVersion: String) throws -> Report {
        let fieldPath = scratch + "/bench-field.png"
        try ImageWriter.writePNG(SaliencyBenchmark.syntheticField(width: 640, height: 480).image(), to: fieldPath)
        let slidePath = scratch + "/bench-slide.tif"
        let placed = try SyntheticSlideRegion.writeTIFF(to: slidePath, width: slideSide, height: slideSide)
        defer { try? FileManager.default.removeItem(atPath: fieldPath); try? FileManager.default.removeItem(atPath: slidePath) }
        let previous = Parallel.threadCount
        defer { Parallel.setThreads(previous) }
        var fields: [FieldRow] = [], slides: [SlideRow] = []
        for threads in threadCounts {
            Parallel.setThreads(threads)
            var settings = AnalyzerSettings()
            settings.threads = threads
            let analyzer = try ImageAnalyzer(model: model, settings: settings, softwareVersion: softwareVersion)
            var runs: [ImageAnalysis] = [try analyzer.analyze(path: fieldPath)]   // warm-up
            runs = try (0..<max(1, repeats)).map { _ in try analyzer.analyze(path: fieldPath) }
            let total = median(runs.map { $0.processingSeconds * 1000 })
            var stages: [String: Double] = [:]
            for stage in Set(runs.flatMap(\.stageMilliseconds.keys)) {
                stages[stage] = median(runs.map { $0.stageMilliseconds[stage] ?? 0 })
            }
            let cells = runs[0].cells.count
            fields.append(FieldRow(threads: threads, msMedian: total, stagesMsMedian: stages, cells: cells,
                                   cellsPerSecond: Double(cells) / (total / 1000)))
            let slide = try analyzer.analyze(path: slidePath)
            let info = try ImageReader.info(slidePath)
            slides.append(SlideRow(threads: threads, seconds: slide.processingSeconds,
                                   secondsPerGigapixel: slide.processingSeconds / (Double(slideSide * slideSide) / 1e9),
                                   cells: slide.cells.count, tiles: try analyzer.plan(for: info).tiles.count,
                                   peakRSSMB: ProcessMemory.peakResidentBytes() >> 20, stagesMs: slide.stageMilliseconds))
        }
        return Report(model: model.metadata["model"] ?? "?", repeats: repeats, field: fields, slideWidth: slideSide,
                      slideHeight: slideSide, slideWBCPlaced: placed.count, slide: slides)
    }

    private static func median(_ values: [Double]) -> Double {
        let s = values.sorted()
        return s.isEmpty ? 0 : s[s.count / 2]
    }
}
