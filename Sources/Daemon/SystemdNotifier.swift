import Foundation
import Glibc

/// `sd_notify` written in Swift: datagrams to the Unix socket systemd names in
/// `$NOTIFY_SOCKET` (a path, or `@name` for the abstract namespace).
///
/// Without `$NOTIFY_SOCKET` (not started by systemd, or `Type=` not `notify`) every call does
/// nothing, like libsystemd's. `watchdogInterval` is `$WATCHDOG_USEC` when it is meant for this
/// process (`$WATCHDOG_PID` absent or equal to our pid); send `WATCHDOG=1` at half of it from
/// the loop that proves the daemon works. Each message opens, sends on and closes its own
/// socket, so the type holds no descriptor.
package struct SystemdNotifier: Sendable {
    /// The socket address, or nil when not under systemd's notify protocol.
    package let socketPath: String?
    /// The watchdog timeout systemd expects pings within, or nil when the watchdog is off.
    package let watchdogInterval: Duration?

    package init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let path = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        socketPath = path
        if let usec = environment["WATCHDOG_USEC"].flatMap(UInt64.init), usec > 0,
           environment["WATCHDOG_PID"].flatMap(Int32.init).map({ $0 == getpid() }) ?? true {
            watchdogInterval = .microseconds(Int64(min(usec, UInt64(Int64.max))))
        } else {
            watchdogInterval = nil
        }
    }

    /// How often to send `WATCHDOG=1` (half the watchdog timeout), or nil.
    package var watchdogPingInterval: Duration? { watchdogInterval.map { $0 / 2 } }

    /// `READY=1` with a status line: start-up finished.
    package func ready(status: String) throws { try send(["READY=1", "STATUS=\(oneLine(status))"]) }

    /// `STATUS=…`: the line `systemctl status` shows.
    package func status(_ text: String) throws { try send(["STATUS=\(oneLine(text))"]) }

    /// `WATCHDOG=1`: still healthy.
    package func watchdog() throws { try send(["WATCHDOG=1"]) }

    /// `RELOADING=1` (with the monotonic time systemd's notify-reload expects).
    package func reloading() throws {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        let usec = UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1_000
        try send(["RELOADING=1", "MONOTONIC_USEC=\(usec)"])
    }

    /// `STOPPING=1`: shutdown began.
    package func stopping() throws { try send(["STOPPING=1"]) }

    /// Sends the assignments as one datagram (newline-separated). Throws
    /// `DaemonError.systemd` when the socket cannot be reached.
    package func send(_ assignments: [String]) throws {
        guard let socketPath else { return }
        let message = Array(assignments.joined(separator: "\n").utf8)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var pathBytes = Array(socketPath.utf8)
        if pathBytes.first == UInt8(ascii: "@") { pathBytes[0] = 0 }  // abstract namespace
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity else {
            throw DaemonError(.systemd, "NOTIFY_SOCKET path is too long (\(pathBytes.count) bytes)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
        }
        // Abstract names use exactly their bytes; paths also count their terminating NUL.
        let length = MemoryLayout<sa_family_t>.size + pathBytes.count + (pathBytes.first == 0 ? 0 : 1)
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw DaemonError(.systemd, "cannot create a socket for NOTIFY_SOCKET: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                sendto(fd, message, message.count, Int32(MSG_NOSIGNAL), sa, socklen_t(length))
            }
        }
        guard sent == message.count else {
            throw DaemonError(.systemd, "cannot notify systemd at \(socketPath): \(String(cString: strerror(errno)))")
        }
    }

    private func oneLine(_ text: String) -> String {
        text.replacingOccurrences(of: "\n", with: " ")
    }
}
