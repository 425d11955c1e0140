import Foundation

/// SLURM's auto-requeue (Lightning's `SLURMEnvironment(auto_requeue:requeue_signal:)`): on the
/// signal SLURM sends before a job's time limit or a preemption (`#SBATCH --signal=USR1@90`),
/// `fit` finishes the optimizer step, saves `hpc_ckpt_<n>.ckpt` in the root folder, requeues the
/// job from rank 0 with `scontrol requeue` and ends with `TrainerError.requeued`. The requeued
/// job's `fit` resumes from the newest `hpc_ckpt_<n>.ckpt` without being given a path.
public struct SLURMRequeue: Sendable, Equatable {
    /// The signal that asks for a requeue.
    public var signal: Int32

    /// Requeue on `signal` (SLURM's `--signal` default for this use is SIGUSR1).
    public init(signal: Int32 = SIGUSR1) {
        self.signal = signal
    }

    /// On by default in a SLURM batch job (not an interactive `bash` one), as Lightning's.
    static func detect(environment env: [String: String] = ProcessInfo.processInfo.environment) -> SLURMRequeue? {
        guard env["SLURM_JOB_ID"] != nil, !["bash", "interactive"].contains(env["SLURM_JOB_NAME"] ?? "") else { return nil }
        return SLURMRequeue()
    }

    /// The job to requeue: an array task's `<array job>_<task>`, or the job's id.
    static func jobID(environment env: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let array = env["SLURM_ARRAY_JOB_ID"], let task = env["SLURM_ARRAY_TASK_ID"] { return "\(array)_\(task)" }
        return env["SLURM_JOB_ID"]
    }

    /// Runs `scontrol requeue <job>`; the failure when it could not.
    func requeue() -> String? {
        guard let job = Self.jobID() else { return "SLURM_JOB_ID is not set" }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["scontrol", "requeue", job]
        do {
            try process.run()
            process.waitUntilExit()
        } catch {
            return "scontrol could not be run: \(error)"
        }
        return process.terminationStatus == 0 ? nil : "scontrol requeue \(job) exited with status \(process.terminationStatus)"
    }

    /// The path of the next preemption checkpoint in `root`: `hpc_ckpt_<newest + 1>.ckpt`.
    static func nextCheckpoint(in root: String) -> String {
        let next = (checkpoints(in: root).last?.version ?? 0) + 1
        return (root as NSString).appendingPathComponent("hpc_ckpt_\(next).ckpt")
    }

    /// The preemption checkpoints in `root`, oldest version first.
    static func checkpoints(in root: String) -> [(version: Int, path: String)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return names.compactMap { name -> (Int, String)? in
            guard name.hasPrefix("hpc_ckpt_"), name.hasSuffix(".ckpt"),
                  let version = Int(name.dropFirst("hpc_ckpt_".count).dropLast(".ckpt".count)) else { return nil }
            return (version, (root as NSString).appendingPathComponent(name))
        }.sorted { $0.0 < $1.0 }
    }
}
