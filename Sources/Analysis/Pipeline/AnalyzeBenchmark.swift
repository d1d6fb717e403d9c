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
/// Slide: a generated `SyntheticSlideRegion` TIFF (JPEG tiles, red cells everywhere: no
/// blank tile) analysed once per thread count; seconds and seconds per gigapixel (seconds /
/// (width x height / 1e9)), cells, how many placed WBCs were found once, missed or found
/// more than once, cells holding several or none, and the peak RSS of the process during
/// that analysis (reset before it). Thread counts set the analyzer's `threads` (network and
/// tile workers). Optionally (`patternSide`) a memory run
/// on a non-smear pattern (`PatternRow`). It measures; it asserts nothing.
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
        /// Placed WBCs inside exactly one reported cell's box, inside none, inside several;
        /// reported cells containing more than one placed WBC (merged), and none.
        package var wbcFoundOnce: Int
        package var wbcMissed: Int
        package var wbcFoundMoreThanOnce: Int
        package var mergedCells: Int
        package var otherCells: Int
        enum CodingKeys: String, CodingKey {
            case threads, seconds, cells, tiles
            case secondsPerGigapixel = "seconds_per_gigapixel", peakRSSMB = "peak_rss_mb", stagesMs = "stages_ms"
            case wbcFoundOnce = "wbc_found_once", wbcMissed = "wbc_missed", wbcFoundMoreThanOnce = "wbc_found_more_than_once"
            case mergedCells = "merged_cells", otherCells = "other_cells"
        }
    }

    package struct Report: Codable, Sendable {
        package var model: String
        /// Test-time views per cell (`AnalyzerSettings.views`).
        package var views: Int
        package var fieldWidth = 640
        package var fieldHeight = 480
        package var repeats: Int
        package var field: [FieldRow]
        package var slideWidth: Int
        package var slideHeight: Int
        package var slideWBCPlaced: Int
        package var slide: [SlideRow]
        package var pattern: PatternRow?
        enum CodingKeys: String, CodingKey {
            case model, views, repeats, field, slide, pattern
            case fieldWidth = "field_width", fieldHeight = "field_height", slideWidth = "slide_width"
            case slideHeight = "slide_height", slideWBCPlaced = "slide_wbc_placed"
        }
    }

    /// The memory run: a non-smear pattern (`SyntheticSlide`, JPEG tiles) under a memory
    /// limit, on the first thread count: whether it finished or stopped (`error`), and the
    /// peak RSS during it (reset before).
    package struct PatternRow: Codable, Sendable {
        package var side: Int
        package var threads: Int
        package var memoryLimitMB: Int
        package var peakRSSMB: Int
        package var seconds: Double
        package var cells: Int
        package var error: String?
        enum CodingKeys: String, CodingKey {
            case side, threads, seconds, cells, error
            case memoryLimitMB = "memory_limit_mb", peakRSSMB = "peak_rss_mb"
        }
    }

    /// `patternSide` 0 skips the memory run.
    package static func run(model: ModelFile, threadCounts: [Int], repeats: Int, slideSide: Int, views: Int = AnalyzerSettings().views,
                            patternSide: Int = 0,
                            patternMemoryLimit: Int = 1 << 30, scratch: String, softwareVersion: String) throws -> Report {
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
            settings.views = views
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
            ProcessMemory.resetPeak()
            let slide = try analyzer.analyze(path: slidePath)
            let info = try ImageReader.info(slidePath)
            let hits = placed.map { p in slide.cells.filter { $0.box.x0 <= p.x && p.x <= $0.box.x1 && $0.box.y0 <= p.y && p.y <= $0.box.y1 }.count }
            let held = slide.cells.map { c in placed.filter { c.box.x0 <= $0.x && $0.x <= c.box.x1 && c.box.y0 <= $0.y && $0.y <= c.box.y1 }.count }
            slides.append(SlideRow(threads: threads, seconds: slide.processingSeconds,
                                   secondsPerGigapixel: slide.processingSeconds / (Double(slideSide * slideSide) / 1e9),
                                   cells: slide.cells.count, tiles: try analyzer.plan(for: info).tiles.count,
                                   peakRSSMB: ProcessMemory.peakResidentBytes() >> 20, stagesMs: slide.stageMilliseconds,
                                   wbcFoundOnce: hits.filter { $0 == 1 }.count, wbcMissed: hits.filter { $0 == 0 }.count,
                                   wbcFoundMoreThanOnce: hits.filter { $0 > 1 }.count, mergedCells: held.filter { $0 > 1 }.count,
                                   otherCells: held.filter { $0 == 0 }.count))
        }
        var pattern: PatternRow?
        if patternSide > 0, let threads = threadCounts.first {
            pattern = try patternRun(model: model, side: patternSide, threads: threads, views: views, limit: patternMemoryLimit,
                                     scratch: scratch, softwareVersion: softwareVersion)
        }
        return Report(model: model.metadata["model"] ?? "?", views: views, repeats: repeats, field: fields, slideWidth: slideSide,
                      slideHeight: slideSide, slideWBCPlaced: placed.count, slide: slides, pattern: pattern)
    }

    private static func patternRun(model: ModelFile, side: Int, threads: Int, views: Int, limit: Int, scratch: String,
                                   softwareVersion: String) throws -> PatternRow {
        let path = scratch + "/bench-pattern.tif"
        try SyntheticSlide.writeTIFF(to: path, width: side, height: side,
                                     options: TIFFWriteOptions(layout: .tiles(width: 512, height: 512), compression: .jpeg,
                                                               jpegQuality: 85, bigTIFF: true))
        defer { try? FileManager.default.removeItem(atPath: path) }
        Parallel.setThreads(threads)
        var settings = AnalyzerSettings()
        settings.threads = threads
        settings.views = views
        settings.memoryLimitBytes = limit
        let analyzer = try ImageAnalyzer(model: model, settings: settings, softwareVersion: softwareVersion)
        ProcessMemory.resetPeak()
        let start = DispatchTime.now().uptimeNanoseconds
        var row = PatternRow(side: side, threads: threads, memoryLimitMB: limit >> 20, peakRSSMB: 0, seconds: 0, cells: 0)
        do {
            row.cells = try analyzer.analyze(path: path).cells.count
        } catch let error as AnalysisError {
            row.error = error.description
        }
        row.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        row.peakRSSMB = ProcessMemory.peakResidentBytes() >> 20
        return row
    }

    private static func median(_ values: [Double]) -> Double {
        let s = values.sorted()
        return s.isEmpty ? 0 : s[s.count / 2]
    }
}
