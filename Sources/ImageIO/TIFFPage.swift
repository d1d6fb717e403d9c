import CImageBridge
import CTIFF

/// One TIFF directory as ImageIO decodes it: storage facts from the tags and the `Image`
/// layout it produces.
///
/// `mode` says how samples become pixels: `.direct` copies gray/gray+alpha/RGB/RGBA samples
/// (1/2/4-bit gray scaled to 8 bits, MinIsWhite inverted, JPEG-in-TIFF YCbCr converted to RGB
/// by libjpeg), `.palette` expands a colour map to 8-bit RGB, `.rgbaFallback` lets libtiff's
/// RGBA interface convert what ImageIO does not handle itself (CMYK, Lab, subsampled YCbCr,
/// old-style JPEG) to 8-bit RGB(A) — whole page only, within the decode limit. The TIFF
/// Orientation tag is not applied (slide scanners write top-left); float and signed samples
/// are refused as unsupported.
struct TIFFPage: Sendable {
    enum Mode: Sendable { case direct, palette, rgbaFallback }

    var index: Int
    var width: Int
    var height: Int
    var bitsPerSample: Int
    var samplesPerPixel: Int
    var photometric: Int
    var planarSeparate: Bool
    var compression: Int
    var tiled: Bool
    var tileWidth: Int
    var tileHeight: Int
    var rowsPerStrip: Int
    var reduced: Bool
    var spacing: PixelSpacing?
    var mode: Mode
    var outChannels: Int
    var outBitDepth: Int
    var minIsWhite: Bool

    /// Reads the current directory of `handle` (and sets JPEGCOLORMODE=RGB for YCbCr JPEG tiles).
    static func describe(_ h: TIFFHandle, index: Int) throws -> TIFFPage {
        guard let width = h.u32(TIFFTAG_IMAGEWIDTH), let height = h.u32(TIFFTAG_IMAGELENGTH) else {
            throw h.failure(.corrupt, "TIFF page \(index) has no image size")
        }
        let bits = h.u16Defaulted(TIFFTAG_BITSPERSAMPLE) ?? 1
        let spp = h.u16Defaulted(TIFFTAG_SAMPLESPERPIXEL) ?? 1
        let format = h.u16Defaulted(TIFFTAG_SAMPLEFORMAT) ?? 1
        let compression = h.u16Defaulted(TIFFTAG_COMPRESSION) ?? 1
        var photometric = h.u16(TIFFTAG_PHOTOMETRIC) ?? (spp >= 3 ? 2 : 1)
        let planar = (h.u16Defaulted(TIFFTAG_PLANARCONFIG) ?? 1) == 2
        let tiled = TIFFIsTiled(h.tif) != 0
        let subfile = h.u32(TIFFTAG_SUBFILETYPE) ?? 0
        if compression == COMPRESSION_JPEG && photometric == PHOTOMETRIC_YCBCR {
            _ = lb_tiff_set_int(h.tif, UInt32(TIFFTAG_JPEGCOLORMODE), JPEGCOLORMODE_RGB)
            photometric = Int(PHOTOMETRIC_RGB)
        }
        var mode = Mode.rgbaFallback
        var outChannels = 3, outBits = 8
        let sizeOK = bits == 8 || bits == 16
        let p = Int32(photometric)
        if format == 1 {
            if (p == PHOTOMETRIC_MINISBLACK || p == PHOTOMETRIC_MINISWHITE) && [1, 2, 4, 8, 16].contains(bits) {
                mode = .direct; outChannels = spp >= 2 ? 2 : 1; outBits = bits == 16 ? 16 : 8
            } else if p == PHOTOMETRIC_RGB && sizeOK && spp >= 3 {
                mode = .direct; outChannels = spp >= 4 ? 4 : 3; outBits = bits
            } else if p == PHOTOMETRIC_PALETTE && [1, 2, 4, 8].contains(bits) && spp == 1 {
                mode = .palette; outChannels = 3; outBits = 8
            }
        }
        if mode == .rgbaFallback {
            if format != 1 || bits > 16 {
                throw ImageIOError(.unsupported, path: h.path,
                                   "TIFF page \(index): \(bits)-bit samples of format \(format) are not supported (unsigned integer samples only)")
            }
            outChannels = spp > (p == PHOTOMETRIC_SEPARATED ? 4 : 3) ? 4 : 3
        }
        var tileWidth = 0, tileHeight = 0
        if tiled {
            tileWidth = h.u32(TIFFTAG_TILEWIDTH) ?? 0
            tileHeight = h.u32(TIFFTAG_TILELENGTH) ?? 0
            guard tileWidth > 0, tileHeight > 0 else { throw h.failure(.corrupt, "TIFF page \(index) has tiles of zero size") }
        }
        let rows = min(h.u32(TIFFTAG_ROWSPERSTRIP) ?? height, max(height, 1))
        let unit = h.u16Defaulted(TIFFTAG_RESOLUTIONUNIT) ?? 2
        var spacing: PixelSpacing? = nil
        if unit == 2 || unit == 3, let x = h.float(TIFFTAG_XRESOLUTION), let y = h.float(TIFFTAG_YRESOLUTION) {
            spacing = PixelSpacing.fromResolution(x: x, y: y, unitMicrometres: unit == 2 ? 25_400 : 10_000)
        }
        return TIFFPage(index: index, width: width, height: height, bitsPerSample: bits, samplesPerPixel: spp,
                        photometric: photometric, planarSeparate: planar && spp > 1, compression: compression,
                        tiled: tiled, tileWidth: tileWidth, tileHeight: tileHeight, rowsPerStrip: max(rows, 1),
                        reduced: subfile & Int(FILETYPE_REDUCEDIMAGE) != 0, spacing: spacing, mode: mode,
                        outChannels: outChannels, outBitDepth: outBits,
                        minIsWhite: p == PHOTOMETRIC_MINISWHITE)
    }

    var compressionName: String {
        switch Int32(compression) {
        case COMPRESSION_NONE: "none"
        case COMPRESSION_LZW: "lzw"
        case COMPRESSION_ADOBE_DEFLATE, COMPRESSION_DEFLATE: "deflate"
        case COMPRESSION_JPEG: "jpeg"
        case COMPRESSION_OJPEG: "old-jpeg"
        case COMPRESSION_PACKBITS: "packbits"
        case COMPRESSION_CCITTFAX3: "ccitt-g3"
        case COMPRESSION_CCITTFAX4: "ccitt-g4"
        case COMPRESSION_LZMA: "lzma"
        case COMPRESSION_ZSTD: "zstd"
        case COMPRESSION_WEBP: "webp"
        case COMPRESSION_JP2000: "jpeg2000"
        default: "code \(compression)"
        }
    }

    var colourName: String {
        switch Int32(photometric) {
        case PHOTOMETRIC_MINISBLACK, PHOTOMETRIC_MINISWHITE: samplesPerPixel >= 2 ? "gray+alpha" : "gray"
        case PHOTOMETRIC_RGB: samplesPerPixel >= 4 ? "rgba" : "rgb"
        case PHOTOMETRIC_PALETTE: "palette"
        case PHOTOMETRIC_SEPARATED: "cmyk"
        case PHOTOMETRIC_YCBCR: "ycbcr"
        case PHOTOMETRIC_CIELAB: "lab"
        default: "photometric \(photometric)"
        }
    }

    var pageInfo: PageInfo {
        PageInfo(index: index, width: width, height: height, channels: outChannels, bitDepth: outBitDepth,
                 compression: compressionName, tileWidth: tiled ? tileWidth : nil,
                 tileHeight: tiled ? tileHeight : nil, reduced: reduced)
    }
}
