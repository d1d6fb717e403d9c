import CellModel

/// The one colour of each cell type, shared by the overlay (contours, numbers, legend), the
/// cell tiles and the HTML page, so every picture matches the legend.
///
/// Colours follow the Okabe-Ito palette (distinguishable with the common colour-vision
/// deficiencies), chosen to stand out on pink/purple Romanowsky-stained smears.
package enum CellPalette {
    /// 8-bit sRGB of `cellClass`.
    package static func rgb(_ cellClass: CellClass) -> (r: UInt8, g: UInt8, b: UInt8) {
        switch cellClass {
        case .neutrophil: return (0, 114, 178)      // blue
        case .lymphocyte: return (0, 158, 115)      // bluish green
        case .monocyte: return (230, 159, 0)        // orange
        case .eosinophil: return (213, 94, 0)       // vermillion
        case .basophil: return (86, 180, 233)       // sky blue
        case .ig: return (204, 121, 167)            // reddish purple
        case .erythroblast: return (240, 228, 66)   // yellow
        case .platelet: return (0, 0, 0)            // black
        }
    }

    /// `#rrggbb` for CSS.
    package static func hex(_ cellClass: CellClass) -> String {
        let c = rgb(cellClass)
        return "#" + [c.r, c.g, c.b].map { value in
            let digits = String(value, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }

    /// The name people read (legend, HTML).
    package static func displayName(_ cellClass: CellClass) -> String {
        switch cellClass {
        case .ig: return "immature granulocyte"
        default: return cellClass.rawValue
        }
    }
}
