import Foundation
import Glibc

/// The real `leuko daemon` as a child process, for the end-to-end test: started directly (no
/// shell) with its own environment, its stderr appended to a log file, stopped with SIGKILL
/// (a crash) or SIGTERM (systemd's stop), and waited for.
final class DaemonProcess {
    let process = Process()
    let logPath: String

    /// Starts `binary daemon --config config` with `environment` added to this process's.
    init(binary: String, config: String, environment: [String: String], logPath: String) throws {
        self.logPath = logPath
        if !FileManager.default.fileExists(atPath: logPath) {
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["daemon", "--config", config]
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardError = log
        process.standardOutput = log
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    /// Sends `signal`.
    func send(_ signal: Int32) { kill(pid, signal) }

    /// Waits up to `timeout` for the process to exit; returns its status, or nil if it is
    /// still running.
    func wait(timeout: Duration) async -> (status: Int32, reason: Process.TerminationReason)? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if process.isRunning { return nil }
        return (process.terminationStatus, process.terminationReason)
    }

    /// The log so far (for failure messages): its last `lines` lines.
    func logTail(_ lines: Int = 40) -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    deinit {
        if process.isRunning { kill(pid, SIGKILL) }
    }
}
