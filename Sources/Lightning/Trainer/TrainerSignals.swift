import Foundation
import Torch

/// SIGINT, SIGTERM and SLURM's requeue signal during `fit`: the handler only notes the signal;
/// at an optimizer-step boundary (one every rank agrees on) the fit loop saves a checkpoint and
/// `fit` throws `TrainerError.interrupted` or `.requeued`.
enum TrainerSignals {
    /// The signal that arrived and is not handled yet, or 0.
    nonisolated(unsafe) static var pending: Int32 = 0

    /// When the ranks of a multi-process fit next agree on signals: agreeing is a collective, so
    /// they do it about once a second, at a boundary count they all computed alike.
    struct Schedule {
        /// Step boundaries seen in this fit.
        var boundaries = 0
        /// The boundary at which the ranks agree next.
        var next = 1
        /// The boundary and time of the last agreement.
        var last = (boundary: 0, time: Date().timeIntervalSinceReferenceDate)
    }

    /// A signal's name for messages.
    static func name(_ signal: Int32) -> String {
        switch signal {
        case SIGINT: return "SIGINT"
        case SIGTERM: return "SIGTERM"
        case SIGUSR1: return "SIGUSR1"
        case SIGUSR2: return "SIGUSR2"
        case SIGHUP: return "SIGHUP"
        default: return "signal \(signal)"
        }
    }

    /// The handlers that were there before, to put back.
    struct Previous {
        let handlers: [(Int32, sighandler_t?)]
        func restore() {
            for (number, handler) in handlers { signal(number, handler) }
        }
    }

    /// Notes SIGINT, SIGTERM and `extra` (SLURM's requeue signal) until the returned handlers are restored.
    static func install(extra: Int32? = nil) -> Previous {
        pending = 0
        let handler: @convention(c) (Int32) -> Void = { signal in TrainerSignals.pending = signal }
        let numbers = [SIGINT, SIGTERM] + (extra.map { [$0] } ?? [])
        return Previous(handlers: numbers.map { ($0, signal($0, handler)) })
    }
}

extension Trainer {
    /// At an optimizer-step boundary: whether a signal arrived on any rank (every rank takes the
    /// same decision, SLURM's requeue signal before the others); if one did, the checkpoint it
    /// asks for is saved (and the job requeued) and fitting stops.
    func stopsForSignal() throws -> Bool {
        let requeueSignal = slurmRequeue?.signal
        var received = TrainerSignals.pending
        if strategyPlugin.worldSize > 1 {
            signalSchedule.boundaries += 1
            let schedule = signalSchedule
            guard schedule.boundaries >= schedule.next else { return false }
            // Each rank proposes the boundaries a second holds at its pace; the smallest wins.
            let now = Date().timeIntervalSinceReferenceDate
            let perBoundary = (now - schedule.last.time) / Double(max(schedule.boundaries - schedule.last.boundary, 1))
            let proposal = Int64(Swift.max(1, Swift.min(1000, Int(1 / Swift.max(perBoundary, 1e-6)))))
            let code: Int64 = received == 0 ? 0 : received == requeueSignal ? 1000 + Int64(received) : Int64(received)
            let vote = Tensor([code, -proposal])
            try strategyPlugin.allReduce(vote, op: .max)
            let agreed = vote.scalars(as: Int64.self)
            received = Int32(agreed[0] >= 1000 ? agreed[0] - 1000 : agreed[0])
            signalSchedule.next = schedule.boundaries + Int(-agreed[1])
            signalSchedule.last = (schedule.boundaries, now)
        }
        guard received != 0 else { return false }
        TrainerSignals.pending = 0
        interrupted = true
        let name = TrainerSignals.name(received)
        guard let requeue = slurmRequeue, received == requeue.signal else {
            let path = checkpointDirectory + "/last.ckpt"
            try saveCheckpoint(to: path)
            interruption = .interrupted(signal: name, checkpoint: path)
            return true
        }
        let path = try strategyPlugin.broadcast(SLURMRequeue.nextCheckpoint(in: options.defaultRootDir))
        try saveCheckpoint(to: path)
        interruption = .requeued(signal: name, checkpoint: path, job: SLURMRequeue.jobID() ?? "?")
        if strategyPlugin.isGlobalZero, let failure = requeue.requeue() {
            interruption = .interrupted(signal: name, checkpoint: path)
            printer("Requeueing the SLURM job failed (\(failure)); submit it again and fit resumes from \(path).")
        }
        return true
    }
}
