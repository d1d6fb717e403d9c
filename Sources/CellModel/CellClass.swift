/// The eight cell types Leuko classifies (DESIGN.md §2), in the network's output order.
///
/// The raw values are the lower-case names used in every dataset's `index.csv`.
package enum CellClass: String, Sendable, Equatable, Hashable, CaseIterable, Codable {
    case neutrophil, lymphocyte, monocyte, eosinophil, basophil, ig, erythroblast, platelet

    /// Position in the network's class axis (0..<8).
    package var index: Int { CellClass.allCases.firstIndex(of: self)! }

    /// Whether a cell of this type is a white blood cell, counted in the differential
    /// (the five mature types and `ig`); erythroblasts and platelets are not.
    package var isWBC: Bool { self != .erythroblast && self != .platelet }
}

/// The `class` column of a dataset row: one cell type, or one of BCCD's two non-types.
///
/// `mixed` marks a field with two WBCs of different types (which box is which is unknown);
/// `unlabeled` a field whose type label is empty. Neither can train a classifier, but both
/// still carry WBC boxes for localisation.
package enum DatasetLabel: Sendable, Equatable, Hashable, CustomStringConvertible {
    case cell(CellClass)
    case mixed
    case unlabeled

    /// Parses the normalised `class` column; nil for anything else.
    package init?(columnValue: String) {
        switch columnValue {
        case "mixed": self = .mixed
        case "unlabeled": self = .unlabeled
        default:
            guard let c = CellClass(rawValue: columnValue) else { return nil }
            self = .cell(c)
        }
    }

    /// The single cell type, when there is one.
    package var cellClass: CellClass? {
        if case .cell(let c) = self { return c }
        return nil
    }

    package var description: String {
        switch self {
        case .cell(let c): return c.rawValue
        case .mixed: return "mixed"
        case .unlabeled: return "unlabeled"
        }
    }
}
