// How every subcommand reports a failed run: the message on standard error, then its exit status.
import ArgumentParser
import TestbedRuntime
import Foundation
import TestbedConfiguration

extension RuntimeError {
    /// Prints `haechi: <error>` to standard error and returns the exit status: 2 for a config
    /// error, 1 for anything else (a file, socket or ingest failure).
    func reported() -> ExitCode {
        FileHandle.standardError.write(Data("haechi: \(self)\n".utf8))
        return ExitCode(code == .config ? 2 : 1)
    }
}
