import Foundation
import Testing
import Daemon
import FolderWatch
import JobQueue

@Suite struct ConfigurationTests {
    /// The shipped `etc/leuko.toml`, found from this file (not the working directory).
    static let shippedFile = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("etc/leuko.toml").path

    static let required = """
        inboxes = ["/srv/in"]
        outbox = "/srv/out"

        """

    @Test func onlyTheRequiredKeysGiveTheDefaults() throws {
        let c = try Configuration.parse(Self.required)
        #expect(c == Configuration(inboxes: ["/srv/in"], outbox: "/srv/out"))
        #expect(c.workers == 1 && c.settleMilliseconds == 2000 && c.maxAttempts == 5 && c.onSuccess == .keep)
        #expect(!c.followSymlinks && !c.allowHardLinks)
    }

    @Test func theShippedFileLoads() throws {
        let c = try Configuration.load(path: Self.shippedFile)
        #expect(c == Configuration(inboxes: ["/var/lib/leuko/inbox"], outbox: "/var/lib/leuko/outbox"))
    }

    /// Every key is documented in etc/leuko.toml as `# key = default`, and the default written
    /// there is the one in force: uncommenting all of them changes nothing.
    @Test func theShippedFileDocumentsEveryKeyWithItsTrueDefault() throws {
        let text = try String(contentsOfFile: Self.shippedFile, encoding: .utf8)
        var documented: [String] = []
        var uncommented: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if let match = line.wholeMatch(of: /# ([a-z_]+) = (.+)/) {
                documented.append(String(match.1))
                uncommented.append(String(line.dropFirst(2)))
            } else if let match = line.wholeMatch(of: /([a-z_]+) = (.+)/) {
                documented.append(String(match.1))
                uncommented.append(String(line))
            } else {
                uncommented.append(String(line))
            }
        }
        #expect(documented.sorted() == Configuration.keys.sorted())
        let all = try Configuration.parse(uncommented.joined(separator: "\n"), source: "uncommented leuko.toml")
        #expect(all == Configuration(inboxes: ["/var/lib/leuko/inbox"], outbox: "/var/lib/leuko/outbox"))
    }

    @Test func everyKeyIsRead() throws {
        let c = try Configuration.parse("""
            inboxes = ["/srv/a", "/srv/b/"]
            outbox = "/srv/out"
            database = "/db/q.sqlite"
            model = "/m/w.safetensors"
            workers = 2
            threads_per_worker = 3
            settle_ms = 0
            rescan_interval_s = 60
            ignore = []
            follow_symlinks = true
            allow_hard_links = true
            max_attempts = 7
            lease_s = 120
            backoff_base_s = 1
            backoff_factor = 3.5
            backoff_cap_s = 100
            backoff_jitter = 0
            retention_days = 0
            max_file_mb = 10
            max_pixels = 1000
            test_time_views = 4
            low_confidence = 0.85
            low_consistency = 0
            on_success = "move:/srv/done"
            report_group = "lab"
            report_file_mode = "0644"
            report_dir_mode = "2750"
            database_mode = "0660"
            shutdown_timeout_s = 5
            status_interval_s = 2
            log_level = "debug"
            """)
        #expect(c.inboxes == ["/srv/a", "/srv/b/"] && c.outbox == "/srv/out")
        #expect(c.database == "/db/q.sqlite" && c.model == "/m/w.safetensors")
        #expect(c.workers == 2 && c.threadsPerWorker == 3 && c.settleMilliseconds == 0 && c.rescanIntervalSeconds == 60)
        #expect(c.ignore.isEmpty && c.followSymlinks && c.allowHardLinks && c.maxAttempts == 7 && c.leaseSeconds == 120)
        #expect(c.backoffBaseSeconds == 1 && c.backoffFactor == 3.5 && c.backoffCapSeconds == 100 && c.backoffJitter == 0)
        #expect(c.retentionDays == 0 && c.maxFileMegabytes == 10 && c.maxPixels == 1000 && c.testTimeViews == 4)
        #expect(c.lowConfidence == 0.85 && c.lowConsistency == 0)
        #expect(c.onSuccess == .move(to: "/srv/done") && c.reportGroup == "lab")
        #expect(c.reportFileMode == 0o644 && c.reportDirectoryMode == 0o2750 && c.databaseMode == 0o660)
        #expect(c.shutdownTimeoutSeconds == 5 && c.statusIntervalSeconds == 2 && c.logLevel == .debug)

        let queue = c.jobQueueOptions
        #expect(queue.maxAttempts == 7 && queue.leaseDuration == 120)
        #expect(queue.backoff == BackoffPolicy(base: 1, factor: 3.5, cap: 100, jitter: 0))
        let watch = c.folderWatchOptions
        #expect(watch.settle == .zero && watch.rescanInterval == .seconds(60))
        #expect(watch.ignorePatterns.isEmpty && watch.followSymlinksInsideRoot)
    }

    @Test func unknownKeysAreErrorsNamingTheKeyWithAHint() {
        #expect { try Configuration.parse(Self.required + "wokers = 2\nfrobnicate = true\n") } throws: { error in
            let text = "\(error)"
            return text.contains("'frobnicate'") && text.contains("'wokers' (did you mean 'workers'?)")
        }
        #expect { try Configuration.parse(Self.required + "[backoff]\nbase = 1\n") } throws: { error in
            "\(error)".contains("unknown key 'backoff'")
        }
    }

    @Test(arguments: [
        ("workers = 0", "key 'workers'"),
        ("workers = \"two\"", "key 'workers'"),
        ("workers = 2.5", "key 'workers'"),
        ("settle_ms = -1", "key 'settle_ms'"),
        ("rescan_interval_s = 0", "key 'rescan_interval_s'"),
        ("max_attempts = 1000", "key 'max_attempts'"),
        ("backoff_jitter = 1.0", "key 'backoff_jitter'"),
        ("backoff_factor = 0.5", "key 'backoff_factor'"),
        ("backoff_base_s = 100\nbackoff_cap_s = 10", "key 'backoff_cap_s'"),
        ("follow_symlinks = \"yes\"", "key 'follow_symlinks'"),
        ("allow_hard_links = 1", "key 'allow_hard_links'"),
        ("ignore = [\"a/b\"]", "key 'ignore'"),
        ("ignore = [1, 2]", "key 'ignore'"),
        ("database = \"queue.sqlite\"", "key 'database'"),
        ("model = 42", "key 'model'"),
        ("report_file_mode = \"0999\"", "key 'report_file_mode'"),
        ("report_dir_mode = 750", "key 'report_dir_mode'"),
        ("on_success = \"delete\"", "key 'on_success'"),
        ("on_success = \"move:relative\"", "key 'on_success'"),
        ("on_success = \"move:/srv/in/done\"", "key 'on_success'"),
        ("log_level = \"loud\"", "key 'log_level'"),
        ("retention_days = -3", "key 'retention_days'"),
        ("test_time_views = 3", "key 'test_time_views'"),
        ("test_time_views = 16", "key 'test_time_views'"),
        ("low_confidence = 1.5", "key 'low_confidence'"),
        ("low_consistency = -0.1", "key 'low_consistency'"),
        ("low_consistency = \"high\"", "key 'low_consistency'"),
    ])
    func badValuesAreErrorsNamingTheKey(line: String, expected: String) {
        #expect { try Configuration.parse(Self.required + line + "\n", source: "test.toml") } throws: { error in
            guard let error = error as? DaemonError, error.code == .configuration else { return false }
            return error.message.contains(expected) && error.message.hasPrefix("test.toml: ")
        }
    }

    @Test(arguments: [
        ("outbox = \"/srv/out\"", "missing required key 'inboxes'"),
        ("inboxes = [\"/srv/in\"]", "missing required key 'outbox'"),
        ("inboxes = []\noutbox = \"/o\"", "key 'inboxes'"),
        ("inboxes = [\"in\"]\noutbox = \"/o\"", "key 'inboxes'"),
        ("inboxes = \"/srv/in\"\noutbox = \"/o\"", "key 'inboxes'"),
        ("inboxes = [\"/srv/in\", \"/srv/in/sub\"]\noutbox = \"/o\"", "key 'inboxes'"),
        ("inboxes = [\"/srv/in\"]\noutbox = \"/srv/in/reports\"", "key 'outbox'"),
        ("inboxes = [\"/srv/in/\"]\noutbox = \"/srv/in\"", "key 'outbox'"),
    ])
    func requiredFoldersAreChecked(document: String, expected: String) {
        #expect { try Configuration.parse(document) } throws: { error in
            "\(error)".contains(expected)
        }
    }

    @Test func syntaxErrorsGiveTheLine() {
        #expect { try Configuration.parse(Self.required + "workers = = 3\n", source: "bad.toml") } throws: { error in
            "\(error)".hasPrefix("bad.toml: line 3, column 11: ")
        }
    }

    @Test func aMissingFileIsAnErrorNamingIt() {
        let path = "/nonexistent-\(UUID().uuidString)/leuko.toml"
        #expect { try Configuration.load(path: path) } throws: { error in
            "\(error)" == "configuration file \(path) does not exist"
        }
    }
}
