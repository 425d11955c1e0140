/// Where a fit stands (Lightning's fit-loop progress): written by the fit loop alone (and by a
/// resume), read by everything else through the Trainer's `currentEpoch`, `globalStep`,
/// `batchIdx` and `batchesThatStepped`, saved in checkpoints (`FitLoopCheckpoint`, in Lightning's
/// counter layout) and continued from exactly on resume.
struct FitLoopProgress {
    /// The epoch being run (0-based).
    var epoch = 0
    /// Training batches of the epoch whose step ran (the resume position within it).
    var batchesDone = 0
    /// How far the epoch's end has run.
    var phase = EpochPhase.training
    /// Whether the last batch's end hooks are running: what follows them (a validation due
    /// after that batch) has not run yet.
    var batchEndPending = false
    /// Optimizer steps taken (`global_step`).
    var globalStep = 0
    /// Training batches after which an optimizer stepped, counted once however many stepped.
    var batchesThatStepped = 0

    /// A batch's step ran; its end hooks run next.
    mutating func batchProcessed(stepped: Bool) {
        batchesDone += 1
        if stepped { batchesThatStepped += 1 }
        batchEndPending = true
    }

    /// The epoch ended: the next one starts at its first batch.
    mutating func nextEpoch() {
        epoch += 1
        batchesDone = 0
        phase = .training
    }
}
