/// How far the end of a training epoch has run, so that a checkpoint saved there resumes after
/// what already ran (Lightning's epoch progress: processed versus completed).
enum EpochPhase: String {
    /// Batches are running (or all ran and nothing of the epoch's end has).
    case training
    /// The end-of-epoch validation ran.
    case validated
    /// The epoch's end ran: metrics published, epoch schedulers stepped, epoch-end hooks called.
    case ended
}
