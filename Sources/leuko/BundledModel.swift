import ArgumentParser
import Foundation

/// Where the bundled weights are: `--weights` when given, else `$LEUKO_MODEL`, else
/// `Models/leuko-wbc-v1.safetensors` beside the executable's package (a source checkout), or
/// `PREFIX/share/leuko/` for an executable installed as `PREFIX/bin/leuko` (`make install`), or
/// under `/usr/local/share/leuko/`.
enum BundledModel {
    static let fileName = "leuko-wbc-v1.safetensors"

    static func resolve(_ explicit: String?) throws -> URL {
        if let explicit { return URL(fileURLWithPath: explicit) }
        if let environment = ProcessInfo.processInfo.environment["LEUKO_MODEL"] { return URL(fileURLWithPath: environment) }
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var candidates: [URL] = []
        var directory = executable.deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(directory.appendingPathComponent("Models").appendingPathComponent(fileName))
            directory = directory.deletingLastPathComponent()
        }
        candidates.append(executable.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("share/leuko").appendingPathComponent(fileName))
        candidates.append(URL(fileURLWithPath: "/usr/local/share/leuko").appendingPathComponent(fileName))
        candidates.append(URL(fileURLWithPath: "Models").appendingPathComponent(fileName))
        if let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) { return found }
        throw ValidationError("no weights found: pass --weights FILE or set LEUKO_MODEL (looked in \(candidates.map(\.path).joined(separator: ", ")))")
    }
}
