import CellModel

/// One training example: a 4-channel crop of one cell, its class when known, and its
/// nucleus/cytoplasm mask cropped the same way when the dataset has masks.
///
/// `mask` is `size * size` labels: 0 background, 1 cytoplasm, 2 nucleus (the network's
/// segmentation classes), row-major like the crop. `record` says where it came from.
package struct TrainingSample: Sendable {
    package var crop: CellCrop
    package var cellClass: CellClass?
    package var mask: [UInt8]?
    package let record: DatasetRecord
}
