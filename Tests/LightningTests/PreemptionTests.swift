import Foundation
import Lightning
import TestSupport
import Torch
import XCTest

/// Jobs a cluster stops and starts again, with real processes: SLURM's requeue signal (a fake
/// `scontrol` on PATH records the requeue) and torchrun restarting a group after a worker died.
/// Each ends with the weights of the uninterrupted two-process run, bit for bit.
final class PreemptionTests: XCTestCase {
    typealias Run = DistributedTests.Run

    /// The variables `srun` gives task `rank` of a 2-task job 4242, with `bin` first on PATH.
    func slurmEnvironment(rank: Int, port: Int, bin: String) -> [String: String] {
        ["SLURM_JOB_ID": "4242", "SLURM_JOB_NAME": "train", "SLURM_NTASKS": "2", "SLURM_PROCID": String(rank),
         "SLURM_LOCALID": String(rank), "SLURM_NODEID": "0", "SLURM_JOB_NODELIST": "127.0.0.1",
         "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": String(port),
         "PATH": bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")]
    }

    /// Starts the two tasks of the job, their output in `dir/out-rank<r>` and `dir/err-rank<r>`.
    func startTasks(_ options: [String], dir: String, port: Int, bin: String) throws -> [Process] {
        try (0..<2).map { rank in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: DistributedTests.worker)
            process.arguments = options + ["--devices", "2", "--batch", "8", "--epochs", "2", "--out", dir]
            process.environment = ProcessInfo.processInfo.environment.merging(slurmEnvironment(rank: rank, port: port, bin: bin)) { $1 }
            for (name, setter) in [("out", { process.standardOutput = $0 }), ("err", { process.standardError = $0 })] as [(String, (FileHandle) -> Void)] {
                let path = "\(dir)/\(name)-rank\(rank)"
                FileManager.default.createFile(atPath: path, contents: nil)
                setter(try FileHandle(forWritingTo: URL(fileURLWithPath: path)))
            }
            try process.run()
            return process
        }
    }

    func waitForExit(_ processes: [Process], seconds: Double, file: StaticString = #filePath, line: UInt = #line) {
        let deadline = Date().addingTimeInterval(seconds)
        while processes.contains(where: \.isRunning) && Date() < deadline { usleep(50_000) }
        for process in processes where process.isRunning {
            XCTFail("a task is still running after \(seconds) s", file: file, line: line)
            kill(process.processIdentifier, SIGKILL)
        }
    }

    func text(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    /// SIGUSR1 to both tasks mid-epoch: they finish the step, save `hpc_ckpt_1.ckpt`, rank 0 runs
    /// `scontrol requeue 4242`, and both exit with a failure; the requeued job (the same command
    /// again) resumes from the checkpoint without being told and ends as the uninterrupted run.
    func testSLURMsRequeueSignalSavesRequeuesAndTheRequeuedJobResumesByItself() throws {
        let dir = try temporaryDirectory()
        let bin = dir + "/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try "#!/bin/sh\necho \"$@\" >> \(dir)/scontrol.log\n".write(toFile: bin + "/scontrol", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin + "/scontrol")
        let port = 33_000 + Int(getpid() % 1000)
        let first = try startTasks(["--sleep-ms", "300"], dir: dir, port: port, bin: bin)
        let deadline = Date().addingTimeInterval(60)
        while !(0..<2).allSatisfy({ FileManager.default.fileExists(atPath: "\(dir)/training-rank\($0)") }) && Date() < deadline {
            usleep(20_000)
        }
        for process in first { kill(process.processIdentifier, SIGUSR1) }
        waitForExit(first, seconds: 60)
        for (rank, process) in first.enumerated() {
            XCTAssertEqual(process.terminationStatus, 1, "rank \(rank) fails after requeueing: \(text("\(dir)/err-rank\(rank)"))")
        }
        XCTAssertTrue(text("\(dir)/err-rank0").contains("fit was stopped by SIGUSR1 after saving \(dir)/hpc_ckpt_1.ckpt; SLURM job 4242 was requeued"),
                      text("\(dir)/err-rank0"))
        XCTAssertEqual(text("\(dir)/scontrol.log"), "requeue 4242\n", "rank 0 requeued the job once")
        let saved = try TorchFile.load("\(dir)/hpc_ckpt_1.ckpt")
        let step = saved["global_step"]?.intValue ?? -1
        XCTAssertTrue((1..<8).contains(step), "stopped mid-run, at step \(step)")

        let second = try startTasks([], dir: dir, port: port + 1, bin: bin)
        waitForExit(second, seconds: 120)
        for (rank, process) in second.enumerated() {
            XCTAssertEqual(process.terminationStatus, 0, "rank \(rank): \(text("\(dir)/err-rank\(rank)"))")
        }
        XCTAssertTrue(text("\(dir)/out-rank0").contains("Resuming from the preemption checkpoint \(dir)/hpc_ckpt_1.ckpt."))
        let resumed = Run(dir: dir, result: nil)
        XCTAssertEqual(try resumed.perRank("global_step"), [8, 8])
        let whole = try DistributedTests.twoProcesses()
        for rank in 0..<2 {
            let (a, b) = (try resumed.weights(rank: rank), try whole.weights(rank: 0))
            XCTAssertEqual(Set(a.keys), Set(b.keys))
            for (key, value) in a { XCTAssertTrue(value.equal(b[key]!), "rank \(rank): \(key) differs from the uninterrupted run") }
        }
    }

    /// torchrun with `--max-restarts 1`: rank 1 is killed (SIGKILL) at step 5 of 8; the agent
    /// stops rank 0 and starts both again, and `ckptPath: .auto` resumes them from the newest
    /// step checkpoint; the finished weights equal the uninterrupted run's bit for bit.
    func testTorchrunRestartsResumeFromTheNewestCheckpointWithCkptPathAuto() throws {
        let dir = try temporaryDirectory()
        let port = String(34_000 + Int(getpid() % 1000))
        let result = try runProcess(packageRoot + "/.venv/bin/torchrun", [
            "--no-python", "--nproc_per_node", "2", "--max-restarts", "1", "--master_port", port, DistributedTests.worker,
            "--devices", "2", "--batch", "8", "--epochs", "2", "--save-every", "1", "--ckpt", "auto",
            "--crash-rank", "1", "--crash-step", "5", "--out", dir,
        ])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(dir)/crashed"), "rank 1 was killed once")
        XCTAssertTrue(result.stdout.contains("ckptPath: .auto resumes from \(dir)/checkpoints/epoch="), result.stdout)
        let run = Run(dir: dir, result: nil)
        XCTAssertEqual(try run.perRank("global_step"), [8, 8])
        let whole = try DistributedTests.twoProcesses()
        for rank in 0..<2 {
            let (a, b) = (try run.weights(rank: rank), try whole.weights(rank: 0))
            for (key, value) in a { XCTAssertTrue(value.equal(b[key]!), "rank \(rank): \(key) differs from the uninterrupted run") }
        }
    }

    /// A process killed (SIGKILL) while `AsyncCheckpointIO` writes in the background leaves
    /// every checkpoint file whole (the one in flight is a temporary file, removed by the next
    /// save), and `ckptPath: .auto` resumes to the uninterrupted run's weights.
    func testAKillDuringAnAsyncWriteLeavesThePreviousCheckpointsWhole() throws {
        let options = ["devices": "1", "batch": "16", "epochs": "2", "width": "1024", "hidden-layers": "4",
                       "save-every": "1", "async-checkpoints": "1"]
        let whole = try DistributedTests.run(options)
        XCTAssertEqual(whole.result?.status, 0, whole.result?.stderr ?? "")
        let dir = try temporaryDirectory()
        let killed = try DistributedTests.run(options.merging(["crash-rank": "0", "crash-step": "4"]) { $1 }, dir: dir)
        XCTAssertEqual(killed.result?.status, SIGKILL, "killed: \(killed.result?.stderr ?? "")")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir + "/checkpoints")
        XCTAssertTrue(names.contains("epoch=0-step=3.ckpt"), "\(names): the save of step 4 waited for step 3's write")
        for name in names where name.hasSuffix(".ckpt") {
            XCTAssertNoThrow(try TorchFile.load("\(dir)/checkpoints/\(name)"), name)
        }
        let resumed = try DistributedTests.run(options.merging(["ckpt": "auto"]) { $1 }, dir: dir)
        XCTAssertEqual(resumed.result?.status, 0, resumed.result?.stderr ?? "")
        let (a, b) = (try resumed.weights(), try whole.weights())
        for (key, value) in a { XCTAssertTrue(value.equal(b[key]!), "\(key) differs from the uninterrupted run") }
    }
}
