import TestSupport
import Foundation
import Testing
@testable import CellModel

@Suite struct DatasetCSVTests {
    @Test func onlyErythroblastsAndPlateletsAreNotWBCs() {
        #expect(CellClass.allCases.filter(\.isWBC) == [.neutrophil, .lymphocyte, .monocyte, .eosinophil, .basophil, .ig])
    }

    @Test func quotedFieldsCRLFAndBOM() throws {
        let text = "\u{FEFF}a,b,c\r\n1,\"x, y\",3\r\n\r\n\"he said \"\"hi\"\"\",\"two\nlines\",z\r\nlast,row,"
        let csv = try DatasetCSV(text: text, file: "t.csv")
        #expect(csv.rows.map(\.fields) == [["a", "b", "c"], ["1", "x, y", "3"],
                                           ["he said \"hi\"", "two\nlines", "z"], ["last", "row", ""]])
        #expect(csv.rows.map(\.line) == [1, 2, 4, 6])
    }

    @Test func unclosedQuoteNamesTheLine() {
        #expect(throws: CellModelError(.badIndex, "t.csv:2: quoted field is never closed")) {
            try DatasetCSV(text: "a,b\n\"open,1\n2,3\n", file: "t.csv")
        }
    }
}

@Suite struct DatasetVOCTests {
    static let xml = """
        <annotation><size><width>640</width><height>480</height><depth>3</depth></size>
        <object><name>WBC</name><bndbox><xmin>260</xmin><ymin>177</ymin><xmax>491</xmax><ymax>376</ymax></bndbox></object>
        <object><name>RBC</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>1</xmax><ymax>1</ymax></bndbox></object>
        </annotation>
        """

    @Test func boxesBecomeContinuousZeroBased() throws {
        let voc = try DatasetVOC(data: Data(Self.xml.utf8), file: "a.xml")
        #expect(voc.width == 640 && voc.height == 480)
        #expect(voc.wbcBoxes == [BoundingBox(x0: 259, y0: 176, x1: 491, y1: 376)])
        #expect(voc.objects[1] == AnnotatedBox(name: "RBC", box: BoundingBox(x0: 0, y0: 0, x1: 1, y1: 1)))
        #expect(voc.objects[1].box.area == 1)
    }

    @Test func badXMLAndBadBoxesAreErrors() {
        #expect(throws: CellModelError.self) { try DatasetVOC(data: Data("<annotation><object>".utf8), file: "b.xml") }
        #expect(throws: CellModelError.self) { try DatasetVOC(data: Data("<html></html>".utf8), file: "b.xml") }
        #expect(throws: CellModelError.self) { try DatasetVOC(data: Data(), file: "b.xml") }
        let inverted = "<annotation><object><name>WBC</name><bndbox><xmin>9</xmin><ymin>1</ymin><xmax>3</xmax><ymax>5</ymax></bndbox></object></annotation>"
        do {
            _ = try DatasetVOC(data: Data(inverted.utf8), file: "c.xml")
            Issue.record("inverted box accepted")
        } catch let e as CellModelError {
            #expect(e.code == .badAnnotation && e.message.contains("c.xml") && e.message.contains("max is below min"))
        } catch { Issue.record("unexpected \(error)") }
        let missing = "<annotation><object><name>WBC</name><bndbox><xmin>1</xmin></bndbox></object></annotation>"
        #expect(throws: CellModelError.self) { try DatasetVOC(data: Data(missing.utf8), file: "d.xml") }
    }

    @Test func boxIoU() {
        let a = BoundingBox(x0: 0, y0: 0, x1: 10, y1: 10)
        #expect(a.iou(a) == 1)
        #expect(a.iou(BoundingBox(x0: 5, y0: 0, x1: 15, y1: 10)) == 50.0 / 150.0)
        #expect(a.iou(BoundingBox(x0: 10, y0: 0, x1: 20, y1: 10)) == 0)
    }

    @Test func boxIntersectionAndUnion() {
        let a = BoundingBox(x0: 0, y0: 0, x1: 10, y1: 10)
        #expect(a.intersects(BoundingBox(x0: 9, y0: 9, x1: 12, y1: 12)))
        #expect(!a.intersects(BoundingBox(x0: 10, y0: 0, x1: 20, y1: 10)), "touching edges share no area")
        #expect(a.union(BoundingBox(x0: 5, y0: -2, x1: 15, y1: 4)) == BoundingBox(x0: 0, y0: -2, x1: 15, y1: 10))
    }
}

@Suite struct DatasetLoadTests {
    @Test func goodAndBadRowsAreSeparatedWithFileAndLine() throws {
        let f = try ScratchFolder(prefix: "cellmodel")
        defer { f.remove() }
        for name in ["a.jpg", "b.jpg", "c.jpg", "d.jpg", "e.jpg", "f.jpg", "g.jpg"] { try f.write("img/" + name, "x") }
        try f.write("ann/a.xml", DatasetVOCTests.xml)
        try f.write("ann/bad.xml", "<annotation><object>")
        try f.write("index.csv", """
            image,annotation,raw_label,class,wbc_boxes
            img/a.jpg,ann/a.xml,"NEUTROPHIL, EOSINOPHIL",mixed,1
            img/b.jpg,ann/a.xml,X,martian,1
            img/missing.jpg,ann/a.xml,X,neutrophil,1
            img/c.jpg,ann/bad.xml,X,neutrophil,1
            img/d.jpg,ann/a.xml,X,neutrophil,2
            img/e.jpg,ann/a.xml,X,neutrophil
            ../outside.jpg,ann/a.xml,X,neutrophil,1
            img/a.jpg,ann/a.xml,X,neutrophil,1
            img/f.jpg,,,unlabeled,
            img/g.jpg,ann/a.xml,X,neutrophil,x

            """)
        let d = try Dataset.load(directory: f.path)
        #expect(d.records.map(\.image) == ["img/a.jpg", "img/f.jpg"])
        #expect(d.records[0].label == .mixed && d.records[0].rawLabel == "NEUTROPHIL, EOSINOPHIL")
        #expect(d.records[0].wbcBoxes.count == 1 && d.records[0].line == 2)
        #expect(d.records[1].label == .unlabeled && d.records[1].annotationPath == nil)
        #expect(d.problems.map(\.line) == [3, 4, 5, 6, 7, 8, 9, 11])
        let index = f.path + "/index.csv"
        #expect(d.problems.allSatisfy { $0.file.hasSuffix("/index.csv") })
        let text = d.problems.map(\.description)
        #expect(text[0].hasPrefix(index + ":3: unknown class 'martian'"))
        #expect(text[1].contains("image file 'img/missing.jpg' does not exist"))
        #expect(text[2].contains("bad.xml") && text[2].contains("not well-formed"))
        #expect(text[3].contains("wbc_boxes says 2 but the annotation has 1"))
        #expect(text[4].contains("expected 5 fields"))
        #expect(text[5].contains("must be a path inside the dataset folder"))
        #expect(text[6].contains("already listed on line 2"))
        #expect(text[7].contains("wbc_boxes 'x' is not an integer"))
    }

    @Test func missingFolderAndMissingColumnsThrow() throws {
        #expect(throws: CellModelError.self) { try Dataset.load(directory: "/nonexistent/leuko") }
        let f = try ScratchFolder(prefix: "cellmodel")
        defer { f.remove() }
        try f.write("index.csv", "image,label\na.jpg,x\n")
        do {
            _ = try Dataset.load(directory: f.path)
            Issue.record("header without class accepted")
        } catch let e as CellModelError {
            #expect(e.code == .badIndex && e.message.contains("no 'class' column"))
        }
    }

    @Test func splitIsDeterministicAndAboutOneFifth() {
        let names = (0..<5000).map { "dir/img_\($0).jpg" }
        let val = names.filter { DatasetSplit.of(image: $0) == .validation }.count
        #expect((900...1100).contains(val))
        #expect(names.map { DatasetSplit.of(image: $0) } == names.map { DatasetSplit.of(image: $0) })
        // Neighbouring names land in both splits (the hash spreads, not by prefix).
        let first20 = Set(names.prefix(20).map { DatasetSplit.of(image: $0) })
        #expect(first20 == [.train, .validation])
    }
}

/// The real datasets: every folder reads with no bad rows and the counts of INDEX.md.
@Suite(.enabled(if: SharedDatasets.present, "../shared/datasets is absent: real-dataset tests skipped"))
struct SharedDatasetIndexTests {
    @Test func everyDatasetReadsCleanly() throws {
        let all = try Dataset.loadAll(root: SharedDatasets.root!)
        let byName = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
        for d in all { #expect(d.problems.isEmpty, "\(d.name): \(d.problems.map(\.description))") }
        let bccd = try #require(byName["bccd"])
        #expect(bccd.records.count == 295 && bccd.hasAnnotations && !bccd.hasMasks)
        #expect(bccd.records.filter { $0.label == .mixed }.count == 7)
        #expect(bccd.records.filter { $0.wbcBoxes.isEmpty }.count == 6)
        #expect(bccd.records.allSatisfy { r in r.wbcBoxes.allSatisfy { $0.x1 <= 640 && $0.y1 <= 480 && $0.area > 0 } })
        let zx = try #require(byName["zxaoyou_wbc_dataset1"])
        #expect(zx.records.count == 242 && zx.hasMasks && zx.records.allSatisfy { $0.maskPath != nil })
        #expect(zx.records.filter { $0.label == .cell(.neutrophil) }.count == 141)
        let pbc = try #require(byName["pbc"])
        #expect(pbc.records.count == 1920)
        for c in CellClass.allCases { #expect(pbc.records.filter { $0.label == .cell(c) }.count == 240) }
        for d in all {
            let share = Double(d.records(in: .validation).count) / Double(d.records.count)
            #expect((0.14...0.26).contains(share), "\(d.name) validation share \(share)")
        }
    }
}
