import Foundation
import NN

/// A DICOM data set as the DICOM JSON model (PS3.18 Annex F) writes it: tag -> VR + values.
///
/// Values are sanitised for their VR when set (control characters and backslashes removed
/// from short strings, lengths capped), so no input — a hostile file name included — can make
/// an element invalid. An empty string makes an empty element (`{"vr": ...}` only, as type 2
/// attributes need). Numbers must be finite (callers check; see `MeasurementReport`).
struct DicomDataset: Sendable {
    /// Value representations `report.json` uses.
    enum VR: String, Sendable {
        case CS, DA, DS, DT, FL, IS, LO, PN, SH, SQ, ST, TM, UI, US, UT

        /// Maximum length in characters for the short string VRs; nil when unbounded here.
        var maxLength: Int? {
            switch self {
            case .CS: return 16
            case .SH: return 16
            case .LO: return 64
            case .UI: return 64
            case .PN: return 64
            case .DA: return 8
            case .TM: return 14
            case .DT: return 26
            case .ST: return 1024
            default: return nil
            }
        }
    }

    private enum Value: Sendable {
        case strings([String])
        case numbers([String])          // JSON number literals
        case sequence([DicomDataset])
        case personName(String)
        case empty
    }

    private var elements: [DicomTag: (vr: VR, value: Value)] = [:]

    init() {}

    /// Whether the data set holds `tag`.
    func contains(_ tag: DicomTag) -> Bool { elements[tag] != nil }

    /// A single string value (empty string: empty element).
    mutating func set(_ tag: DicomTag, _ vr: VR, _ value: String) {
        set(tag, vr, strings: value.isEmpty ? [] : [value])
    }

    /// A multi-valued string element.
    mutating func set(_ tag: DicomTag, _ vr: VR, strings: [String]) {
        if vr == .PN {
            let name = strings.first.map { Self.clean($0, for: vr) } ?? ""
            elements[tag] = (vr, name.isEmpty ? .empty : .personName(name))
            return
        }
        let values = strings.map { Self.clean($0, for: vr) }
        elements[tag] = (vr, values.isEmpty ? .empty : .strings(values))
    }

    /// Decimal strings (DS: at most 16 characters, 8 significant digits), floats (FL) or
    /// integers (IS, US). Precondition: every value is finite.
    mutating func set(_ tag: DicomTag, _ vr: VR, numbers: [Double]) {
        precondition(numbers.allSatisfy(\.isFinite), "DICOM numbers must be finite")
        let literals: [String] = numbers.map { value in
            switch vr {
            case .DS: return Self.decimalString(value)
            case .FL: return Self.floatLiteral(Float(value))
            default: return String(Int(value.rounded()))
            }
        }
        elements[tag] = (vr, literals.isEmpty ? .empty : .numbers(literals))
    }

    /// A sequence (an empty array makes an empty SQ element, as type 2 sequences need).
    mutating func set(_ tag: DicomTag, sequence items: [DicomDataset]) {
        elements[tag] = (.SQ, .sequence(items))
    }

    /// Whether every string value (sequences included) is plain ASCII.
    var isASCII: Bool {
        elements.values.allSatisfy { element in
            switch element.value {
            case .strings(let values): return values.allSatisfy { $0.utf8.allSatisfy { $0 < 0x80 } }
            case .personName(let name): return name.utf8.allSatisfy { $0 < 0x80 }
            case .sequence(let items): return items.allSatisfy(\.isASCII)
            case .numbers, .empty: return true
            }
        }
    }

    /// Copies every element of `other` into this data set (replacing equal tags).
    mutating func merge(_ other: DicomDataset) {
        for (tag, element) in other.elements { elements[tag] = element }
    }

    /// The data set as a DICOM JSON object, tags in ascending order, two-space indent.
    func json(indent: Int = 0) -> String {
        let pad = String(repeating: "  ", count: indent + 1)
        let close = String(repeating: "  ", count: indent)
        let entries = elements.keys.sorted().map { tag -> String in
            let (vr, value) = elements[tag]!
            var body = "\"vr\": \"\(vr.rawValue)\""
            switch value {
            case .empty:
                break
            case .strings(let values):
                body += ", \"Value\": [" + values.map(JSONText.quoted).joined(separator: ", ") + "]"
            case .numbers(let values):
                body += ", \"Value\": [" + values.joined(separator: ", ") + "]"
            case .personName(let name):
                body += ", \"Value\": [{\"Alphabetic\": " + JSONText.quoted(name) + "}]"
            case .sequence(let items):
                if !items.isEmpty {
                    let inner = items.map { pad + "  " + $0.json(indent: indent + 2) }.joined(separator: ",\n")
                    body += ", \"Value\": [\n" + inner + "\n" + pad + "]"
                }
            }
            return pad + "\"\(tag.key)\": {" + body + "}"
        }
        if entries.isEmpty { return "{}" }
        return "{\n" + entries.joined(separator: ",\n") + "\n" + close + "}"
    }

    /// Removes what a VR cannot hold: control characters everywhere (text VRs keep line
    /// breaks), backslashes in short strings (the value delimiter), and caps the length.
    static func clean(_ value: String, for vr: VR) -> String {
        let keepsLineBreaks = vr == .UT || vr == .ST
        var scalars = String.UnicodeScalarView()
        for scalar in value.unicodeScalars {
            if scalar.properties.generalCategory == .control {
                if keepsLineBreaks && (scalar == "\n" || scalar == "\r" || scalar == "\t") { scalars.append(scalar) }
                else { scalars.append(" ") }
            } else if scalar == "\\" && !keepsLineBreaks {
                scalars.append("/")
            } else {
                scalars.append(scalar)
            }
        }
        var text = String(scalars)
        if let limit = vr.maxLength, text.count > limit { text = String(text.prefix(limit)) }
        return text
    }

    /// A DS literal: at most 8 significant digits, never longer than 16 characters.
    static func decimalString(_ value: Double) -> String {
        let text = String(format: "%.8g", value == 0 ? 0 : value)
        return text.count <= 16 ? text : String(format: "%.6g", value)
    }

    /// The shortest literal that reads back as the same Float.
    static func floatLiteral(_ value: Float) -> String {
        let text = "\(value)"
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }
}
