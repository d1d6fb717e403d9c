#if canImport(Glibc)
import Glibc
#endif
import CImageBridge
import CTIFF

/// Owns one libtiff handle (`TIFF*`) and the context its error and warning handlers write
/// into, so every libtiff message reaches the Swift error for this file and no other.
///
/// Never memory-mapped (a file truncated under us must give an error, not SIGBUS). A reading
/// handle (`init(reading:)`) reads its `ImageSource`'s descriptor with positional reads of
/// its own and leaves it open; a writing handle (`init(fd:…)`) owns its descriptor and
/// `TIFFClose` in `deinit` closes it. Not thread-safe: use one handle per thread (several may
/// read one source).
final class TIFFHandle {
    let tif: OpaquePointer
    let path: String
    private let context: UnsafeMutablePointer<lb_tiff_context>
    /// The source a reading handle reads (kept open while the handle lives).
    private let source: ImageSource?

    /// Takes ownership of `fd`. `mode` is a libtiff mode such as "rm", "wm" or "w8m".
    init(fd: Int32, path: String, mode: String, maxAllocation: Int) throws {
        self.path = path
        source = nil
        context = .allocate(capacity: 1)
        context.initialize(to: lb_tiff_context())
        guard let tif = lb_tiff_fdopen(fd, path, mode, context, maxAllocation) else {
            let message = TIFFHandle.text(context.pointee.message)
            context.deallocate()
            close(fd)
            throw ImageIOError(.corrupt, path: path, "not a readable TIFF: \(message.isEmpty ? "libtiff could not open it" : message)")
        }
        self.tif = tif
    }

    /// A reading handle over `source`'s descriptor, with positional reads of its own (the
    /// descriptor stays the source's).
    init(reading source: ImageSource, maxAllocation: Int) throws {
        path = source.path
        self.source = source
        context = .allocate(capacity: 1)
        context.initialize(to: lb_tiff_context())
        guard let tif = lb_tiff_open_positional(source.fd, source.path, context, maxAllocation) else {
            let message = TIFFHandle.text(context.pointee.message)
            context.deallocate()
            throw ImageIOError(.corrupt, path: path, "not a readable TIFF: \(message.isEmpty ? "libtiff could not open it" : message)")
        }
        self.tif = tif
    }

    /// The size of the file a reading handle reads (nil for a writing handle).
    var fileBytes: Int? { source?.size }

    deinit {
        TIFFClose(tif)
        context.deallocate()
    }

    func u16(_ tag: Int32) -> Int? {
        var v: UInt16 = 0
        return lb_tiff_get_u16(tif, UInt32(tag), &v) == 1 ? Int(v) : nil
    }

    func u16Defaulted(_ tag: Int32) -> Int? {
        var v: UInt16 = 0
        return lb_tiff_get_u16_defaulted(tif, UInt32(tag), &v) == 1 ? Int(v) : nil
    }

    func u32(_ tag: Int32) -> Int? {
        var v: UInt32 = 0
        return lb_tiff_get_u32(tif, UInt32(tag), &v) == 1 ? Int(v) : nil
    }

    func float(_ tag: Int32) -> Double? {
        var v: Float = 0
        return lb_tiff_get_float(tif, UInt32(tag), &v) == 1 ? Double(v) : nil
    }

    /// The first libtiff error since the last `clearMessages()`, or "".
    var lastError: String { TIFFHandle.text(context.pointee.message) }
    var errorCount: Int { Int(context.pointee.errors) }

    func clearMessages() {
        context.pointee = lb_tiff_context()
    }

    /// An error with libtiff's message appended when it gave one.
    func failure(_ code: ImageIOError.Code, _ what: String) -> ImageIOError {
        let message = lastError
        return ImageIOError(code, path: path, message.isEmpty ? what : "\(what): \(message)")
    }

    private static func text<T>(_ tuple: T) -> String {
        withUnsafeBytes(of: tuple) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}
