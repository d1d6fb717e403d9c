import Foundation
import Glibc
import Testing
import Daemon

/// A datagram socket standing in for systemd's notify socket.
final class NotifyListener {
    let fd: Int32
    let address: String  // as NOTIFY_SOCKET would name it
    private let path: String?

    init(abstract: Bool) throws {
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        let name = "leuko-notify-test-\(UUID().uuidString.prefix(8))"
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        var bytes: [UInt8]
        if abstract {
            bytes = [0] + Array(name.utf8)
            address = "@" + name
            path = nil
        } else {
            let p = NSTemporaryDirectory() + name + ".sock"
            bytes = Array(p.utf8)
            address = p
            path = p
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (abstract ? 0 : 1))
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard rc == 0 else { throw POSIXError(.EADDRINUSE) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit {
        close(fd)
        if let path { unlink(path) }
    }

    /// The next datagram (waits at most 5 s), or nil.
    func receive() -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = recv(fd, &buffer, buffer.count, 0)
        return n >= 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : nil
    }

    /// The next datagram if one arrives within `timeoutMilliseconds`, or nil.
    func receive(timeoutMilliseconds: Int32) -> String? {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, timeoutMilliseconds) == 1 else { return nil }
        return receive()
    }
}

@Suite struct SystemdNotifierTests {
    @Test(arguments: [false, true])
    func messagesArriveOnThePathOrAbstractSocket(abstract: Bool) throws {
        let listener = try NotifyListener(abstract: abstract)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.address])
        try notifier.ready(status: "3 queued,\n1 running")
        #expect(listener.receive() == "READY=1\nSTATUS=3 queued, 1 running")
        try notifier.watchdog()
        #expect(listener.receive() == "WATCHDOG=1")
        try notifier.reloading()
        #expect(listener.receive()?.hasPrefix("RELOADING=1\nMONOTONIC_USEC=") == true)
        try notifier.stopping()
        #expect(listener.receive() == "STOPPING=1")
    }

    @Test func withoutNotifySocketNothingIsSent() throws {
        let notifier = SystemdNotifier(environment: [:])
        #expect(notifier.socketPath == nil && notifier.watchdogInterval == nil)
        try notifier.ready(status: "x")  // no error, no effect
    }

    @Test func anUnreachableSocketIsAnError() {
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": "/nonexistent/notify.sock"])
        #expect { try notifier.watchdog() } throws: { error in
            (error as? DaemonError)?.code == .systemd && "\(error)".contains("/nonexistent/notify.sock")
        }
    }

    @Test func watchdogIntervalIsForThisProcessOnly() {
        let mine = SystemdNotifier(environment: ["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "\(getpid())"])
        #expect(mine.watchdogInterval == .seconds(30) && mine.watchdogPingInterval == .seconds(15))
        let unnamed = SystemdNotifier(environment: ["WATCHDOG_USEC": "2000000"])
        #expect(unnamed.watchdogPingInterval == .seconds(1))
        let other = SystemdNotifier(environment: ["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"])
        #expect(other.watchdogInterval == nil)
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "0"]).watchdogInterval == nil)
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "soon"]).watchdogInterval == nil)
    }
}
