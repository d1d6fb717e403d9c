import Foundation
import Logging
import Testing
import Daemon

/// Collects lines. `@unchecked Sendable`: guarded by `lock`.
final class LineSink: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func append(_ line: String) { lock.withLock { items.append(line) } }
    var lines: [String] { lock.withLock { items } }
}

@Suite struct JournalLogHandlerTests {
    @Test func underJournaldLinesCarryTheSyslogPriority() {
        let sink = LineSink()
        var logger = Logger(label: "leuko") { label in
            JournalLogHandler(label: label, level: .debug, environment: ["JOURNAL_STREAM": "8:1234"], sink: sink.append)
        }
        logger[metadataKey: "worker"] = "w1"
        logger.info("job 3 succeeded")
        logger.warning("cannot watch /in/x")
        logger.error("job 4 failed", metadata: ["attempt": "2"])
        logger.trace("not shown")
        #expect(sink.lines == [
            "<6>leuko: job 3 succeeded [worker=w1]\n",
            "<4>leuko: cannot watch /in/x [worker=w1]\n",
            "<3>leuko: job 4 failed [attempt=2 worker=w1]\n",
        ])
    }

    @Test func aNewlineInAMessageCannotForgeALine() {
        let sink = LineSink()
        let logger = Logger(label: "leuko") { JournalLogHandler(label: $0, environment: ["JOURNAL_STREAM": "1:1"], sink: sink.append) }
        logger.info("queued /in/a.tif\n<3>leuko: fake error")
        #expect(sink.lines == ["<6>leuko: queued /in/a.tif\\n<3>leuko: fake error\n"])
    }

    @Test func outsideJournaldLinesStartWithTimeAndLevel() {
        let sink = LineSink()
        let logger = Logger(label: "leuko") { JournalLogHandler(label: $0, environment: [:], sink: sink.append) }
        logger.notice("stopping")
        let line = sink.lines.first ?? ""
        #expect(line.hasSuffix(" NOTICE leuko: stopping\n"))
        #expect(line.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ NOTICE leuko: stopping\n/) != nil)
    }

    @Test func prioritiesFollowSyslog() {
        #expect([Logger.Level.trace, .debug, .info, .notice, .warning, .error, .critical].map(JournalLogHandler.priority)
                == [7, 7, 6, 5, 4, 3, 2])
    }
}
