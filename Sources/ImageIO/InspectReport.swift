/// What `leuko inspect` prints for one file: the header facts, optionally the result of
/// decoding every pixel (or one region), or the error. Built here so tests can check the
/// exact output without running the executable.
package struct InspectReport: Sendable, Equatable, Codable {
    package var path: String
    package var info: ImageInfo?
    /// Present when pixels were decoded (every pixel, or `region`).
    package var decoded: DecodeSummary?
    /// The region decoded, as [x, y, width, height], when one was asked for.
    package var region: [Int]?
    package var error: String?
    package var errorCode: ImageIOError.Code?

    package var ok: Bool { error == nil }

    /// Reads the header, then decodes every pixel (`decode`) or only `region` (x, y, w, h).
    /// Never throws: a failure is recorded in `error` and `errorCode`.
    package static func make(path: String, decode: Bool, region: [Int]? = nil, page: Int? = nil,
                             limits: ImageLimits = .default) -> InspectReport {
        var report = InspectReport(path: path)
        do {
            report.info = try ImageReader.info(path, limits: limits)
            if let region {
                guard region.count == 4 else {
                    throw ImageIOError(.invalidArgument, path: path, "a region is x,y,width,height")
                }
                let image = try ImageReader.readRegion(path, x: region[0], y: region[1], width: region[2],
                                                       height: region[3], page: page, limits: limits)
                report.region = region
                report.decoded = DecodeSummary(pages: 1, pixels: image.width * image.height)
            } else if decode {
                report.decoded = try ImageReader.decodeAll(path, limits: limits)
            }
        } catch let error as ImageIOError {
            report.error = error.description
            report.errorCode = error.code
        } catch {
            report.error = "\(path): \(error)"
        }
        return report
    }

    /// Human-readable lines: the path, then indented "key: value" facts.
    package var text: String {
        var lines = [path]
        func add(_ key: String, _ value: String) { lines.append("  \(key): \(value)") }
        if let info {
            var format = info.format.rawValue.uppercased()
            if info.bigTIFF == true { format += " (BigTIFF)" }
            if info.bottomUp == true { format += " (bottom-up)" } else if info.bottomUp == false { format += " (top-down)" }
            if info.interlaced == true { format += " (interlaced)" }
            add("format", format)
            add("size", "\(info.width) x \(info.height)")
            add("channels", "\(info.channels) (\(info.colour))")
            add("bit depth", "\(info.bitDepth)")
            add("compression", info.compression)
            if let w = info.tileWidth, let h = info.tileHeight {
                add("layout", "tiles \(w) x \(h)")
            } else if let rows = info.rowsPerStrip {
                add("layout", "strips of \(rows) rows")
            }
            if let orientation = info.orientation, orientation != 1 { add("orientation", "EXIF \(orientation) (applied)") }
            if let s = info.pixelSpacing {
                add("pixel spacing", "\(Self.number(s.x)) x \(Self.number(s.y)) µm/px")
            } else {
                add("pixel spacing", "not recorded")
            }
            add("pages", "\(info.pages.count)")
            if info.pages.count > 1 {
                for page in info.pages {
                    var line = "\(page.width) x \(page.height), \(page.compression)"
                    if let w = page.tileWidth, let h = page.tileHeight { line += ", tiles \(w) x \(h)" }
                    if page.index == info.page { line += ", full resolution (read by default)" }
                    else if page.reduced { line += ", reduced" }
                    add("  page \(page.index)", line)
                }
            }
        }
        if let decoded {
            if let region {
                add("decoded", "region \(region[0]),\(region[1]) \(region[2]) x \(region[3]) ok")
            } else {
                add("decoded", "\(decoded.pixels) pixels in \(decoded.pages) page\(decoded.pages == 1 ? "" : "s") ok")
            }
        }
        if let error { add("error", error) }
        return lines.joined(separator: "\n")
    }

    private static func number(_ v: Double) -> String {
        let rounded = (v * 10_000).rounded() / 10_000
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
