import Analysis
import Daemon
import ArgumentParser
import Foundation
import ImageIO
import Reporting

/// How `leuko analyze` reports a failure: its exit status (`ExitStatus`, the same for every
/// command) and a one-line message.
extension AnalyzeCommand {
    static func exitStatus(_ error: Error) -> Int32 { ExitStatus.of(error).rawValue }

    static func printError(_ error: Error, image: String?) {
        let text: String
        switch error {
        case let e as AnalysisError where e.code == .unreadableInput: text = e.message   // names the file
        case let e as ReportingError: text = (image.map { $0 + ": " } ?? "") + e.description
        default: text = (image.map { $0 + ": " } ?? "") + "\(error)"
        }
        FileHandle.standardError.write(Data(("leuko analyze: " + text + "\n").utf8))
    }

    /// Runs set-up work (model loading); a failure is printed and exits with its status.
    static func exitOnFailure<T>(_ image: String?, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as ValidationError { throw error } catch {
            printError(error, image: image)
            throw ExitCode(exitStatus(error))
        }
    }
}

/// Sizes such as `2G`, `1500M`, `512k`, `2GB` or plain bytes (binary multiples).
enum ByteCount {
    static func parse(_ text: String) -> Int? {
        var t = text.trimmingCharacters(in: .whitespaces).uppercased()
        if t.hasSuffix("IB") { t.removeLast(2) } else if t.hasSuffix("B") { t.removeLast() }
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        var multiplier = 1
        if let last = t.last, let unit = units[last] { multiplier = unit; t.removeLast() }
        guard let value = Double(t), value > 0, value * Double(multiplier) < 9e18 else { return nil }
        return Int(value * Double(multiplier))
    }
}
