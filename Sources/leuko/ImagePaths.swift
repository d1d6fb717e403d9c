import ArgumentParser
import Foundation

/// Expands command-line inputs into image files: a file is taken as given; a folder gives
/// every file under it (recursively, hidden entries skipped) whose extension is an image
/// format Leuko reads (jpg, jpeg, png, tif, tiff, bmp), in path order.
enum ImagePaths {
    static let extensions: Set<String> = ["jpg", "jpeg", "png", "tif", "tiff", "bmp"]

    static func expand(_ inputs: [String]) throws -> [String] {
        var paths: [String] = []
        let manager = FileManager.default
        for input in inputs {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: input, isDirectory: &isDirectory) else {
                throw ValidationError("no such file or folder: \(input)")
            }
            guard isDirectory.boolValue else { paths.append(input); continue }
            let root = URL(fileURLWithPath: input)
            guard let walker = manager.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey],
                                                  options: [.skipsHiddenFiles]) else { continue }
            var found: [String] = []
            for case let url as URL in walker where extensions.contains(url.pathExtension.lowercased()) {
                if (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true { found.append(url.path) }
            }
            paths += found.sorted()
        }
        return paths
    }
}
