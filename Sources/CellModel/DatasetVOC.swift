import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// One labelled box of a Pascal-VOC annotation (`<object>`): its `<name>` and `<bndbox>`.
package struct AnnotatedBox: Sendable, Equatable, Hashable {
    /// The object's name as written, e.g. `WBC`, `RBC`, `Platelets`.
    package let name: String
    package let box: BoundingBox

    package init(name: String, box: BoundingBox) {
        self.name = name
        self.box = box
    }

    /// True for a white blood cell box (`WBC`, any case).
    package var isWBC: Bool { name.uppercased() == "WBC" }
}

/// A parsed Pascal-VOC annotation file: the image size it declares and its object boxes.
///
/// Coordinates are converted from VOC's 1-based inclusive indices to `BoundingBox`'s
/// continuous coordinates. A box whose max is below its min, or a coordinate that is not an
/// integer, is an error (`badAnnotation`) naming the file and the object. Parsing uses
/// Foundation's `XMLParser` (libxml2); no validation against a schema.
package struct DatasetVOC: Sendable, Equatable {
    package let width: Int?
    package let height: Int?
    package let objects: [AnnotatedBox]

    package var wbcBoxes: [BoundingBox] { objects.filter(\.isWBC).map(\.box) }

    /// Reads and parses the file at `path`.
    package init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CellModelError(.badAnnotation, "\(path): cannot read annotation file")
        }
        try self.init(data: data, file: path)
    }

    /// Parses VOC XML bytes; `file` is only used in error messages.
    package init(data: Data, file: String) throws {
        let delegate = VOCParserDelegate()
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        guard parser.parse() else {
            let why = parser.parserError.map { "\($0)" } ?? "unknown XML error"
            throw CellModelError(.badAnnotation,
                "\(file):\(parser.lineNumber): not well-formed Pascal-VOC XML (\(why))")
        }
        // libxml2's SAX mode may report success on a truncated document: check it closed.
        guard delegate.sawRoot, delegate.openElements == 0 else {
            throw CellModelError(.badAnnotation,
                "\(file): not well-formed Pascal-VOC XML (truncated, or no <annotation> root)")
        }
        if let problem = delegate.problem {
            throw CellModelError(.badAnnotation, "\(file): \(problem)")
        }
        self.width = delegate.width
        self.height = delegate.height
        self.objects = delegate.objects
    }
}

/// SAX delegate collecting `<size>` and `<object>` elements. Used only inside
/// `DatasetVOC.init(data:file:)`, on one thread, never shared.
private final class VOCParserDelegate: NSObject, XMLParserDelegate {
    var width: Int?
    var height: Int?
    var objects: [AnnotatedBox] = []
    var problem: String?
    var sawRoot = false
    var openElements: Int { path.count }

    private var path: [String] = []
    private var text = ""
    private var name: String?
    private var coords: [String: String] = [:]

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        if path.isEmpty, elementName == "annotation" { sawRoot = true }
        path.append(elementName)
        text = ""
        if elementName == "object" { name = nil; coords = [:] }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?) {
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let parent = path.count >= 2 ? path[path.count - 2] : ""
        switch (parent, elementName) {
        case ("size", "width"): width = Int(value)
        case ("size", "height"): height = Int(value)
        case ("object", "name"): name = value
        case ("bndbox", "xmin"), ("bndbox", "ymin"), ("bndbox", "xmax"), ("bndbox", "ymax"):
            coords[elementName] = value
        case (_, "object"):
            finishObject(line: parser.lineNumber)
        default: break
        }
        path.removeLast()
        text = ""
    }

    private func finishObject(line: Int) {
        guard problem == nil else { return }
        let index = objects.count + 1
        guard let name, !name.isEmpty else {
            problem = "object \(index) (line \(line)) has no <name>"; return
        }
        var v: [String: Int] = [:]
        for key in ["xmin", "ymin", "xmax", "ymax"] {
            guard let s = coords[key] else {
                problem = "object \(index) '\(name)' (line \(line)) has no <bndbox><\(key)>"; return
            }
            // Some VOC writers emit "12.0"; accept integral decimals, reject anything else.
            if let i = Int(s) { v[key] = i } else if let d = Double(s), d == d.rounded(), abs(d) < 1e9 {
                v[key] = Int(d)
            } else {
                problem = "object \(index) '\(name)' (line \(line)): <\(key)> '\(s)' is not an integer"; return
            }
        }
        guard v["xmax"]! >= v["xmin"]!, v["ymax"]! >= v["ymin"]! else {
            problem = "object \(index) '\(name)' (line \(line)): box max is below min "
                + "(\(v["xmin"]!),\(v["ymin"]!))-(\(v["xmax"]!),\(v["ymax"]!))"
            return
        }
        objects.append(AnnotatedBox(name: name, box: BoundingBox(
            vocXMin: v["xmin"]!, yMin: v["ymin"]!, xMax: v["xmax"]!, yMax: v["ymax"]!)))
    }
}
