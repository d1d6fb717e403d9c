/// A DICOM attribute tag (group, element); `key` is its DICOM JSON name (8 upper-case hex
/// digits, PS3.18 F.2.1). The constants are the attributes `report.json` writes.
struct DicomTag: Hashable, Comparable, Sendable {
    let group: UInt16
    let element: UInt16

    init(_ group: UInt16, _ element: UInt16) { self.group = group; self.element = element }

    var key: String {
        let digits = String(UInt32(group) << 16 | UInt32(element), radix: 16, uppercase: true)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }

    static func < (a: DicomTag, b: DicomTag) -> Bool {
        (a.group, a.element) < (b.group, b.element)
    }

    // SOP common, study, series, equipment
    static let specificCharacterSet = DicomTag(0x0008, 0x0005)
    static let instanceCreationDate = DicomTag(0x0008, 0x0012)
    static let instanceCreationTime = DicomTag(0x0008, 0x0013)
    static let sopClassUID = DicomTag(0x0008, 0x0016)
    static let sopInstanceUID = DicomTag(0x0008, 0x0018)
    static let studyDate = DicomTag(0x0008, 0x0020)
    static let seriesDate = DicomTag(0x0008, 0x0021)
    static let contentDate = DicomTag(0x0008, 0x0023)
    static let studyTime = DicomTag(0x0008, 0x0030)
    static let seriesTime = DicomTag(0x0008, 0x0031)
    static let contentTime = DicomTag(0x0008, 0x0033)
    static let accessionNumber = DicomTag(0x0008, 0x0050)
    static let modality = DicomTag(0x0008, 0x0060)
    static let manufacturer = DicomTag(0x0008, 0x0070)
    static let referringPhysicianName = DicomTag(0x0008, 0x0090)
    static let codeValue = DicomTag(0x0008, 0x0100)
    static let codingSchemeDesignator = DicomTag(0x0008, 0x0102)
    static let codeMeaning = DicomTag(0x0008, 0x0104)
    static let mappingResource = DicomTag(0x0008, 0x0105)
    static let timezoneOffsetFromUTC = DicomTag(0x0008, 0x0201)
    static let seriesDescription = DicomTag(0x0008, 0x103E)
    static let manufacturerModelName = DicomTag(0x0008, 0x1090)
    static let referencedPerformedProcedureStepSequence = DicomTag(0x0008, 0x1111)
    static let referencedSeriesSequence = DicomTag(0x0008, 0x1115)
    static let referencedSOPClassUID = DicomTag(0x0008, 0x1150)
    static let referencedSOPInstanceUID = DicomTag(0x0008, 0x1155)
    static let referencedSOPSequence = DicomTag(0x0008, 0x1199)
    // patient
    static let patientName = DicomTag(0x0010, 0x0010)
    static let patientID = DicomTag(0x0010, 0x0020)
    static let patientBirthDate = DicomTag(0x0010, 0x0030)
    static let patientSex = DicomTag(0x0010, 0x0040)
    // equipment and contributing equipment
    static let deviceUID = DicomTag(0x0018, 0x1002)
    static let softwareVersions = DicomTag(0x0018, 0x1020)
    static let contributingEquipmentSequence = DicomTag(0x0018, 0xA001)
    static let contributionDateTime = DicomTag(0x0018, 0xA002)
    static let contributionDescription = DicomTag(0x0018, 0xA003)
    // study / series / instance identification
    static let studyInstanceUID = DicomTag(0x0020, 0x000D)
    static let seriesInstanceUID = DicomTag(0x0020, 0x000E)
    static let studyID = DicomTag(0x0020, 0x0010)
    static let seriesNumber = DicomTag(0x0020, 0x0011)
    static let instanceNumber = DicomTag(0x0020, 0x0013)
    // SR document
    static let relationshipType = DicomTag(0x0040, 0xA010)
    static let valueType = DicomTag(0x0040, 0xA040)
    static let conceptNameCodeSequence = DicomTag(0x0040, 0xA043)
    static let continuityOfContent = DicomTag(0x0040, 0xA050)
    static let uid = DicomTag(0x0040, 0xA124)
    static let textValue = DicomTag(0x0040, 0xA160)
    static let conceptCodeSequence = DicomTag(0x0040, 0xA168)
    static let purposeOfReferenceCodeSequence = DicomTag(0x0040, 0xA170)
    static let measuredValueSequence = DicomTag(0x0040, 0xA300)
    static let numericValue = DicomTag(0x0040, 0xA30A)
    static let measurementUnitsCodeSequence = DicomTag(0x0040, 0x08EA)
    static let performedProcedureCodeSequence = DicomTag(0x0040, 0xA372)
    static let currentRequestedProcedureEvidenceSequence = DicomTag(0x0040, 0xA375)
    static let completionFlag = DicomTag(0x0040, 0xA491)
    static let verificationFlag = DicomTag(0x0040, 0xA493)
    static let contentTemplateSequence = DicomTag(0x0040, 0xA504)
    static let contentSequence = DicomTag(0x0040, 0xA730)
    static let templateIdentifier = DicomTag(0x0040, 0xDB00)
    // graphics
    static let graphicData = DicomTag(0x0070, 0x0022)
    static let graphicType = DicomTag(0x0070, 0x0023)
}
