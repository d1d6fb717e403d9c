/// The train/validation split, decided in one place for every dataset and every command.
///
/// Rule: hash the image path as written in `index.csv` (relative to the dataset folder,
/// e.g. `JPEGImages/BloodImage_00012.jpg`) with 64-bit FNV-1a, pass the hash through the
/// SplitMix64 finaliser to spread the bits, and put the image in `validation` when
/// `hash % 1000 < 200` (about 20 %), else in `train`. It depends only on the path, so it is
/// stable across machines, runs, row order and additions to a dataset; an image never moves.
/// (The datasets' hidden test parts are separate folders and are not split.)
package enum DatasetSplit: String, Sendable, Equatable, CaseIterable {
    case train
    case validation

    /// Share of images held out for validation, in thousandths.
    package static let validationPerMille: UInt64 = 200

    /// The split of the image at `image` (a path relative to its dataset folder).
    package static func of(image: String) -> DatasetSplit {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in image.utf8 {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01b3
        }
        h = (h ^ (h >> 30)) &* 0xBF58_476D_1CE4_E5B9
        h = (h ^ (h >> 27)) &* 0x94D0_49BB_1331_11EB
        h ^= h >> 31
        return h % 1000 < validationPerMille ? .validation : .train
    }
}
