import Analysis
import CellModel

/// The TID 1500 content tree: language, observer context (the algorithm as a device),
/// procedure reported, image library (the source image with its path and hash), imaging
/// measurements (one TID 1410 measurement group per cell, then one TID 1501 group holding the
/// differential count), and the qualitative evaluations (the summary as text).
extension MeasurementReport {
    /// Where the pixel size behind the areas comes from, when there is one.
    static func pixelSpacingSource(_ source: ImageAnalysis.Source) -> [DicomDataset] {
        guard source.pixelSpacing != nil else { return [] }
        let text = source.scaleEstimate.map {
            String(format: "estimated from %d red cells (typical diameter %.1f pixels taken as 7.5 um): %.4f um per pixel; areas are estimates",
                   $0.cells, $0.medianDiameter, $0.micronsPerPixel)
        } ?? "recorded in the source file"
        return [SRContentItem.text(.hasAcqContext, .pixelSpacingSource, text)]
    }

    static func content(_ analysis: ImageAnalysis, _ ids: ReportIdentifiers) -> [DicomDataset] {
        let image = sourceImage(ids)
        let summary = ReportSummary(analysis)
        var measurements = analysis.cells.map { cellGroup($0, ids, image) }
        measurements.append(summaryGroup(analysis, summary, ids))
        return [
            SRContentItem.code(.hasConceptMod, .language, .english),
            SRContentItem.code(.hasObsContext, .observerType, .device),
            SRContentItem.uidref(.hasObsContext, .deviceObserverUID, ids.deviceUID),
            SRContentItem.text(.hasObsContext, .deviceObserverName, analysis.model.name),
            SRContentItem.text(.hasObsContext, .deviceObserverManufacturer, "Leuko"),
            SRContentItem.text(.hasObsContext, .deviceObserverModelName, "\(analysis.model.name) \(analysis.model.version)"),
            SRContentItem.code(.hasConceptMod, .procedureReported, .wbcDifferential),
            SRContentItem.container(.contains, .imageLibrary, children: [
                SRContentItem.container(.contains, .imageLibraryGroup, children: [
                    SRContentItem.image(.contains, image, children: [
                        SRContentItem.text(.hasAcqContext, .sourcePath, analysis.source.path),
                        SRContentItem.text(.hasAcqContext, .sourceSHA256, analysis.source.sha256),
                    ] + pixelSpacingSource(analysis.source)),
                ]),
            ]),
            SRContentItem.container(.contains, .imagingMeasurements, children: measurements),
            SRContentItem.container(.contains, .qualitativeEvaluations, children: [
                SRContentItem.text(.contains, .summaryText, summaryText(summary)),
            ]),
        ]
    }

    /// One cell: tracking id and UID, finding (cell type), contour, finding site, area,
    /// nucleus area, N/C ratio, probability, runner-up, consistency, review flags.
    static func cellGroup(_ cell: CellFinding, _ ids: ReportIdentifiers, _ image: ImageReference) -> DicomDataset {
        let areaUnit: CodedConcept = cell.areaUnit == .squareMicrometre ? .squareMicrometre : .pixels
        var items: [DicomDataset] = [
            SRContentItem.text(.hasObsContext, .trackingIdentifier, "cell \(cell.number)"),
            SRContentItem.uidref(.hasObsContext, .trackingUID, ids.cellUID(cell.number)),
            SRContentItem.code(.contains, .finding, .cellType(cell.cellClass)),
            SRContentItem.scoord(.contains, .imageRegion, graphicType: "POLYLINE",
                                 points: closedPolygon(cell), image: image),
            SRContentItem.code(.hasConceptMod, .findingSite, .blood),
            SRContentItem.num(.contains, .area, cell.cellArea, areaUnit),
            SRContentItem.num(.contains, .area, cell.nucleusArea, areaUnit, children: [
                SRContentItem.code(.hasConceptMod, .findingSite, .nucleus),
            ]),
        ]
        if let ratio = cell.nucleusCytoplasmRatio {
            items.append(SRContentItem.num(.contains, .nucleusCytoplasmRatio, ratio, .noUnits))
        }
        items.append(SRContentItem.num(.contains, .probability, cell.probability, .noUnits))
        if let runnerUp = cell.runnerUp {
            items.append(SRContentItem.code(.contains, .runnerUp, .cellType(runnerUp.cellClass)))
            items.append(SRContentItem.num(.contains, .runnerUpProbability, runnerUp.probability, .noUnits))
        }
        if let consistency = cell.consistency {
            items.append(SRContentItem.num(.contains, .consistency, consistency, .noUnits))
        }
        for flag in cell.flags.sorted() {
            items.append(SRContentItem.code(.contains, .reviewReason, .flag(flag)))
        }
        return SRContentItem.container(.contains, .measurementGroup, children: items)
    }

    /// The contour as a closed polygon (last point = first). 2-D SCOORD has no POLYGON graphic
    /// type (that is SCOORD3D's; DCMTK rejects it in SCOORD): a planar region is a POLYLINE
    /// whose last point repeats the first (PS3.3 C.18.6.1.1, TID 1410; highdicom does the
    /// same). A contour of fewer than three points (a degenerate mask) becomes the cell's box.
    static func closedPolygon(_ cell: CellFinding) -> [ContourPointPair] {
        var points = cell.contour.map { ContourPointPair(column: $0.x, row: $0.y) }
        if points.count > 1, points.first == points.last { points.removeLast() }
        if points.count < 3 {
            let b = cell.box
            points = [ContourPointPair(column: b.x0, row: b.y0), ContourPointPair(column: b.x1, row: b.y0),
                      ContourPointPair(column: b.x1, row: b.y1), ContourPointPair(column: b.x0, row: b.y1)]
        }
        return points + [points[0]]
    }

    /// The differential count as NUMs (count and percent per type, WBCs only), flagged cells,
    /// processing time, and the algorithm's identity (TID 4019 items).
    static func summaryGroup(_ analysis: ImageAnalysis, _ summary: ReportSummary, _ ids: ReportIdentifiers) -> DicomDataset {
        var items: [DicomDataset] = [
            SRContentItem.text(.hasObsContext, .trackingIdentifier, "differential count"),
            SRContentItem.uidref(.hasObsContext, .trackingUID, ids.cellUID(0)),
            SRContentItem.code(.contains, .finding, .leukocyte),
            SRContentItem.code(.hasConceptMod, .findingSite, .blood),
            SRContentItem.text(.contains, .algorithmName, analysis.model.name),
            SRContentItem.text(.contains, .algorithmVersion, analysis.model.version),
            SRContentItem.text(.contains, .algorithmParameters, "weights SHA-256 \(analysis.model.weightsSHA256)"),
            SRContentItem.num(.contains, .cellsDetected, Double(summary.cellsDetected), .cells),
            SRContentItem.num(.contains, .wbcCounted, Double(summary.wbcCounted), .cells),
        ]
        for row in summary.differential {
            let code = CodedConcept.cellType(CellClass(rawValue: row.type)!)
            items.append(SRContentItem.num(.contains, code, Double(row.count), .cells))
            items.append(SRContentItem.num(.contains, code, row.percent, .percent))
        }
        items.append(SRContentItem.num(.contains, .cellsFlagged, Double(summary.flaggedCells), .cells))
        items.append(SRContentItem.num(.contains, .processingTime, summary.processingSeconds, .seconds))
        return SRContentItem.container(.contains, .measurementGroup, children: items)
    }

    /// One line a person reads: "neutrophil 2 (66.67 %), lymphocyte 1 (33.33 %); 3 WBCs of
    /// 4 cells; 1 flagged for review (cells 4); 0.42 s".
    static func summaryText(_ summary: ReportSummary) -> String {
        let rows = summary.differential.filter { $0.count > 0 }
            .map { "\($0.type) \($0.count) (\(formatPercent($0.percent)) %)" }
        var text = rows.isEmpty ? "no white blood cells" : rows.joined(separator: ", ")
        text += "; \(summary.wbcCounted) WBCs of \(summary.cellsDetected) cells"
        text += "; \(summary.flaggedCells) flagged for review"
        if !summary.flaggedCellNumbers.isEmpty {
            text += " (cells " + summary.flaggedCellNumbers.map(String.init).joined(separator: ", ") + ")"
        }
        text += "; " + String(format: "%.2f s", summary.processingSeconds)
        return text
    }

    static func formatPercent(_ value: Double) -> String {
        let text = String(format: "%.2f", value)
        return text.hasSuffix(".00") ? String(text.dropLast(3)) : text
    }
}
