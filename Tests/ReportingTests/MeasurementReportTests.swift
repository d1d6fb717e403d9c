import Analysis
import CellModel
import Foundation
import Testing
@testable import Reporting

@Suite struct MeasurementReportTests {
    private func report(_ analysis: ImageAnalysis = ReportFixtures.analysis()) throws -> SRJSON {
        try SRJSON(bytes: MeasurementReport.json(for: analysis))
    }

    private func measurementGroups(_ sr: SRJSON) throws -> [SRJSON] {
        let measurements = try #require(sr.child(named: "126010"))
        return measurements.children(named: "125007")
    }

    @Test func documentModulesAndTemplate() throws {
        let sr = try report()
        #expect(sr.string("00080016") == "1.2.840.10008.5.1.4.1.1.88.33")
        #expect(sr.string("00080060") == "SR")
        #expect(sr.string("0040A493") == "UNVERIFIED")
        #expect(sr.string("0040A491") == "COMPLETE")
        #expect(sr.string("00080020") == "20261118" && sr.string("00080030") == "110640.250000")
        #expect(sr.vr("00100010") == "PN" && sr.values("00100010") == nil)   // type 2, empty
        #expect(sr.valueType == "CONTAINER" && sr.conceptName! == ("126000", "DCM"))
        let template = try #require(sr.items("0040A504").first)
        #expect(template.string("00080105") == "DCMR" && template.string("0040DB00") == "1500")
        let equipment = try #require(sr.items("0018A001").first)
        #expect(equipment.string("00081090") == "leuko-wbc")
        #expect(equipment.string("0018A003")!.contains(String(repeating: "ab", count: 32)))
        #expect(equipment.vr("00181002") == "UI")
        for tag in ["0020000D", "0020000E", "00080018"] {
            #expect(sr.string(tag)!.hasPrefix("2.25."), "UID \(tag)")
        }
    }

    @Test func everyElementIsWellFormed() throws {
        let sr = try report()
        let allowed: Set<String> = ["CS", "DA", "DS", "DT", "FL", "IS", "LO", "PN", "SH", "SQ", "ST", "TM", "UI", "US", "UT"]
        let elements = sr.allElements()
        #expect(elements.count > 200)
        for (tag, element) in elements {
            #expect(tag.count == 8 && tag == tag.uppercased(), "tag \(tag)")
            let vr = try #require(element["vr"] as? String)
            #expect(allowed.contains(vr), "VR \(vr) of \(tag)")
            guard let values = element["Value"] else { continue }
            let array = try #require(values as? [Any], "Value of \(tag) is an array")
            #expect(!array.isEmpty)
            switch vr {
            case "DS", "FL", "IS", "US": #expect(array.allSatisfy { $0 is NSNumber }, "numbers in \(tag)")
            case "UI":
                for case let uid as String in array {
                    #expect(uid.count <= 64 && uid.allSatisfy { $0.isNumber || $0 == "." }, "UID \(uid)")
                }
            case "CS", "SH": #expect(array.allSatisfy { ($0 as? String).map { $0.count <= 16 } ?? false }, "\(tag)")
            default: break
            }
        }
    }

    @Test func oneMeasurementGroupPerCellPlusSummary() throws {
        let sr = try report()
        let groups = try measurementGroups(sr)
        #expect(groups.count == 5)
        let sourceUID = ReportFixtures.analysis().source.instanceUID
        for (index, group) in groups.prefix(4).enumerated() {
            let cell = ReportFixtures.cells[index]
            #expect(group.child(named: "112039")?.string("0040A160") == "cell \(cell.number)")
            #expect(group.child(named: "112040")?.string("0040A124")?.hasSuffix(".\(cell.number)") == true)
            let finding = try #require(group.child(named: "121071"))
            #expect(finding.conceptCode!.0 == CodedConcept.cellType(cell.cellClass).value)
            let region = try #require(group.child(named: "111030"))
            #expect(region.valueType == "SCOORD" && region.string("00700023") == "POLYLINE")
            #expect(region.vr("00700022") == "FL")
            let data = try #require(region.values("00700022") as? [NSNumber]).map(\.doubleValue)
            #expect(data.count == 2 * (cell.contour.count + 1))
            #expect(data[0] == data[data.count - 2] && data[1] == data[data.count - 1], "polygon closed")
            #expect(data[0] == cell.contour[0].x && data[1] == cell.contour[0].y)
            let selected = try #require(region.children.first)
            #expect(selected.relationship == "SELECTED FROM" && selected.valueType == "IMAGE")
            #expect(selected.items("00081199").first?.string("00081155") == sourceUID)
            let site = try #require(group.child(named: "363698007"))
            #expect(site.relationship == "HAS CONCEPT MOD" && site.conceptCode! == ("87612001", "SCT"))
            let area = try #require(group.child(named: "42798000")?.numeric)
            #expect(area.1 == "{pixels}" && abs(area.0 - cell.cellArea) < 1e-3)
            let probability = try #require(group.child(named: "122157")?.numeric)
            #expect(probability.0 == cell.probability && probability.1 == "1")
            let ratio = try #require(group.child(named: "NCRATIO")?.numeric)
            #expect(abs(ratio.0 - 0.4 / 0.6) < 1e-6)
            let flags = group.children(named: "REVIEW").compactMap { $0.conceptCode?.0 }
            #expect(flags == cell.flags.sorted().map(\.rawValue))
        }
        #expect(groups[0].child(named: "RUNNERUP")?.conceptCode?.0 == "55918008")   // monocyte
    }

    @Test func summaryGroupCarriesTheDifferential() throws {
        let groups = try measurementGroups(try report())
        let summary = try #require(groups.last)
        #expect(summary.child(named: "112039")?.string("0040A160") == "differential count")
        #expect(summary.child(named: "WBCCOUNT")?.numeric?.0 == 3)
        #expect(summary.child(named: "FLAGGED")?.numeric?.0 == 3)
        let neutrophil = summary.children(named: "80153006").compactMap(\.numeric)
        #expect(neutrophil.count == 2)
        #expect(neutrophil.contains { $0 == (2, "{cells}") } && neutrophil.contains { $0 == (66.67, "%") })
        let time = try #require(summary.child(named: "PROCTIME")?.numeric)
        #expect(time == (0.125, "s"))
        let text = try #require(try report().child(named: "C0034375")?.child(named: "SUMMARY")?.string("0040A160"))
        #expect(text.contains("neutrophil 2 (66.67 %)") && text.contains("cells 2, 3, 4"))
    }

    @Test func emptyAnalysisIsAValidEmptyReport() throws {
        let groups = try measurementGroups(try report(ReportFixtures.empty))
        #expect(groups.count == 1)
        #expect(groups[0].child(named: "WBCCOUNT")?.numeric?.0 == 0)
    }

    @Test func imageLibraryNamesTheSourceFile() throws {
        let sr = try report()
        let image = try #require(sr.child(named: "111028")?.child(named: "126200")?.children.first)
        #expect(image.valueType == "IMAGE")
        #expect(image.items("00081199").first?.string("00081155") == ReportFixtures.analysis().source.instanceUID)
        #expect(image.child(named: "SRCPATH")?.string("0040A160") == ReportFixtures.hostileName)
        #expect(image.child(named: "SRCSHA256")?.string("0040A160") == ReportFixtures.sha)
    }

    @Test func characterSetOnlyWhenNeeded() throws {
        #expect(try report().values("00080005") == nil)
        let accented = try report(ReportFixtures.analysis(path: "/inbox/frottis-é.png"))
        #expect(accented.string("00080005") == "ISO_IR 192")
    }

    @Test func uidsAreStable() throws {
        let a = try MeasurementReport.json(for: ReportFixtures.analysis())
        let b = try MeasurementReport.json(for: ReportFixtures.analysis())
        #expect(a == b)
        var later = ReportFixtures.analysis()
        later.startedAt = later.startedAt.addingTimeInterval(60)
        let c = try SRJSON(bytes: MeasurementReport.json(for: later))
        let first = try SRJSON(bytes: a)
        #expect(c.string("00080018") != first.string("00080018"))   // a new document
        #expect(c.string("0020000D") == first.string("0020000D"))   // same study (same image)
    }

    @Test func invalidValuesAreRejected() {
        var analysis = ReportFixtures.analysis()
        analysis.cells[0].probability = .nan
        #expect(throws: ReportingError.self) { try MeasurementReport.json(for: analysis) }
        var repeated = ReportFixtures.analysis()
        repeated.cells[1].number = 1
        #expect(throws: ReportingError.self) { try MeasurementReport.json(for: repeated) }
        var badHash = ReportFixtures.analysis()
        badHash.source.sha256 = "not-a-hash"
        #expect(throws: ReportingError.self) { try MeasurementReport.json(for: badHash) }
    }
}
