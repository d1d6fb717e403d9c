import Daemon
import Foundation
import Glibc
import ImageIO
import Reporting

/// The end-to-end test's folders (inbox, outbox, a staging folder outside the inbox on the
/// same file system, the database, the configuration) and the files it drops, with what each
/// should become: a report folder (valid images) or a failed job (corrupt files).
///
/// Files are written with plain `write(2)` calls into their final name (as a scanner does),
/// renamed in, or written in two halves with the descriptor kept open in between. Images are
/// 96 x 96 `SyntheticField`s with one white cell, in PNG, TIFF, JPEG and BMP.
final class DropFolder {
    let base: String
    var inbox: String { base + "/in" }
    var outbox: String { base + "/out" }
    var stage: String { base + "/stage" }
    var config: String { base + "/leuko.toml" }
    var database: String { base + "/queue.sqlite" }
    var log: String { base + "/daemon.log" }

    /// Input path -> its expected report folder.
    private(set) var expectedReports: [String: String] = [:]
    private(set) var corruptPaths: [String] = []
    private(set) var halfWrittenPaths: [String] = []
    private var halfWritten: [Int: (fd: Int32, rest: [UInt8])] = [:]

    var allPaths: [String] { Array(expectedReports.keys) + corruptPaths }

    init(workers: Int = 2, settleMilliseconds: Int = 1500) throws {
        base = NSTemporaryDirectory() + "leuko-e2e-\(UUID().uuidString)"
        for folder in [inbox, outbox, stage, inbox + "/renamed", inbox + "/slow"] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        try Data("""
            inboxes = ["\(inbox)"]
            outbox = "\(outbox)"
            database = "\(database)"
            model = "\(DaemonEndToEndTests.model)"
            workers = \(workers)
            settle_ms = \(settleMilliseconds)
            rescan_interval_s = 5
            max_attempts = 3
            backoff_base_s = 0.2
            backoff_cap_s = 0.5
            backoff_jitter = 0
            lease_s = 30
            status_interval_s = 1
            shutdown_timeout_s = 10
            """.utf8).write(to: URL(fileURLWithPath: config))
    }

    func remove() {
        for (fd, _) in halfWritten.values { close(fd) }
        try? FileManager.default.removeItem(atPath: base)
    }

    /// The encoded bytes of field `n` in the format of `ext`.
    func imageBytes(_ n: Int, ext: String) throws -> [UInt8] {
        let image = SyntheticField.image(width: 96, height: 96, whiteCells: 1, seed: UInt64(n))
        let scratch = stage + "/encode-\(n).\(ext)"
        defer { unlink(scratch) }
        switch ext {
        case "png": try ImageWriter.writePNG(image, to: scratch)
        case "tif": try ImageWriter.writeTIFF(image, to: scratch)
        case "jpg": try ImageWriter.writeJPEG(image, to: scratch)
        default: try ImageWriter.writeBMP(image, to: scratch)
        }
        return Array(try Data(contentsOf: URL(fileURLWithPath: scratch)))
    }

    /// Writes `bytes` to `path` in place: open, write, close (one close-after-write event).
    func put(_ bytes: [UInt8], at path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        guard bytes.isEmpty || Glibc.write(fd, bytes, bytes.count) == bytes.count else { throw POSIXError(.EIO) }
    }

    private func expect(_ path: String) {
        let relative = String(path.dropFirst(inbox.count + 1))
        let stem = (relative as NSString).deletingPathExtension
        expectedReports[path] = outbox + "/" + stem
    }

    /// Valid images: the inbox root and two levels of subfolders, four formats.
    func writeValid(_ range: Range<Int>) throws {
        let formats = ["png", "tif", "jpg", "bmp"]
        for i in range {
            let folder = inbox + ["", "/sub/a", "/sub/b/c"][i % 3]
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let ext = formats[(i / 3) % 4]
            let path = folder + "/valid-\(i).\(ext)"
            try put(imageBytes(i, ext: ext), at: path)
            expect(path)
        }
    }

    /// Corrupt files: random bytes, a truncated PNG, text named `.tif`, an empty `.jpg`.
    func writeCorrupt(_ range: Range<Int>) throws {
        for i in range {
            let path: String
            let bytes: [UInt8]
            switch i % 4 {
            case 0:
                path = inbox + "/corrupt-\(i)-noise.png"
                var random = SystemRandomNumberGenerator()
                bytes = (0..<3000).map { _ in UInt8.random(in: 0...255, using: &random) }
            case 1:
                path = inbox + "/sub/corrupt-\(i)-truncated.png"
                let png = try imageBytes(1000 + i, ext: "png")
                bytes = Array(png.prefix(png.count / 2))
            case 2:
                path = inbox + "/corrupt-\(i)-text.tif"
                bytes = Array("this is not a TIFF file\n".utf8)
            default:
                path = inbox + "/corrupt-\(i)-empty.jpg"
                bytes = []
            }
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try put(bytes, at: path)
            corruptPaths.append(path)
        }
    }

    /// Files renamed into `inbox/renamed/`: even ones from the staging folder outside the
    /// inbox, odd ones from a hidden `.part` name inside it (ignored until renamed).
    func renameIn(_ range: Range<Int>) throws {
        for i in range {
            let final = inbox + "/renamed/renamed-\(i).png"
            let temporary = i % 2 == 0 ? stage + "/renamed-\(i).png" : inbox + "/renamed/.renamed-\(i).png.part"
            try put(imageBytes(2000 + i, ext: "png"), at: temporary)
            guard rename(temporary, final) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            expect(final)
        }
    }

    /// Valid images in subfolders created just before (five per folder).
    func writeInNewFolders(_ range: Range<Int>) throws {
        for i in range {
            let folder = inbox + "/new-\(i / 5)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let path = folder + "/field-\(i).png"
            try put(imageBytes(3000 + i, ext: "png"), at: path)
            expect(path)
        }
    }

    /// Starts slow writers: half of each file written, the descriptor kept open.
    func startHalfWritten(_ range: Range<Int>) throws {
        for i in range {
            let ext = i % 2 == 0 ? "png" : "tif"
            let path = inbox + "/slow/slow-\(i).\(ext)"
            let bytes = try imageBytes(4000 + i, ext: ext)
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            let half = bytes.count / 2
            guard Glibc.write(fd, bytes, half) == half else { throw POSIXError(.EIO) }
            halfWritten[i] = (fd, Array(bytes[half...]))
            halfWrittenPaths.append(path)
            expect(path)
        }
    }

    /// Writes the rest of each slow writer's file and closes it.
    func finishHalfWritten(_ range: Range<Int>) throws {
        for i in range {
            guard let (fd, rest) = halfWritten.removeValue(forKey: i) else { continue }
            defer { close(fd) }
            guard Glibc.write(fd, rest, rest.count) == rest.count else { throw POSIXError(.EIO) }
        }
    }

    /// A report folder holding a parseable `report.json`, `overlay.png` and `report.html`.
    func isCompleteReport(_ folder: String) -> Bool {
        guard let json = FileManager.default.contents(atPath: folder + "/report.json"),
              (try? JSONSerialization.jsonObject(with: json)) is [String: Any] else { return false }
        return ["overlay.png", "report.html"].allSatisfy {
            ((try? FileManager.default.attributesOfItem(atPath: folder + "/" + $0))?[.size] as? Int ?? 0) > 0
        }
    }

    /// Every folder below the outbox that holds a `report.json`.
    func reportFolders() -> [String] {
        let walker = FileManager.default.enumerator(atPath: outbox)
        var found: [String] = []
        while let relative = walker?.nextObject() as? String {
            if (relative as NSString).lastPathComponent == "report.json" {
                found.append(outbox + "/" + (relative as NSString).deletingLastPathComponent)
            }
        }
        return found
    }

    /// Hidden entries below the outbox (a report writer's staging folders), other than each
    /// report's identity marker.
    func hiddenLeftovers() -> [String] {
        let walker = FileManager.default.enumerator(atPath: outbox)
        var found: [String] = []
        while let relative = walker?.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if name.hasPrefix("."), name != ReportIdentity.fileName { found.append(relative) }
        }
        return found
    }
}
