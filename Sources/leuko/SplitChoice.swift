import ArgumentParser
import CellModel

/// The `--split` option of `leuko eval` and `leuko localize-eval`: which part of a dataset
/// folder to measure. Both commands take the same words (`validation` or its short form `val`,
/// `train`, `all`), so a command line that works for one works for the other.
enum SplitChoice: String, ExpressibleByArgument, CaseIterable {
    case all
    case train
    case validation

    init?(argument: String) {
        switch argument.lowercased() {
        case "all": self = .all
        case "train": self = .train
        case "validation", "val": self = .validation
        default: return nil
        }
    }

    /// The dataset split to filter on, or nil for every image.
    var datasetSplit: DatasetSplit? {
        switch self {
        case .all: nil
        case .train: .train
        case .validation: .validation
        }
    }

    static var allValueStrings: [String] { ["validation", "val", "train", "all"] }
}
