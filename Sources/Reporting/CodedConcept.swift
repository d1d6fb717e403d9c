/// A coded concept as DICOM SR writes it: code value, coding scheme designator, code meaning
/// (the (0008,0100) / (0008,0102) / (0008,0104) triplet).
///
/// `Reporting` keeps every code it uses in `CodedConcept+Catalog.swift`; the private scheme
/// `99LEUKO` marks concepts for which no standard code was verified (see the model card).
package struct CodedConcept: Sendable, Hashable {
    package let value: String
    package let scheme: String
    package let meaning: String

    package init(_ value: String, _ scheme: String, _ meaning: String) {
        precondition(value.utf8.count <= 16 && scheme.utf8.count <= 16, "SH values hold at most 16 characters")
        precondition(meaning.utf8.count <= 64, "LO values hold at most 64 characters")
        self.value = value; self.scheme = scheme; self.meaning = meaning
    }

    /// The code sequence item: CodeValue, CodingSchemeDesignator, CodeMeaning.
    var item: DicomDataset {
        var item = DicomDataset()
        item.set(.codeValue, .SH, value)
        item.set(.codingSchemeDesignator, .SH, scheme)
        item.set(.codeMeaning, .LO, meaning)
        return item
    }
}
