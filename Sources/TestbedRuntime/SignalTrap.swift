// SIGINT and SIGTERM become a flag the run loop polls: the clean way to stop from a C signal handler.
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The last stop signal received (0: none). A signal handler may only touch lock-free state.
private let receivedStopSignal = Atomic<Int32>(0)

/// Catches SIGINT and SIGTERM so a run can stop cleanly and still write its summary.
enum SignalTrap {
    /// Installs the handlers (idempotent) and clears any earlier signal.
    static func install() {
        receivedStopSignal.store(0, ordering: .relaxed)
        let handler: @convention(c) (Int32) -> Void = { number in
            receivedStopSignal.store(number, ordering: .relaxed)
            // A second Ctrl-C stops at once, should the clean stop ever hang.
            signal(number, SIG_DFL)
        }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
        // A write past the file-size limit (RLIMIT_FSIZE) must fail with EFBIG, which the recorder
        // reports and stops on, rather than kill the process with SIGXFSZ mid-write.
        signal(SIGXFSZ, SIG_IGN)
        // A closed pipe (e.g. `| head`) must not kill the run before its summary is written.
        signal(SIGPIPE, SIG_IGN)
    }

    /// The signal that asked to stop, if one has.
    static var stopSignal: Int32? {
        let value = receivedStopSignal.load(ordering: .relaxed)
        return value == 0 ? nil : value
    }
}
