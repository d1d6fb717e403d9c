import Foundation

/// One dataset folder of the layout in `../shared/datasets/INDEX.md`: its `index.csv` read
/// into typed records, plus every row that was rejected and why.
///
/// Columns: `image` and `class` are required; `mask`, `annotation` (Pascal-VOC XML),
/// `class_id`, `raw_label` and `wbc_boxes` are optional; others are ignored. A row is
/// rejected (kept in `problems` as `index.csv:LINE: reason`, never silently dropped) when its
/// field count differs from the header's, its image path is empty, absolute or leaves the
/// folder, its class is unknown, the image, mask or annotation file is missing, the
/// annotation does not parse, `wbc_boxes` disagrees with the annotation, or the image is
/// listed twice. Loading reads the CSV and the XML files and checks that files exist; it
/// decodes no pixels.
package struct Dataset: Sendable {
    /// The folder name, e.g. `bccd`.
    package let name: String
    /// Absolute path of the folder.
    package let directory: String
    /// Absolute path of its `index.csv`.
    package let indexPath: String
    /// The good rows, in file order.
    package let records: [DatasetRecord]
    /// The rejected rows, in file order.
    package let problems: [DatasetProblem]
    /// Whether `index.csv` has a `mask` column.
    package let hasMasks: Bool
    /// Whether `index.csv` has an `annotation` column (box dataset: many cells per image).
    package let hasAnnotations: Bool

    /// Records of one split.
    package func records(in split: DatasetSplit) -> [DatasetRecord] {
        records.filter { $0.split == split }
    }

    /// Reads `directory/index.csv`. Throws `datasetMissing` when it cannot be read and
    /// `badIndex` when the header lacks `image` or `class`; bad rows go to `problems`.
    package static func load(directory: String) throws -> Dataset {
        let dir = URL(fileURLWithPath: directory).standardizedFileURL.path
        let indexPath = dir + "/index.csv"
        guard let data = FileManager.default.contents(atPath: indexPath) else {
            throw CellModelError(.datasetMissing, "\(indexPath): cannot read dataset index")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CellModelError(.badIndex, "\(indexPath): not UTF-8 text")
        }
        let csv = try DatasetCSV(text: text, file: indexPath)
        guard let header = csv.rows.first else {
            throw CellModelError(.badIndex, "\(indexPath): empty file, expected a header row")
        }
        let columns = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        for required in ["image", "class"] where !columns.contains(required) {
            throw CellModelError(.badIndex,
                "\(indexPath):\(header.line): header has no '\(required)' column (has: \(columns.joined(separator: ",")))")
        }
        let name = URL(fileURLWithPath: dir).lastPathComponent
        let builder = RowReader(dataset: name, directory: dir, indexPath: indexPath, columns: columns)
        var records: [DatasetRecord] = []
        var problems: [DatasetProblem] = []
        var seen: [String: Int] = [:]
        for row in csv.rows.dropFirst() {
            do {
                let record = try builder.record(from: row)
                if let first = seen[record.image] {
                    throw RowError("image '\(record.image)' is already listed on line \(first)")
                }
                seen[record.image] = row.line
                records.append(record)
            } catch let error as RowError {
                problems.append(DatasetProblem(file: indexPath, line: row.line, message: error.message))
            }
        }
        return Dataset(name: name, directory: dir, indexPath: indexPath, records: records,
                       problems: problems, hasMasks: columns.contains("mask"),
                       hasAnnotations: columns.contains("annotation"))
    }

    /// Every dataset folder directly under `root` (a folder with an `index.csv`), by name.
    package static func loadAll(root: String) throws -> [Dataset] {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: root) else {
            throw CellModelError(.datasetMissing, "\(root): cannot list datasets folder")
        }
        return try names.sorted()
            .filter { fm.fileExists(atPath: root + "/" + $0 + "/index.csv") }
            .map { try load(directory: root + "/" + $0) }
    }
}

/// Why one row was rejected (internal to `Dataset.load`).
private struct RowError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// Turns CSV rows into records for one dataset, checking each field.
private struct RowReader {
    let dataset: String
    let directory: String
    let indexPath: String
    let columns: [String]

    func record(from row: DatasetCSV.Row) throws -> DatasetRecord {
        guard row.fields.count == columns.count else {
            throw RowError("expected \(columns.count) fields (\(columns.joined(separator: ","))), found \(row.fields.count)")
        }
        func field(_ name: String) -> String? {
            guard let i = columns.firstIndex(of: name) else { return nil }
            return row.fields[i].trimmingCharacters(in: .whitespaces)
        }
        let image = field("image")!
        let imagePath = try resolve(image, column: "image", required: true)!
        let classValue = field("class")!
        guard let label = DatasetLabel(columnValue: classValue) else {
            throw RowError("unknown class '\(classValue)' (expected one of "
                + (CellClass.allCases.map(\.rawValue) + ["mixed", "unlabeled"]).joined(separator: ", ") + ")")
        }
        var classID: Int?
        if let s = field("class_id"), !s.isEmpty {
            guard let v = Int(s) else { throw RowError("class_id '\(s)' is not an integer") }
            classID = v
        }
        let maskPath = try field("mask").flatMap { try resolve($0, column: "mask", required: false) }
        let annotationPath = try field("annotation").flatMap { try resolve($0, column: "annotation", required: false) }
        var objects: [AnnotatedBox] = []
        if let annotationPath {
            do {
                objects = try DatasetVOC(contentsOf: annotationPath).objects
            } catch let error as CellModelError {
                throw RowError(error.message)
            }
        }
        if let s = field("wbc_boxes"), !s.isEmpty {
            guard let n = Int(s) else { throw RowError("wbc_boxes '\(s)' is not an integer") }
            let found = objects.filter(\.isWBC).count
            guard annotationPath == nil || n == found else {
                throw RowError("wbc_boxes says \(n) but the annotation has \(found) WBC boxes")
            }
        }
        return DatasetRecord(dataset: dataset, line: row.line, image: image, imagePath: imagePath,
                             label: label, rawLabel: field("raw_label"), classID: classID,
                             maskPath: maskPath, annotationPath: annotationPath, objects: objects)
    }

    /// The absolute path of a relative path in `column`, checked to stay inside the folder
    /// and to name an existing regular file. Empty -> nil, or an error when `required`.
    private func resolve(_ relative: String, column: String, required: Bool) throws -> String? {
        if relative.isEmpty {
            if required { throw RowError("\(column) is empty") }
            return nil
        }
        let parts = relative.split(separator: "/")
        guard !relative.hasPrefix("/"), !parts.contains("..") else {
            throw RowError("\(column) '\(relative)' must be a path inside the dataset folder")
        }
        let path = directory + "/" + relative
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw RowError("\(column) file '\(relative)' does not exist")
        }
        guard !isDirectory.boolValue else { throw RowError("\(column) '\(relative)' is a directory") }
        return path
    }
}
