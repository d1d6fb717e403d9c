import ArgumentParser
import Daemon
import FolderWatch
import Foundation
import JobQueue

/// `leuko enqueue FILE…`: queue files by hand (idempotent: a file already queued is reported,
/// not queued again).
struct EnqueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enqueue",
        abstract: "Queue files for analysis by hand (a file already queued is not queued twice).",
        discussion: "Exit status: 0 when every file was queued or already known, 66 when a file is missing or not a regular file.")

    @OptionGroup var location: QueueLocation

    @Argument(help: "Image files.") var files: [String]

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one file") }
    }

    func run() async throws {
        var inputs: [JobInput] = []
        for file in files {
            let absolute = URL(fileURLWithPath: file).standardizedFileURL.resolvingSymlinksInPath().path
            guard let stat = FileStat.read(absolute, followingLinks: true), stat.kind == .regular else {
                FileHandle.standardError.write(Data("leuko: \(file): not found or not a regular file\n".utf8))
                throw ExitCode(ExitStatus.noInput.rawValue)
            }
            inputs.append(JobInput(path: absolute, size: stat.size, mtimeNanoseconds: stat.mtimeNanoseconds))
        }
        try await AdminExit.run {
            let outcomes = try await location.open(mustExist: false).enqueue(inputs)
            for (input, outcome) in zip(inputs, outcomes) {
                switch outcome {
                case .enqueued(let job): print("job \(job.id) queued: \(AdminOutput.oneLine(input.path))")
                case .duplicate(let id?): print("already queued as job \(id): \(AdminOutput.oneLine(input.path))")
                case .duplicate(nil): print("already processed (job pruned): \(AdminOutput.oneLine(input.path))")
                }
            }
        }
    }
}
