import Analysis
import Foundation
import Testing
@testable import Reporting

/// report.json -> pydicom (`Dataset.from_json`, saved as a Part-10 file with file meta) ->
/// DCMTK `dsrdump` in its default strict mode (relationship constraints and item values
/// checked), which must read the SR document without any error or warning.
@Suite(.enabled(if: ExternalTool.pythonWithPydicom != nil && ExternalTool.dsrdump != nil,
                "needs python3 with pydicom and DCMTK's dsrdump (see .ci/run): DICOM validity test skipped"))
struct DicomValidityTests {
    static let converter = """
    import sys, json
    import pydicom
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian
    with open(sys.argv[1], encoding="utf-8") as f:
        ds = Dataset.from_json(json.load(f))
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = ds.SOPClassUID
    meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta = meta
    ds.save_as(sys.argv[2], enforce_file_format=True)
    back = pydicom.dcmread(sys.argv[2])
    assert back.SOPInstanceUID == ds.SOPInstanceUID
    print(len(back.ContentSequence))
    """

    private func convertAndDump(_ analysis: ImageAnalysis) throws -> (dump: String, errors: String) {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let json = scratch.url.appendingPathComponent("report.json").path
        let dcm = scratch.url.appendingPathComponent("report.dcm").path
        let script = scratch.url.appendingPathComponent("convert.py").path
        try Data(MeasurementReport.json(for: analysis)).write(to: URL(fileURLWithPath: json))
        try Data(Self.converter.utf8).write(to: URL(fileURLWithPath: script))
        let converted = try ExternalTool.run(ExternalTool.pythonWithPydicom!, [script, json, dcm])
        #expect(converted.status == 0, "pydicom conversion failed: \(converted.stderr)")
        let dump = try ExternalTool.run(ExternalTool.dsrdump!, ["+Pl", dcm])
        #expect(dump.status == 0, "dsrdump failed: \(dump.stderr)")
        return (dump.stdout, dump.stderr)
    }

    @Test func reportWithCellsReadsCleanly() throws {
        let (dump, errors) = try convertAndDump(ReportFixtures.analysis())
        #expect(errors.isEmpty, "dsrdump reported: \(errors)")
        #expect(dump.contains("Comprehensive SR Document"))
        #expect(dump.contains("Imaging Measurement Report"))
        #expect(dump.contains("POLYLINE"))
        #expect(dump.contains("cell 4"))
        #expect(dump.contains("UNVERIFIED"))
    }

    /// A non-ASCII file name makes the document UTF-8 (ISO_IR 192). DCMTK 3.6.7 reads it but
    /// says its VR checker does not support that character set; that one warning is expected,
    /// anything else fails.
    @Test func utf8ReportReadsCleanly() throws {
        let (dump, errors) = try convertAndDump(ReportFixtures.analysis(path: "/inbox/frottis-é-血液.png"))
        let unexpected = errors.split(separator: "\n").filter {
            !$0.contains("VR checker does not support this Specific Character Set: ISO_IR 192")
        }
        #expect(unexpected.isEmpty, "dsrdump reported: \(errors)")
        #expect(dump.contains("frottis-é-血液.png"))
    }

    @Test func emptyReportReadsCleanly() throws {
        let (dump, errors) = try convertAndDump(ReportFixtures.empty)
        #expect(errors.isEmpty, "dsrdump reported: \(errors)")
        #expect(dump.contains("differential count"))
    }
}
