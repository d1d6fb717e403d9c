import Daemon
import Foundation
import ImageIO
import Testing

/// `systemd/leuko.service` and `make install`: the unit passes `systemd-analyze verify` and
/// declares the service contract (notify, watchdog, reload, hardening); the install puts the
/// binary, unit, user, folders, configuration and model where the unit and the binary look.
@Suite struct PackagingTests {
    static let unitPath = ToolRun.packageRoot + "/systemd/leuko.service"

    /// The unit's `Key=value` lines of section [Service] (a key may repeat).
    static func serviceSettings() throws -> [(key: String, value: String)] {
        let text = try String(contentsOfFile: unitPath, encoding: .utf8)
        var section = ""
        var settings: [(key: String, value: String)] = []
        for line in text.split(separator: "\n").map(String.init) where !line.hasPrefix("#") {
            if line.hasPrefix("[") { section = line; continue }
            guard section == "[Service]", let equals = line.firstIndex(of: "=") else { continue }
            settings.append((String(line[..<equals]), String(line[line.index(after: equals)...])))
        }
        return settings
    }

    @Test func theUnitDeclaresNotifyWatchdogReloadAndHardening() throws {
        let settings = try Self.serviceSettings()
        func value(_ key: String) -> String? { settings.last { $0.key == key }?.value }
        let required: [String: String] = [
            "Type": "notify", "Restart": "on-failure", "User": "leuko", "Group": "leuko",
            "StateDirectory": "leuko", "ConfigurationDirectory": "leuko", "ProtectSystem": "strict",
            "ProtectHome": "yes", "PrivateTmp": "yes", "NoNewPrivileges": "yes", "PrivateNetwork": "yes",
            "RestrictAddressFamilies": "AF_UNIX", "CapabilityBoundingSet": "",
            "ExecReload": "/bin/kill -HUP $MAINPID",
            "ExecStart": "/usr/local/bin/leuko daemon --config /etc/leuko/leuko.toml",
        ]
        for (key, expected) in required { #expect(value(key) == expected, "\(key)") }
        for key in ["WatchdogSec", "MemoryMax", "ReadWritePaths", "SystemCallFilter", "TimeoutStopSec"] {
            #expect(value(key)?.isEmpty == false, "\(key) is set")
        }
        // Configuration errors (78) and an unusable queue database (65 corrupt, 66 deleted or
        // replaced, 77 read-only) must not loop through restarts: the unit ends failed.
        #expect(Set(value("RestartPreventExitStatus")?.split(separator: " ").map(String.init) ?? []) == ["65", "66", "77", "78"])
        // The stop timeout leaves the daemon's default shutdown deadline room to hand jobs back.
        let stop = Int(value("TimeoutStopSec")?.replacingOccurrences(of: "s", with: "") ?? "") ?? 0
        #expect(stop > Configuration(inboxes: ["/i"], outbox: "/o").shutdownTimeoutSeconds)
    }

    // Needs systemd's tools (CI installs package `systemd`) and the built binary.
    @Test(.enabled(if: ToolRun.which("systemd-analyze") != nil && ToolRun.leukoBinary != nil,
                   "systemd-analyze or the built leuko binary is missing: install package systemd"))
    func theUnitPassesSystemdAnalyzeVerify() throws {
        let scratch = NSTemporaryDirectory() + "leuko-unit-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        // verify checks that ExecStart's program exists: point it at the binary under test,
        // exactly as `make install` points it at $(PREFIX)/bin/leuko.
        let unit = try String(contentsOfFile: Self.unitPath, encoding: .utf8)
            .replacingOccurrences(of: "/usr/local/bin/leuko", with: ToolRun.leukoBinary!)
        try Data(unit.utf8).write(to: URL(fileURLWithPath: scratch + "/leuko.service"))
        let run = try ToolRun.run(ToolRun.which("systemd-analyze")!, ["verify", scratch + "/leuko.service"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stderr.contains("leuko.service"), "no warnings about the unit: \(run.stderr)")
    }

    // Needs make and the built binary (installed as is, so the test does not build again).
    @Test(.enabled(if: ToolRun.which("make") != nil && ToolRun.leukoBinary != nil, "make or the built leuko binary is missing"))
    func makeInstallPutsEverythingUnderDestdirAndKeepsAnEditedConfiguration() throws {
        let destdir = NSTemporaryDirectory() + "leuko-install-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: destdir) }
        let arguments = ["-s", "install", "DESTDIR=\(destdir)", "PREFIX=/opt/leuko", "LEUKO_BINARY=\(ToolRun.leukoBinary!)"]
        let first = try ToolRun.run(ToolRun.which("make")!, arguments, in: ToolRun.packageRoot)
        #expect(first.status == 0, "\(first.stderr)")
        let files = FileManager.default
        func mode(_ path: String) -> Int? { try? files.attributesOfItem(atPath: destdir + path)[.posixPermissions] as? Int }

        #expect(files.isExecutableFile(atPath: destdir + "/opt/leuko/bin/leuko") && mode("/opt/leuko/bin/leuko") == 0o755)
        let unit = try String(contentsOfFile: destdir + "/opt/leuko/lib/systemd/system/leuko.service", encoding: .utf8)
        #expect(unit.contains("\nExecStart=/opt/leuko/bin/leuko daemon --config /etc/leuko/leuko.toml\n"), "unit points at PREFIX")
        #expect(!unit.contains(destdir), "DESTDIR never leaks into installed files")
        let sysusers = try String(contentsOfFile: destdir + "/opt/leuko/lib/sysusers.d/leuko.conf", encoding: .utf8)
        #expect(sysusers.contains("\nu leuko - "))
        let tmpfiles = try String(contentsOfFile: destdir + "/opt/leuko/lib/tmpfiles.d/leuko.conf", encoding: .utf8)
        #expect(tmpfiles.contains("d /var/lib/leuko/inbox") && tmpfiles.contains("d /var/lib/leuko/outbox"))
        // Sticky inbox (scanner accounts cannot delete each other's files); outbox not world-listable.
        #expect(tmpfiles.contains("d /var/lib/leuko/inbox   3770 leuko leuko -"), "\(tmpfiles)")
        #expect(tmpfiles.contains("d /var/lib/leuko/outbox  2750 leuko leuko -"), "\(tmpfiles)")
        let model = "/opt/leuko/share/leuko/leuko-wbc-v1.safetensors"
        #expect(files.contentsEqual(atPath: destdir + model, andPath: ToolRun.packageRoot + "/Models/leuko-wbc-v1.safetensors"))
        #expect(mode(model) == 0o644)

        // The installed configuration loads and names the installed model.
        let config = destdir + "/etc/leuko/leuko.toml"
        let configuration = try Configuration.load(path: config)
        #expect(configuration.model == model)
        #expect(configuration.inboxes == ["/var/lib/leuko/inbox"] && configuration.outbox == "/var/lib/leuko/outbox")

        // The installed binary finds the installed model by itself (PREFIX/share/leuko, found
        // from PREFIX/bin): `leuko analyze` without --weights and without $LEUKO_MODEL.
        let field = destdir + "/field.png"
        try ImageWriter.writePNG(SyntheticField.image(width: 96, height: 96, whiteCells: 1, seed: 3), to: field)
        var environment = ProcessInfo.processInfo.environment
        environment["LEUKO_MODEL"] = nil
        let analyze = try ToolRun.run(destdir + "/opt/leuko/bin/leuko", ["analyze", field, "-o", destdir + "/report", "--quiet"],
                                      in: destdir, environment: environment)
        #expect(analyze.status == 0, "\(analyze.stderr)")
        #expect(FileManager.default.fileExists(atPath: destdir + "/report/report.json"))

        // A second install (an upgrade) keeps the admin's edits and puts the new default beside them.
        let edited = try String(contentsOfFile: config, encoding: .utf8) + "\nworkers = 2\n"
        try Data(edited.utf8).write(to: URL(fileURLWithPath: config))
        let second = try ToolRun.run(ToolRun.which("make")!, arguments, in: ToolRun.packageRoot)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try String(contentsOfFile: config, encoding: .utf8) == edited)
        #expect(try Configuration.load(path: config + ".default").workers == 1)
    }
}
