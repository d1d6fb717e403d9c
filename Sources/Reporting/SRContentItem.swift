/// Builders for SR content items (PS3.3 C.17.3): each returns the sequence item of one node
/// of the content tree, with its relationship to the parent, value type, concept name and
/// value. Children go into ContentSequence.
///
/// This is a writer only: it does not check the template's constraints; `MeasurementReport`
/// arranges the items per TID 1500 and the tests check the result with DCMTK's `dsrdump`.
enum SRContentItem {
    /// Relationship of a content item to its parent (0040,A010).
    enum Relationship: String {
        case contains = "CONTAINS"
        case hasObsContext = "HAS OBS CONTEXT"
        case hasConceptMod = "HAS CONCEPT MOD"
        case hasAcqContext = "HAS ACQ CONTEXT"
        case hasProperties = "HAS PROPERTIES"
        case selectedFrom = "SELECTED FROM"
    }

    /// A CONTAINER; the root has no relationship. `template` adds ContentTemplateSequence
    /// (DCMR + the template identifier).
    static func container(_ relationship: Relationship?, _ name: CodedConcept, template: String? = nil,
                          children: [DicomDataset]) -> DicomDataset {
        var item = base(relationship, "CONTAINER", name)
        item.set(.continuityOfContent, .CS, "SEPARATE")
        if let template {
            var t = DicomDataset()
            t.set(.mappingResource, .CS, "DCMR")
            t.set(.templateIdentifier, .CS, template)
            item.set(.contentTemplateSequence, sequence: [t])
        }
        return with(children, item)
    }

    static func code(_ relationship: Relationship, _ name: CodedConcept, _ value: CodedConcept,
                     children: [DicomDataset] = []) -> DicomDataset {
        var item = base(relationship, "CODE", name)
        item.set(.conceptCodeSequence, sequence: [value.item])
        return with(children, item)
    }

    static func text(_ relationship: Relationship, _ name: CodedConcept, _ value: String) -> DicomDataset {
        var item = base(relationship, "TEXT", name)
        // TextValue is type 1: an empty text would be invalid, so it becomes a dash.
        item.set(.textValue, .UT, value.isEmpty ? "-" : value)
        return item
    }

    static func uidref(_ relationship: Relationship, _ name: CodedConcept, _ uid: String) -> DicomDataset {
        var item = base(relationship, "UIDREF", name)
        item.set(.uid, .UI, uid)
        return item
    }

    /// A NUM with one measured value in `unit`. Precondition: `value` is finite.
    static func num(_ relationship: Relationship, _ name: CodedConcept, _ value: Double, _ unit: CodedConcept,
                    children: [DicomDataset] = []) -> DicomDataset {
        var item = base(relationship, "NUM", name)
        var measured = DicomDataset()
        measured.set(.numericValue, .DS, numbers: [value])
        measured.set(.measurementUnitsCodeSequence, sequence: [unit.item])
        item.set(.measuredValueSequence, sequence: [measured])
        return with(children, item)
    }

    /// An IMAGE reference by SOP class and instance UID, without a concept name.
    static func image(_ relationship: Relationship, _ reference: ImageReference,
                      children: [DicomDataset] = []) -> DicomDataset {
        var item = DicomDataset()
        item.set(.relationshipType, .CS, relationship.rawValue)
        item.set(.valueType, .CS, "IMAGE")
        item.set(.referencedSOPSequence, sequence: [reference.sopItem])
        return with(children, item)
    }

    /// A 2-D spatial coordinate (image pixels, column\row pairs, (0,0) the top-left corner of
    /// the top-left pixel) selected from `image`.
    static func scoord(_ relationship: Relationship, _ name: CodedConcept, graphicType: String,
                       points: [ContourPointPair], image: ImageReference) -> DicomDataset {
        var item = base(relationship, "SCOORD", name)
        item.set(.graphicType, .CS, graphicType)
        item.set(.graphicData, .FL, numbers: points.flatMap { [$0.column, $0.row] })
        return with([SRContentItem.image(.selectedFrom, image)], item)
    }

    private static func base(_ relationship: Relationship?, _ valueType: String, _ name: CodedConcept) -> DicomDataset {
        var item = DicomDataset()
        if let relationship { item.set(.relationshipType, .CS, relationship.rawValue) }
        item.set(.valueType, .CS, valueType)
        item.set(.conceptNameCodeSequence, sequence: [name.item])
        return item
    }

    private static func with(_ children: [DicomDataset], _ item: DicomDataset) -> DicomDataset {
        guard !children.isEmpty else { return item }
        var item = item
        item.set(.contentSequence, sequence: children)
        return item
    }
}

/// One vertex of a SCOORD, in image pixel coordinates.
struct ContourPointPair: Sendable, Equatable {
    let column: Double
    let row: Double
}

/// A composite object reference: the SOP class and instance of an image the report refers to.
struct ImageReference: Sendable, Equatable {
    let sopClassUID: String
    let sopInstanceUID: String

    var sopItem: DicomDataset {
        var item = DicomDataset()
        item.set(.referencedSOPClassUID, .UI, sopClassUID)
        item.set(.referencedSOPInstanceUID, .UI, sopInstanceUID)
        return item
    }
}
