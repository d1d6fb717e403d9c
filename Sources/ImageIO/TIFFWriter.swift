#if canImport(Glibc)
import Glibc
#endif
import CImageBridge
import CTIFF

/// Writes TIFF files through libtiff: strips or tiles, none/LZW/Deflate/JPEG/PackBits,
/// classic or BigTIFF, 8/16-bit gray, gray+alpha, RGB, RGBA or palette, one or more pages,
/// pixel spacing as X/YResolution in pixels per centimetre. Atomic (see `AtomicFile`).
enum TIFFWriter {
    static func write(pages: [TIFFPageSource], to path: String, options: TIFFWriteOptions) throws {
        guard !pages.isEmpty else { throw ImageIOError(.invalidArgument, path: path, "no pages to write") }
        for page in pages { try validate(page, options: options, path: path) }
        try AtomicFile.write(to: path) { fd, _ in
            let copy = dup(fd)
            guard copy >= 0 else { throw ImageIOError(.writeFailed, path: path, "dup failed: \(ImageSource.text(errno))") }
            try writePages(pages, fd: copy, path: path, options: options)
        }
    }

    private static func validate(_ page: TIFFPageSource, options: TIFFWriteOptions, path: String) throws {
        func bad(_ why: String) -> ImageIOError { ImageIOError(.invalidArgument, path: path, why) }
        guard page.width > 0, page.height > 0 else { throw bad("cannot write an empty image") }
        guard (1...4).contains(page.channels), page.bitDepth == 8 || page.bitDepth == 16 else {
            throw bad("cannot write \(page.channels) channels of \(page.bitDepth) bits")
        }
        if options.compression == .jpeg && page.bitDepth != 8 { throw bad("JPEG compression needs 8-bit samples") }
        switch options.layout {
        case .tiles(let w, let h):
            guard w > 0, h > 0, w % 16 == 0, h % 16 == 0 else { throw bad("tile size \(w)x\(h) is not a positive multiple of 16") }
        case .strips(let rows):
            guard rows > 0 else { throw bad("rows per strip must be positive") }
            if options.compression == .jpeg && rows % 16 != 0 && rows < page.height {
                throw bad("JPEG strips need a multiple of 16 rows")
            }
        }
    }

    /// Owns `fd` (libtiff closes it when the handle goes away at the end of this function).
    private static func writePages(_ pages: [TIFFPageSource], fd: Int32, path: String,
                                   options: TIFFWriteOptions) throws {
        let handle = try TIFFHandle(fd: fd, path: path, mode: options.bigTIFF ? "w8m" : "wm", maxAllocation: 0)
        for page in pages {
            var source = page
            var colormap: [UInt16]? = nil
            if options.palette, page.channels == 3, page.bitDepth == 8,
               let (indexed, map) = try paletted(page) {
                source = indexed
                colormap = map
            }
            try writeFields(source, colormap: colormap, handle: handle, options: options)
            try writeBlocks(source, handle: handle, options: options)
            guard TIFFWriteDirectory(handle.tif) == 1 else { throw handle.failure(.writeFailed, "cannot write TIFF directory") }
        }
        guard TIFFFlush(handle.tif) == 1, handle.errorCount == 0 else {
            throw handle.failure(.writeFailed, "cannot finish TIFF")
        }
    }

    private static func writeFields(_ p: TIFFPageSource, colormap: [UInt16]?, handle h: TIFFHandle,
                                    options o: TIFFWriteOptions) throws {
        let t = h.tif
        var ok = true
        func int(_ tag: Int32, _ v: Int32) { ok = ok && lb_tiff_set_int(t, UInt32(tag), v) == 1 }
        func u32(_ tag: Int32, _ v: Int) { ok = ok && lb_tiff_set_u32(t, UInt32(tag), UInt32(v)) == 1 }
        u32(TIFFTAG_IMAGEWIDTH, p.width)
        u32(TIFFTAG_IMAGELENGTH, p.height)
        int(TIFFTAG_BITSPERSAMPLE, Int32(p.bitDepth))
        int(TIFFTAG_SAMPLESPERPIXEL, Int32(p.channels))
        int(TIFFTAG_SAMPLEFORMAT, SAMPLEFORMAT_UINT)
        int(TIFFTAG_ORIENTATION, ORIENTATION_TOPLEFT)
        int(TIFFTAG_PLANARCONFIG, o.planarSeparate && p.channels > 1 ? PLANARCONFIG_SEPARATE : PLANARCONFIG_CONTIG)
        if p.reduced { u32(TIFFTAG_SUBFILETYPE, Int(FILETYPE_REDUCEDIMAGE)) }
        let ycbcr = o.compression == .jpeg && p.channels == 3 && colormap == nil && !o.planarSeparate
        let photometric = colormap != nil ? PHOTOMETRIC_PALETTE
            : ycbcr ? PHOTOMETRIC_YCBCR : p.channels >= 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK
        int(TIFFTAG_PHOTOMETRIC, photometric)
        if p.channels == 2 || p.channels == 4 {
            var alpha = UInt16(EXTRASAMPLE_UNASSALPHA)
            ok = ok && lb_tiff_set_extrasamples(t, 1, &alpha) == 1
        }
        let compression: Int32
        switch o.compression {
        case .none: compression = COMPRESSION_NONE
        case .lzw: compression = COMPRESSION_LZW
        case .deflate: compression = COMPRESSION_ADOBE_DEFLATE
        case .jpeg: compression = COMPRESSION_JPEG
        case .packbits: compression = COMPRESSION_PACKBITS
        }
        int(TIFFTAG_COMPRESSION, compression)
        if o.compression == .lzw || o.compression == .deflate { int(TIFFTAG_PREDICTOR, PREDICTOR_HORIZONTAL) }
        if o.compression == .jpeg {
            int(TIFFTAG_JPEGQUALITY, Int32(max(1, min(100, o.jpegQuality))))
            if ycbcr { int(TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB) }
        }
        switch o.layout {
        case .tiles(let w, let hgt): u32(TIFFTAG_TILEWIDTH, w); u32(TIFFTAG_TILELENGTH, hgt)
        case .strips(let rows): u32(TIFFTAG_ROWSPERSTRIP, min(rows, p.height))
        }
        if let s = p.pixelSpacing, s.x > 0, s.y > 0 {
            int(TIFFTAG_RESOLUTIONUNIT, RESUNIT_CENTIMETER)
            ok = ok && lb_tiff_set_float(t, UInt32(TIFFTAG_XRESOLUTION), 10_000 / s.x) == 1
            ok = ok && lb_tiff_set_float(t, UInt32(TIFFTAG_YRESOLUTION), 10_000 / s.y) == 1
        }
        if var map = colormap {
            ok = ok && map.withUnsafeMutableBufferPointer { m in
                lb_tiff_set_colormap(t, m.baseAddress!, m.baseAddress! + 256, m.baseAddress! + 512) == 1
            }
        }
        ok = ok && lb_tiff_set_string(t, UInt32(TIFFTAG_SOFTWARE), "Leuko") == 1
        guard ok else { throw h.failure(.writeFailed, "cannot set TIFF tags") }
    }

    private static func writeBlocks(_ p: TIFFPageSource, handle h: TIFFHandle, options o: TIFFWriteOptions) throws {
        let tiled: Bool, bw: Int, bh: Int
        switch o.layout {
        case .tiles(let w, let hgt): tiled = true; bw = w; bh = hgt
        case .strips(let rows): tiled = false; bw = p.width; bh = min(rows, p.height)
        }
        let separate = o.planarSeparate && p.channels > 1
        let planes = separate ? p.channels : 1
        let perBlock = separate ? 1 : p.channels
        let bytes = p.bitDepth / 8
        let rowBytes = bw * perBlock * bytes
        var buffer = [UInt8](repeating: 0, count: rowBytes * bh)
        for top in stride(from: 0, to: p.height, by: bh) {
            for left in stride(from: 0, to: p.width, by: bw) {
                let w = min(bw, p.width - left), hgt = min(bh, p.height - top)
                let block = try p.pixels(left, top, w, hgt)
                guard block.width == w, block.height == hgt, block.channels == p.channels, block.bitDepth == p.bitDepth else {
                    throw ImageIOError(.invalidArgument, path: h.path,
                                       "page source returned \(block.width)x\(block.height)x\(block.channels) \(block.bitDepth)-bit for a \(w)x\(hgt)x\(p.channels) \(p.bitDepth)-bit block")
                }
                for plane in 0..<planes {
                    pack(block, plane: separate ? plane : nil, into: &buffer, rowBytes: rowBytes)
                    let size = tiled ? buffer.count : rowBytes * hgt
                    h.clearMessages()
                    let written = buffer.withUnsafeMutableBytes { buf -> Int in
                        if tiled {
                            let tile = TIFFComputeTile(h.tif, UInt32(left), UInt32(top), 0, UInt16(plane))
                            return Int(TIFFWriteEncodedTile(h.tif, tile, buf.baseAddress, tmsize_t(size)))
                        }
                        let strip = TIFFComputeStrip(h.tif, UInt32(top), UInt16(plane))
                        return Int(TIFFWriteEncodedStrip(h.tif, strip, buf.baseAddress, tmsize_t(size)))
                    }
                    guard written >= 0, h.errorCount == 0 else {
                        throw h.failure(.writeFailed, "cannot write TIFF block at \(left),\(top)")
                    }
                }
            }
        }
    }

    /// Copies `block` (or one channel of it) into the top-left of a zeroed block buffer.
    private static func pack(_ block: Image, plane: Int?, into buffer: inout [UInt8], rowBytes: Int) {
        let bytes = block.bitDepth / 8
        let c = block.channels
        buffer.withUnsafeMutableBytes { dst in
            dst.initializeMemory(as: UInt8.self, repeating: 0)
            func copy(_ src: UnsafeRawBufferPointer) {
                for row in 0..<block.height {
                    let line = dst.baseAddress! + row * rowBytes
                    let from = src.baseAddress! + row * block.width * c * bytes
                    if let plane {
                        for x in 0..<block.width {
                            (line + x * bytes).copyMemory(from: from + (x * c + plane) * bytes, byteCount: bytes)
                        }
                    } else {
                        line.copyMemory(from: from, byteCount: block.width * c * bytes)
                    }
                }
            }
            if block.bitDepth == 8 { block.samples8.withUnsafeBytes(copy) } else { block.samples16.withUnsafeBytes(copy) }
        }
    }

    /// The page as 8-bit indices plus a 3 x 256 colour map, or nil with more than 256 colours.
    private static func paletted(_ page: TIFFPageSource) throws -> (TIFFPageSource, [UInt16])? {
        let image = try page.pixels(0, 0, page.width, page.height)
        var lookup: [UInt32: UInt8] = [:]
        var map = [UInt16](repeating: 0, count: 768)
        var indices = [UInt8](repeating: 0, count: image.width * image.height)
        let s = image.samples8
        for i in 0..<indices.count {
            let key = UInt32(s[3 * i]) << 16 | UInt32(s[3 * i + 1]) << 8 | UInt32(s[3 * i + 2])
            if let index = lookup[key] { indices[i] = index; continue }
            guard lookup.count < 256 else { return nil }
            let index = UInt8(lookup.count)
            lookup[key] = index
            indices[i] = index
            map[Int(index)] = UInt16(s[3 * i]) * 257
            map[256 + Int(index)] = UInt16(s[3 * i + 1]) * 257
            map[512 + Int(index)] = UInt16(s[3 * i + 2]) * 257
        }
        let indexed = Image(width: image.width, height: image.height, channels: 1, samples: indices,
                            pixelSpacing: image.pixelSpacing)
        return (TIFFPageSource(indexed, reduced: page.reduced), map)
    }
}
