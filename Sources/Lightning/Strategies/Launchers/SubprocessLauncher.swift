import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Starts the other ranks of this node by running this program again with torchrun's
/// variables set (Lightning's subprocess script launcher), and keeps the job whole: if a rank
/// ends with an error, the others are killed and this process exits with that rank's code;
/// if this process ends, its children do too; Ctrl-C stops every rank.
enum SubprocessLauncher {
    /// The variable a child reads to find the launching process.
    static let launcherVariable = "SWIFT_LIGHTNING_LAUNCHER_PID"

    /// Child pids, in storage a signal handler can read.
    nonisolated(unsafe) static let pids = UnsafeMutablePointer<pid_t>.allocate(capacity: 1024)
    nonisolated(unsafe) static var pidCount = 0
    nonisolated(unsafe) static var ranks: [pid_t: Int] = [:]
    /// Set when this process ends the job itself: children ending then are no news.
    nonisolated(unsafe) static var stopping = false
    static let lock = NSLock()

    /// Writes one line to standard error, whole, whatever other threads print.
    static func report(_ message: String) {
        let line = Array("swift-lightning: \(message)\n".utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }

    /// A TCP port nothing listens on now.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TrainerError.misconfiguration("cannot open a socket to find a free port") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw TrainerError.misconfiguration("cannot bind a socket to find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Starts local ranks 1..<localWorldSize running this program with the same arguments.
    static func launch(_ environment: ClusterEnvironment, port: Int) throws {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let base = ProcessInfo.processInfo.environment
        for localRank in 1..<environment.localWorldSize {
            var variables = base.merging(environment.child(localRank: localRank, port: port)) { $1 }
            variables[launcherVariable] = String(getpid())
            let pid = try spawn(executable, arguments: CommandLine.arguments, environment: variables)
            lock.lock()
            pids[pidCount] = pid
            pidCount += 1
            ranks[pid] = environment.nodeRank * environment.localWorldSize + localRank
            lock.unlock()
        }
        for (key, value) in environment.child(localRank: 0, port: port) { setenv(key, value, 1) }
        let observer = Thread { observeChildren() }
        observer.name = "swift-lightning child observer"
        observer.start()
        atexit { SubprocessLauncher.waitForChildren() }
    }

    private static func spawn(_ executable: String, arguments: [String], environment: [String: String]) throws -> pid_t {
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, nil, nil, argv, envp)
        guard status == 0 else {
            throw TrainerError.misconfiguration("cannot start \(executable) for another rank: \(String(cString: strerror(status)))")
        }
        return pid
    }

    /// Reaps children as they end; the first failure stops the whole job.
    private static func observeChildren() {
        while true {
            lock.lock()
            let current = (0..<pidCount).map { pids[$0] }
            lock.unlock()
            for pid in current {
                var status: Int32 = 0
                guard waitpid(pid, &status, WNOHANG) == pid else { continue }
                remove(pid)
                let signaled = (status & 0x7f) != 0
                let code = signaled ? 128 + (status & 0x7f) : (status >> 8) & 0xff
                if code != 0 && !stopping {
                    let how = signaled ? "was killed by signal \(status & 0x7f)" : "exited with code \(code)"
                    lock.lock()
                    let rank = ranks[pid] ?? -1
                    lock.unlock()
                    report("rank \(rank) (pid \(pid)) \(how); stopping the other ranks.")
                    killChildren()
                    _exit(code)
                }
            }
            usleep(50_000)
        }
    }

    private static func remove(_ pid: pid_t) {
        lock.lock()
        defer { lock.unlock() }
        guard let index = (0..<pidCount).first(where: { pids[$0] == pid }) else { return }
        pids[index] = pids[pidCount - 1]
        pidCount -= 1
    }

    /// Ends the job from this process (its own run failed): kills the children, quietly.
    static func stopChildren() {
        stopping = true
        killChildren()
    }

    /// Kills every child still running (safe in a signal handler).
    static func killChildren() {
        for i in 0..<pidCount { kill(pids[i], SIGKILL) }
    }

    /// At exit, gives the children up to a minute to finish, then kills them.
    private static func waitForChildren() {
        for _ in 0..<1200 {
            lock.lock()
            let running = pidCount
            lock.unlock()
            if running == 0 { return }
            usleep(50_000)
        }
        killChildren()
    }

    /// In a child: ends this process when the launching process is gone.
    static func watchLauncher() {
        guard let text = ProcessInfo.processInfo.environment[launcherVariable], let launcher = pid_t(text),
              getppid() == launcher else { return }
        let watcher = Thread {
            while getppid() == launcher { usleep(200_000) }
            report("the launching process (rank 0) ended; stopping this rank.")
            _exit(1)
        }
        watcher.name = "swift-lightning launcher watch"
        watcher.start()
    }

    /// Ctrl-C or SIGTERM in a distributed run: every rank stops at once.
    static func installSignalHandlers() {
        let handler: @convention(c) (Int32) -> Void = { signal in
            SubprocessLauncher.killChildren()
            _exit(128 + signal)
        }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
    }
}
