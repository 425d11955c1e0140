import Foundation
import Torch

/// The process group of this process's job, created once (as `init_process_group`) and
/// shared by every Trainer in the process: the first distributed run starts the other local
/// ranks when nothing else did, then every rank meets at rank 0's store. The first run's
/// backend is the group's.
enum DistributedConnection {
    nonisolated(unsafe) static var group: ProcessGroup?

    static func connect(_ environment: ClusterEnvironment, backend: ProcessGroupBackend, timeout: Double) throws -> ProcessGroup {
        if let group { return group }
        var port = environment.mainPort ?? 0
        if environment.kind == .local {
            if port == 0 { port = try SubprocessLauncher.freePort() }
            if environment.localWorldSize > 1 { try SubprocessLauncher.launch(environment, port: port) }
        } else {
            SubprocessLauncher.watchLauncher()
        }
        SubprocessLauncher.installSignalHandlers()
        let env = ProcessInfo.processInfo.environment
        if env["OMP_NUM_THREADS"] == nil && environment.localWorldSize > 1 {
            TorchSettings.numThreads = Swift.max(1, ProcessInfo.processInfo.activeProcessorCount / environment.localWorldSize)
        }
        let address = environment.mainAddress
        SubprocessLauncher.report("initializing distributed: rank \(environment.globalRank) of \(environment.worldSize) "
            + "(node \(environment.nodeRank), local rank \(environment.localRank)), store \(address):\(port), "
            + "\(environment.kind.rawValue) launch")
        let loopback = address == "127.0.0.1" || address == "localhost" || address == "::1"
        // Under torchrun its agent hosts the store: every rank joins it, and each restart attempt
        // meets under a prefix of its own, as PyTorch's env:// rendezvous does.
        let agentStore = env["TORCHELASTIC_USE_AGENT_STORE"] == "True"
        let store = try TCPStore(host: address, port: port, worldSize: environment.worldSize,
                                 isServer: environment.globalRank == 0 && !agentStore, timeout: timeout)
        let prefix = agentStore ? "/worker/attempt_\(env["TORCHELASTIC_RESTART_COUNT"] ?? "0")/" : ""
        let group = try ProcessGroup(backend: backend, store: store, prefix: prefix, rank: environment.globalRank, size: environment.worldSize,
                                     hostname: loopback && env["GLOO_SOCKET_IFNAME"] == nil ? "127.0.0.1" : nil,
                                     timeout: timeout)
        self.group = group
        return group
    }
}
