import Analysis
import CellModel

/// Every code `report.json` uses, in one place. DCM, SCT and UCUM codes follow
/// `shared/reference/dicom-sr.md`; the DCM/SCT/UCUM ones marked "pydicom" were checked against
/// pydicom 3.0.2's concept dictionary. `99LEUKO` is Leuko's private scheme for concepts that
/// have no verified standard code (documented in the model card).
extension CodedConcept {
    // Structure of TID 1500 (all DCM, pydicom).
    static let imagingMeasurementReport = CodedConcept("126000", "DCM", "Imaging Measurement Report")
    static let imagingMeasurements = CodedConcept("126010", "DCM", "Imaging Measurements")
    static let measurementGroup = CodedConcept("125007", "DCM", "Measurement Group")
    static let trackingIdentifier = CodedConcept("112039", "DCM", "Tracking Identifier")
    static let trackingUID = CodedConcept("112040", "DCM", "Tracking Unique Identifier")
    static let finding = CodedConcept("121071", "DCM", "Finding")
    static let imageRegion = CodedConcept("111030", "DCM", "Image Region")
    static let procedureReported = CodedConcept("121058", "DCM", "Procedure reported")
    static let imageLibrary = CodedConcept("111028", "DCM", "Image Library")
    static let imageLibraryGroup = CodedConcept("126200", "DCM", "Image Library Group")
    static let language = CodedConcept("121049", "DCM", "Language of Content Item and Descendants")
    static let observerType = CodedConcept("121005", "DCM", "Observer Type")
    static let device = CodedConcept("121007", "DCM", "Device")
    static let deviceObserverUID = CodedConcept("121012", "DCM", "Device Observer UID")
    static let deviceObserverName = CodedConcept("121013", "DCM", "Device Observer Name")
    static let deviceObserverManufacturer = CodedConcept("121014", "DCM", "Device Observer Manufacturer")
    static let deviceObserverModelName = CodedConcept("121015", "DCM", "Device Observer Model Name")
    static let algorithmName = CodedConcept("111001", "DCM", "Algorithm Name")
    static let algorithmVersion = CodedConcept("111003", "DCM", "Algorithm Version")
    static let algorithmParameters = CodedConcept("111002", "DCM", "Algorithm Parameters")
    static let probability = CodedConcept("122157", "DCM", "Probability")
    /// UMLS, from the reference (not in pydicom's dictionary).
    static let qualitativeEvaluations = CodedConcept("C0034375", "UMLS", "Qualitative Evaluations")
    /// IHE AI Results' purpose of reference for a processing algorithm.
    static let processingAlgorithm = CodedConcept("Newcode1", "99IHE", "Processing Algorithm")
    static let english = CodedConcept("en", "RFC5646", "English")

    // Anatomy and measurements (SCT, pydicom).
    static let findingSite = CodedConcept("363698007", "SCT", "Finding Site")
    static let blood = CodedConcept("87612001", "SCT", "Blood")
    static let area = CodedConcept("42798000", "SCT", "Area")
    static let nucleus = CodedConcept("84640000", "SCT", "Nucleus")
    /// Leukocyte (SCT, from the reference table; not in pydicom's dictionary).
    static let leukocyte = CodedConcept("52501007", "SCT", "Leukocyte")

    // Units (UCUM; "{pixels}" and "{cells}" are UCUM annotations).
    static let squareMicrometre = CodedConcept("um2", "UCUM", "square micrometer")
    static let pixels = CodedConcept("{pixels}", "UCUM", "pixels")
    static let noUnits = CodedConcept("1", "UCUM", "no units")
    static let percent = CodedConcept("%", "UCUM", "Percent")
    static let seconds = CodedConcept("s", "UCUM", "second")
    static let cells = CodedConcept("{cells}", "UCUM", "cells")

    // Leuko's private concepts.
    static let wbcDifferential = CodedConcept("WBCDIFF", "99LEUKO", "Automated white blood cell differential")
    static let summaryText = CodedConcept("SUMMARY", "99LEUKO", "Differential count summary")
    static let sourcePath = CodedConcept("SRCPATH", "99LEUKO", "Source image file path")
    static let sourceSHA256 = CodedConcept("SRCSHA256", "99LEUKO", "Source image file SHA-256")
    static let pixelSpacingSource = CodedConcept("PXSPACINGSRC", "99LEUKO", "Pixel spacing source")
    static let weightsSHA256 = CodedConcept("WEIGHTSSHA256", "99LEUKO", "Model weights SHA-256")
    static let nucleusCytoplasmRatio = CodedConcept("NCRATIO", "99LEUKO", "Nucleus to cytoplasm area ratio")
    static let runnerUp = CodedConcept("RUNNERUP", "99LEUKO", "Second most probable cell type")
    static let runnerUpProbability = CodedConcept("RUNNERUPP", "99LEUKO", "Probability of second most probable cell type")
    static let consistency = CodedConcept("CONSISTENCY", "99LEUKO", "Grad-CAM saliency consistency")
    static let reviewReason = CodedConcept("REVIEW", "99LEUKO", "Reason for review")
    static let wbcCounted = CodedConcept("WBCCOUNT", "99LEUKO", "White blood cells counted")
    static let cellsDetected = CodedConcept("CELLCOUNT", "99LEUKO", "Cells detected")
    static let cellsFlagged = CodedConcept("FLAGGED", "99LEUKO", "Cells flagged for review")
    static let processingTime = CodedConcept("PROCTIME", "99LEUKO", "Processing time")

    /// The finding code of a cell type. The five mature WBC types use the SNOMED CT codes of
    /// the reference table; `ig`, `erythroblast` and `platelet` use `99LEUKO`, because no code
    /// for them could be verified offline (pydicom's and highdicom's dictionaries hold no blood
    /// cell concepts).
    static func cellType(_ cellClass: CellClass) -> CodedConcept {
        switch cellClass {
        case .neutrophil: return CodedConcept("80153006", "SCT", "Segmented neutrophil")
        case .lymphocyte: return CodedConcept("56972008", "SCT", "Lymphocyte")
        case .monocyte: return CodedConcept("55918008", "SCT", "Monocyte")
        case .eosinophil: return CodedConcept("14793004", "SCT", "Eosinophil")
        case .basophil: return CodedConcept("30061004", "SCT", "Basophil")
        case .ig: return CodedConcept("IG", "99LEUKO", "Immature granulocyte")
        case .erythroblast: return CodedConcept("ERYTHROBLAST", "99LEUKO", "Erythroblast")
        case .platelet: return CodedConcept("PLATELET", "99LEUKO", "Platelet")
        }
    }

    /// The qualitative-evaluation value of a review flag (private scheme; the code value is
    /// the flag's report name).
    static func flag(_ flag: CellFlag) -> CodedConcept {
        switch flag {
        case .lowConfidence: return CodedConcept(flag.rawValue, "99LEUKO", "Low confidence")
        case .lowConsistency: return CodedConcept(flag.rawValue, "99LEUKO", "Low saliency consistency")
        case .atBorder: return CodedConcept(flag.rawValue, "99LEUKO", "Cut by the image border")
        case .overlapping: return CodedConcept(flag.rawValue, "99LEUKO", "Overlaps another cell")
        case .notAWBC: return CodedConcept(flag.rawValue, "99LEUKO", "Not a white blood cell")
        }
    }
}
