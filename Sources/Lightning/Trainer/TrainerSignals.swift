import Foundation

/// SIGINT and SIGTERM during `fit`: the handler only raises a flag; the loop finishes the
/// current optimizer step, saves `last.ckpt` and returns.
enum TrainerSignals {
    nonisolated(unsafe) static var pending = false

    /// The handlers that were there before, to put back.
    struct Previous {
        let interrupt: sighandler_t?, terminate: sighandler_t?
        func restore() {
            signal(SIGINT, interrupt)
            signal(SIGTERM, terminate)
        }
    }

    static func install() -> Previous {
        pending = false
        let handler: @convention(c) (Int32) -> Void = { _ in TrainerSignals.pending = true }
        return Previous(interrupt: signal(SIGINT, handler), terminate: signal(SIGTERM, handler))
    }
}
