import CImageBridge
import CTIFF

/// Decodes a rectangle of one TIFF page block by block (a block is a tile or a strip),
/// reading only the blocks the rectangle touches; memory is the output plus one block.
///
/// Handles contiguous and separate planes, 1/2/4/8/16-bit samples, MinIsWhite and palettes
/// (for `.direct` and `.palette` pages; see `TIFFPage.Mode`). A block that decodes short or
/// with a libtiff error is an error: no silently black tiles.
struct TIFFBlockReader {
    let handle: TIFFHandle
    let page: TIFFPage
    let limits: ImageLimits

    func read(x: Int, y: Int, width: Int, height: Int) throws -> Image {
        let p = page
        let blockWidth = p.tiled ? p.tileWidth : p.width
        let blockHeight = p.tiled ? p.tileHeight : p.rowsPerStrip
        try limits.checkDecode(width: blockWidth, height: blockHeight, path: handle.path,
                               what: p.tiled ? "TIFF tile" : "TIFF strip")
        let planes = p.planarSeparate ? p.samplesPerPixel : 1
        let blockSamples = p.planarSeparate ? 1 : p.samplesPerPixel
        let rowBytes = (blockWidth * blockSamples * p.bitsPerSample + 7) / 8
        let blockBytes = rowBytes * blockHeight
        let expected = Int(p.tiled ? TIFFTileSize64(handle.tif) : TIFFStripSize64(handle.tif))
        guard expected == blockBytes else {
            throw ImageIOError(.unsupported, path: handle.path,
                               "TIFF block layout not understood (libtiff says \(expected) bytes per block, expected \(blockBytes))")
        }
        let colormap = p.mode == .palette ? try palette() : []
        let count = width * height * p.outChannels
        func fill(_ raw: UnsafeMutableRawBufferPointer) throws {
            let out = OutputBuffer(raw: raw.baseAddress!, width: width)
            try decodeBlocks(x: x, y: y, width: width, height: height, blockWidth: blockWidth,
                             blockHeight: blockHeight, rowBytes: rowBytes, blockBytes: blockBytes,
                             planes: planes, blockSamples: blockSamples, colormap: colormap, into: out)
        }
        if p.outBitDepth == 8 {
            var samples = [UInt8](repeating: 0, count: count)
            try samples.withUnsafeMutableBytes(fill)
            return Image(width: width, height: height, channels: p.outChannels, samples: samples, pixelSpacing: p.spacing)
        }
        var samples = [UInt16](repeating: 0, count: count)
        try samples.withUnsafeMutableBytes(fill)
        return Image(width: width, height: height, channels: p.outChannels, samples16: samples, pixelSpacing: p.spacing)
    }

    private func decodeBlocks(x: Int, y: Int, width: Int, height: Int, blockWidth: Int, blockHeight: Int,
                              rowBytes: Int, blockBytes: Int, planes: Int, blockSamples: Int,
                              colormap: [UInt8], into out: OutputBuffer) throws {
        let p = page
        var block = [UInt8](repeating: 0, count: blockBytes)
        let firstRow = y / blockHeight, lastRow = (y + height - 1) / blockHeight
        let firstCol = x / blockWidth, lastCol = (x + width - 1) / blockWidth
        for by in firstRow...lastRow {
            let top = by * blockHeight
            let rowsInBlock = min(blockHeight, p.height - top)
            for bx in firstCol...lastCol {
                let left = bx * blockWidth
                for plane in 0..<planes {
                    handle.clearMessages()
                    let n: Int = block.withUnsafeMutableBytes { buf in
                        if p.tiled {
                            let tile = TIFFComputeTile(handle.tif, UInt32(left), UInt32(top), 0, UInt16(plane))
                            return Int(TIFFReadEncodedTile(handle.tif, tile, buf.baseAddress, tmsize_t(buf.count)))
                        }
                        let strip = TIFFComputeStrip(handle.tif, UInt32(top), UInt16(plane))
                        return Int(TIFFReadEncodedStrip(handle.tif, strip, buf.baseAddress, tmsize_t(buf.count)))
                    }
                    let needed = rowBytes * (p.tiled ? blockHeight : rowsInBlock)
                    guard n >= needed, handle.errorCount == 0 else {
                        let what = p.tiled ? "tile at \(left),\(top)" : "strip at row \(top)"
                        throw handle.failure(.corrupt, n < 0 || handle.errorCount > 0
                                             ? "cannot decode TIFF \(what)"
                                             : "TIFF \(what) is short (\(n) of \(needed) bytes)")
                    }
                    let r0 = max(y, top), r1 = min(y + height, top + rowsInBlock)
                    let c0 = max(x, left), c1 = min(x + width, left + blockWidth, p.width)
                    guard r0 < r1, c0 < c1 else { continue }
                    block.withUnsafeBytes { buf in
                        for row in r0..<r1 {
                            let line = buf.baseAddress! + (row - top) * rowBytes
                            copyRow(line, firstPixel: c0 - left, count: c1 - c0, plane: plane,
                                    samples: blockSamples, colormap: colormap,
                                    into: out, x: c0 - x, y: row - y)
                        }
                    }
                }
            }
        }
    }

    /// Converts `count` pixels of one decoded block row into the output.
    private func copyRow(_ line: UnsafeRawPointer, firstPixel: Int, count: Int, plane: Int, samples: Int,
                         colormap: [UInt8], into out: OutputBuffer, x: Int, y: Int) {
        let p = page
        let c = p.outChannels
        let bits = p.bitsPerSample
        let dst = (y * out.width + x) * c
        // Fast path: samples already in the output layout.
        if p.mode == .direct, !p.planarSeparate, !p.minIsWhite, samples == c, bits == p.outBitDepth {
            let bytes = bits / 8
            (out.raw + dst * bytes).copyMemory(from: line + firstPixel * c * bytes, byteCount: count * c * bytes)
            return
        }
        let mask = (1 << bits) - 1
        @inline(__always) func sample(_ i: Int) -> Int {
            switch bits {
            case 8: return Int(line.load(fromByteOffset: i, as: UInt8.self))
            case 16: return Int(line.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
            default:
                let bit = i * bits
                let byte = Int(line.load(fromByteOffset: bit / 8, as: UInt8.self))
                return (byte >> (8 - bits - bit % 8)) & mask
            }
        }
        for k in 0..<count {
            let pixel = firstPixel + k
            let o = dst + k * c
            switch p.mode {
            case .palette:
                let entry = sample(pixel) * 3
                out.set8(o, colormap[entry]); out.set8(o + 1, colormap[entry + 1]); out.set8(o + 2, colormap[entry + 2])
            default:
                let channelRange = p.planarSeparate ? (plane < c ? plane..<(plane + 1) : 0..<0) : 0..<c
                for ch in channelRange {
                    var v = sample(p.planarSeparate ? pixel : pixel * samples + ch)
                    if p.minIsWhite && ch == 0 { v = mask - v }
                    if p.outBitDepth == 16 {
                        out.set16(o + ch, UInt16(v))
                    } else {
                        out.set8(o + ch, UInt8(bits == 8 ? v : v * 255 / mask))
                    }
                }
            }
        }
    }

    /// The colour map as 8-bit RGB triples, one per possible index.
    private func palette() throws -> [UInt8] {
        var r: UnsafeMutablePointer<UInt16>? = nil, g: UnsafeMutablePointer<UInt16>? = nil
        var b: UnsafeMutablePointer<UInt16>? = nil
        guard lb_tiff_get_colormap(handle.tif, &r, &g, &b) == 1, let r, let g, let b else {
            throw handle.failure(.corrupt, "palette TIFF has no colour map")
        }
        let n = 1 << page.bitsPerSample
        var all: [UInt16] = []
        for i in 0..<n { all += [r[i], g[i], b[i]] }
        // Some writers store 8-bit values in the 16-bit map; take them as they are.
        let eightBit = all.allSatisfy { $0 <= 255 }
        return all.map { eightBit ? UInt8($0) : UInt8($0 >> 8) }
    }
}

/// Where a region read writes its pixels: a raw view of the output array, valid only inside
/// the `withUnsafeMutableBytes` call that made it.
private struct OutputBuffer {
    let raw: UnsafeMutableRawPointer
    let width: Int

    @inline(__always) func set8(_ i: Int, _ v: UInt8) { raw.storeBytes(of: v, toByteOffset: i, as: UInt8.self) }
    @inline(__always) func set16(_ i: Int, _ v: UInt16) { raw.storeBytes(of: v, toByteOffset: 2 * i, as: UInt16.self) }
}
