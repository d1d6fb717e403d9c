import Foundation

/// Read access to a DICOM JSON data set for assertions: elements by tag, content items by
/// concept name, and a walk over every element.
struct SRJSON {
    let object: [String: Any]

    init(_ object: [String: Any]) { self.object = object }

    init(bytes: [UInt8]) throws {
        let parsed = try JSONSerialization.jsonObject(with: Data(bytes))
        guard let object = parsed as? [String: Any] else { throw SRJSONError.notAnObject }
        self.object = object
    }

    func vr(_ tag: String) -> String? { (object[tag] as? [String: Any])?["vr"] as? String }
    func values(_ tag: String) -> [Any]? { (object[tag] as? [String: Any])?["Value"] as? [Any] }
    func string(_ tag: String) -> String? { values(tag)?.first as? String }
    func items(_ tag: String) -> [SRJSON] { (values(tag) as? [[String: Any]] ?? []).map(SRJSON.init) }
    var children: [SRJSON] { items("0040A730") }

    /// (code value, scheme) of the concept name.
    var conceptName: (String, String)? {
        guard let code = items("0040A043").first else { return nil }
        return (code.string("00080100") ?? "", code.string("00080102") ?? "")
    }
    var conceptCode: (String, String)? {
        guard let code = items("0040A168").first else { return nil }
        return (code.string("00080100") ?? "", code.string("00080102") ?? "")
    }
    var valueType: String? { string("0040A040") }
    var relationship: String? { string("0040A010") }

    /// Children whose concept name is `code`.
    func children(named code: String) -> [SRJSON] { children.filter { $0.conceptName?.0 == code } }
    func child(named code: String) -> SRJSON? { children(named: code).first }

    /// The NUM's value and unit code.
    var numeric: (Double, String)? {
        guard let measured = items("0040A300").first,
              let value = measured.values("0040A30A")?.first as? NSNumber,
              let unit = measured.items("004008EA").first?.string("00080100") else { return nil }
        return (value.doubleValue, unit)
    }

    /// Every element of this data set and its sequences, depth first: (tag, element object).
    func allElements() -> [(String, [String: Any])] {
        var result: [(String, [String: Any])] = []
        for (tag, value) in object {
            guard let element = value as? [String: Any] else { continue }
            result.append((tag, element))
            if element["vr"] as? String == "SQ" {
                for item in items(tag) { result += item.allElements() }
            }
        }
        return result
    }
}

enum SRJSONError: Error { case notAnObject }
