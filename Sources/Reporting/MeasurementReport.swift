import Analysis
import Foundation

/// `report.json`: an `ImageAnalysis` as a DICOM Comprehensive SR (TID 1500 Imaging Measurement
/// Report) in the DICOM JSON model, per `shared/reference/dicom-sr.md`.
///
/// The data set carries the modules a Part-10 file of the Comprehensive SR IOD needs: patient
/// (type 2, left empty: Leuko never sees patient identity), general study, SR document series
/// (Modality SR), general equipment, SR document general (UNVERIFIED, COMPLETE, evidence =
/// the source image), SR document content and SOP common (Specific Character Set ISO_IR 192, UTF-8, only when
/// some text is not ASCII, e.g. a file name). Dates and times are the
/// analysis start in UTC. The source image is referenced as a VL Microscopic Image with the
/// minted UID of `ReportIdentifiers`; its path and SHA-256 sit beside the reference as TEXT.
/// The content tree is built in `MeasurementReport+Content.swift`.
enum MeasurementReport {
    static let comprehensiveSRClass = "1.2.840.10008.5.1.4.1.1.88.33"
    /// How the source image is referenced (it is not itself a DICOM object yet).
    static let sourceImageClass = "1.2.840.10008.5.1.4.1.1.77.1.2"

    /// The report of `analysis`; throws `invalidAnalysis` for values DICOM cannot carry.
    static func dataset(for analysis: ImageAnalysis) throws -> DicomDataset {
        try validate(analysis)
        let ids = ReportIdentifiers(analysis)
        let (date, time) = dateTime(analysis.startedAt)
        var d = DicomDataset()
        // SOP common (the character set is added at the end, once the text is known)
        d.set(.sopClassUID, .UI, comprehensiveSRClass)
        d.set(.sopInstanceUID, .UI, ids.instanceUID)
        d.set(.instanceCreationDate, .DA, date)
        d.set(.instanceCreationTime, .TM, time)
        d.set(.timezoneOffsetFromUTC, .SH, "+0000")
        // patient (type 2: present, empty)
        d.set(.patientName, .PN, "")
        d.set(.patientID, .LO, "")
        d.set(.patientBirthDate, .DA, "")
        d.set(.patientSex, .CS, "")
        // general study
        d.set(.studyInstanceUID, .UI, ids.studyUID)
        d.set(.studyDate, .DA, date)
        d.set(.studyTime, .TM, time)
        d.set(.referringPhysicianName, .PN, "")
        d.set(.studyID, .SH, "")
        d.set(.accessionNumber, .SH, "")
        // SR document series
        d.set(.modality, .CS, "SR")
        d.set(.seriesInstanceUID, .UI, ids.seriesUID)
        d.set(.seriesNumber, .IS, numbers: [1])
        d.set(.seriesDate, .DA, date)
        d.set(.seriesTime, .TM, time)
        d.set(.seriesDescription, .LO, "Leuko white blood cell analysis")
        d.set(.referencedPerformedProcedureStepSequence, sequence: [])
        // general equipment
        d.set(.manufacturer, .LO, "Leuko")
        d.set(.manufacturerModelName, .LO, "leuko")
        d.set(.softwareVersions, .LO, analysis.softwareVersion)
        d.set(.contributingEquipmentSequence, sequence: [algorithmEquipment(analysis, ids, date + time)])
        // SR document general
        d.set(.instanceNumber, .IS, numbers: [1])
        d.set(.completionFlag, .CS, "COMPLETE")
        d.set(.verificationFlag, .CS, "UNVERIFIED")
        d.set(.contentDate, .DA, date)
        d.set(.contentTime, .TM, time)
        d.set(.performedProcedureCodeSequence, sequence: [CodedConcept.wbcDifferential.item])
        d.set(.currentRequestedProcedureEvidenceSequence, sequence: [evidence(ids)])
        // SR document content
        let root = SRContentItem.container(nil, .imagingMeasurementReport, template: "1500",
                                           children: content(analysis, ids))
        d.merge(root)
        // Default repertoire (ASCII) unless some text needs more: then UTF-8.
        if !d.isASCII { d.set(.specificCharacterSet, .CS, "ISO_IR 192") }
        return d
    }

    /// `report.json`'s bytes.
    static func json(for analysis: ImageAnalysis) throws -> [UInt8] {
        Array((try dataset(for: analysis).json() + "\n").utf8)
    }

    /// The algorithm as contributing equipment (IHE AI Results): manufacturer, model name,
    /// versions, device UID, and the weights' SHA-256 in the contribution description.
    private static func algorithmEquipment(_ analysis: ImageAnalysis, _ ids: ReportIdentifiers,
                                           _ dateTime: String) -> DicomDataset {
        var e = DicomDataset()
        e.set(.manufacturer, .LO, "Leuko")
        e.set(.manufacturerModelName, .LO, analysis.model.name)
        e.set(.softwareVersions, .LO, strings: [analysis.model.version, analysis.softwareVersion])
        e.set(.deviceUID, .UI, ids.deviceUID)
        e.set(.purposeOfReferenceCodeSequence, sequence: [CodedConcept.processingAlgorithm.item])
        e.set(.contributionDateTime, .DT, dateTime)
        e.set(.contributionDescription, .ST, "weights SHA-256 \(analysis.model.weightsSHA256)")
        return e
    }

    /// Study -> series -> the source image.
    private static func evidence(_ ids: ReportIdentifiers) -> DicomDataset {
        var series = DicomDataset()
        series.set(.seriesInstanceUID, .UI, ids.sourceSeriesUID)
        series.set(.referencedSOPSequence, sequence: [sourceImage(ids).sopItem])
        var study = DicomDataset()
        study.set(.studyInstanceUID, .UI, ids.studyUID)
        study.set(.referencedSeriesSequence, sequence: [series])
        return study
    }

    static func sourceImage(_ ids: ReportIdentifiers) -> ImageReference {
        ImageReference(sopClassUID: sourceImageClass, sopInstanceUID: ids.sourceInstanceUID)
    }

    /// DICOM DA and TM of `date` in UTC (`YYYYMMDD`, `HHMMSS.ffffff`).
    static func dateTime(_ date: Date) -> (String, String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .nanosecond], from: date)
        let micro = (c.nanosecond ?? 0) / 1000
        let da = String(format: "%04d%02d%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
        let tm = String(format: "%02d%02d%02d.%06d", c.hour ?? 0, c.minute ?? 0, c.second ?? 0, micro)
        return (da, tm)
    }

    /// Rejects what would make an invalid document or ambiguous file names.
    static func validate(_ analysis: ImageAnalysis) throws {
        let sha = analysis.source.sha256
        guard sha.utf8.count == 64, sha.utf8.allSatisfy({ isHex($0) }) else {
            throw ReportingError(.invalidAnalysis, "the source SHA-256 must be 64 hex digits, got \"\(sha.prefix(80))\"")
        }
        var numbers = Set<Int>()
        for cell in analysis.cells {
            guard cell.number > 0, numbers.insert(cell.number).inserted else {
                throw ReportingError(.invalidAnalysis, "cell number \(cell.number) is not positive or repeats")
            }
            let values = [cell.probability, cell.cellArea, cell.nucleusArea, cell.cytoplasmArea,
                          cell.runnerUp?.probability ?? 0, cell.consistency ?? 0,
                          cell.box.x0, cell.box.y0, cell.box.x1, cell.box.y1]
                + cell.contour.flatMap { [$0.x, $0.y] }
            guard values.allSatisfy(\.isFinite) else {
                throw ReportingError(.invalidAnalysis, "cell \(cell.number) holds a value that is not finite")
            }
        }
        guard analysis.processingSeconds.isFinite, analysis.stageMilliseconds.values.allSatisfy(\.isFinite) else {
            throw ReportingError(.invalidAnalysis, "the processing time is not finite")
        }
    }

    private static func isHex(_ c: UInt8) -> Bool {
        (48...57).contains(c) || (97...102).contains(c) || (65...70).contains(c)
    }
}
