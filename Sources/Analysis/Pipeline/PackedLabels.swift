/// A cell mask's labels run-length encoded, for keeping many cells while a slide is tiled.
///
/// `runs` holds, in row-major order, pairs of (label byte, run length as an unsigned LEB128
/// varint). A cell's blob of 0/1/2 labels has a few runs per row, so a mask of w x h bytes
/// packs into about 3 x (runs per row) x h bytes. Lossless: `unpacked()` returns the labels.
package struct PackedLabels: Sendable, Equatable {
    package let count: Int
    package let runs: [UInt8]

    package init(_ labels: [UInt8]) {
        count = labels.count
        var out: [UInt8] = []
        var i = 0
        while i < labels.count {
            let label = labels[i]
            var j = i + 1
            while j < labels.count, labels[j] == label { j += 1 }
            out.append(label)
            var length = j - i
            repeat {
                let low = UInt8(length & 0x7F)
                length >>= 7
                out.append(length > 0 ? low | 0x80 : low)
            } while length > 0
            i = j
        }
        runs = out
    }

    package func unpacked() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var (i, k) = (0, 0)
        while k < runs.count {
            let label = runs[k]
            k += 1
            var length = 0, shift = 0
            while true {
                let byte = runs[k]
                k += 1
                length |= Int(byte & 0x7F) << shift
                shift += 7
                if byte & 0x80 == 0 { break }
            }
            if label != 0 { for p in i..<(i + length) { out[p] = label } }
            i += length
        }
        return out
    }
}

/// A detected cell as a tiled analysis keeps it until the tiles are done: its mask's labels
/// packed (`PackedLabels`), the rest as found.
struct StoredCell: Sendable {
    private var cell: DetectedCell
    private let box: (x0: Int, y0: Int, width: Int, height: Int)
    let labels: PackedLabels

    init(_ found: DetectedCell) {
        let m = found.mask
        box = (m.x0, m.y0, m.width, m.height)
        labels = PackedLabels(m.labels)
        cell = found
        cell.mask = CellMask(x0: m.x0, y0: m.y0, width: 0, height: 0, labels: [])
    }

    var images: CellImages? { cell.images }
    var probabilityCount: Int { cell.probabilities.count }
    /// Bytes the unpacked mask takes.
    var unpackedBytes: Int { box.width * box.height }
    mutating func dropImages() { cell.images = nil }

    func restored() -> DetectedCell {
        var out = cell
        out.mask = CellMask(x0: box.x0, y0: box.y0, width: box.width, height: box.height, labels: labels.unpacked())
        return out
    }
}
