import Foundation

/// SIGINT and SIGTERM during `fit`: the handler only notes the signal; the loop finishes the
/// current optimizer step, saves `last.ckpt`, and `fit` throws `TrainerError.interrupted`.
enum TrainerSignals {
    nonisolated(unsafe) static var pending = false
    /// The signal that arrived.
    nonisolated(unsafe) static var received: Int32 = 0

    /// The name of the signal that arrived.
    static var receivedName: String { received == SIGTERM ? "SIGTERM" : "SIGINT" }

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
        let handler: @convention(c) (Int32) -> Void = { signal in
            TrainerSignals.received = signal
            TrainerSignals.pending = true
        }
        return Previous(interrupt: signal(SIGINT, handler), terminate: signal(SIGTERM, handler))
    }
}
