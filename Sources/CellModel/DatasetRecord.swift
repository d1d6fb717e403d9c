/// One image of a dataset, as listed by a row of its `index.csv`, with paths made absolute
/// and its Pascal-VOC boxes parsed.
///
/// Value type; holds paths, never pixels (decode with `ImageReader` when needed).
package struct DatasetRecord: Sendable, Equatable {
    /// Name of the dataset folder (e.g. `bccd`).
    package let dataset: String
    /// Line of `index.csv` this record came from (1-based; the header is line 1).
    package let line: Int
    /// Image path relative to the dataset folder, as written in `index.csv`.
    package let image: String
    /// Absolute path of the image file.
    package let imagePath: String
    /// The normalised `class` column.
    package let label: DatasetLabel
    /// The `raw_label` column when present (BCCD's original label string).
    package let rawLabel: String?
    /// The `class_id` column when present.
    package let classID: Int?
    /// Absolute path of the nucleus/cytoplasm mask (0 background, 128 cytoplasm,
    /// 255 nucleus), when the dataset has masks.
    package let maskPath: String?
    /// Absolute path of the Pascal-VOC annotation, when the dataset has one.
    package let annotationPath: String?
    /// Every object box of the annotation (empty without one).
    package let objects: [AnnotatedBox]

    /// The white blood cell boxes of the annotation.
    package var wbcBoxes: [BoundingBox] { objects.filter(\.isWBC).map(\.box) }

    /// The split this image belongs to (see `DatasetSplit`).
    package var split: DatasetSplit { DatasetSplit.of(image: image) }

    package init(dataset: String, line: Int, image: String, imagePath: String, label: DatasetLabel,
                 rawLabel: String? = nil, classID: Int? = nil, maskPath: String? = nil,
                 annotationPath: String? = nil, objects: [AnnotatedBox] = []) {
        self.dataset = dataset; self.line = line; self.image = image; self.imagePath = imagePath
        self.label = label; self.rawLabel = rawLabel; self.classID = classID
        self.maskPath = maskPath; self.annotationPath = annotationPath; self.objects = objects
    }
}

/// A row of `index.csv` that could not be turned into a record, and why.
///
/// `description` reads `path/to/index.csv:LINE: what is wrong`, the form editors and
/// terminals link to.
package struct DatasetProblem: Sendable, Equatable, CustomStringConvertible {
    package let file: String
    package let line: Int
    package let message: String

    package init(file: String, line: Int, message: String) {
        self.file = file; self.line = line; self.message = message
    }

    package var description: String { "\(file):\(line): \(message)" }
}
