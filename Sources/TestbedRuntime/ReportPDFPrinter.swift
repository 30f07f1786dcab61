// Prints an HTML report to an A4 PDF through headless Chromium.
public import Foundation
public import TestbedConfiguration

/// Prints HTML reports to PDF with headless Chromium (Debian's `chromium` package), whose support of
/// CSS page-margin boxes puts "3 / 12 쪽" or "Page 3 of 12" at the foot of every page.
///
/// The HTML is written to a private temporary folder and printed from there by
/// `chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer --print-to-pdf=OUT file://IN`,
/// with a throw-away profile (`--user-data-dir`) so that a browser the user has open is neither used
/// nor disturbed. The page size and margins are the report's own `@page` rule (A4, 14 mm). The sandbox
/// is off because Chromium refuses to start as root with it on (CI runs as root); the document is
/// Haechi's own, with no script and nothing fetched. A run that outlasts ``timeout`` is killed.
public struct ReportPDFPrinter: Sendable {
    /// The environment variable that names the Chromium (or Chrome) executable to use.
    public static let environmentVariable = "HAECHI_CHROMIUM"
    /// Where ``locate(environment:)`` looks when the variable is not set.
    public static let candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]

    /// The browser's executable.
    public let executable: String
    /// How long one page may take to print before the browser is killed.
    public var timeout: Duration

    /// A printer that runs `executable`.
    public init(executable: String, timeout: Duration = .seconds(120)) {
        self.executable = executable
        self.timeout = timeout
    }

    /// The printer for this machine: `HAECHI_CHROMIUM` if set, else the first of `candidates` that exists.
    /// - Throws: ``RuntimeError/Code/io`` naming the Debian package to install when there is none.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment,
                              candidates: [String] = candidates) throws(RuntimeError) -> ReportPDFPrinter {
        if let path = environment[environmentVariable], !path.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: path) else {
                throw RuntimeError(code: .io, file: path, message: "\(environmentVariable) names no executable file")
            }
            return ReportPDFPrinter(executable: path)
        }
        guard let path = candidates.first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw RuntimeError(code: .io, message: "--pdf prints with headless Chromium, which is not installed "
                               + "(looked for \(candidates.joined(separator: ", "))): install the Debian package 'chromium' "
                               + "(sudo apt-get install chromium), or set \(environmentVariable) to a Chromium or Chrome executable")
        }
        return ReportPDFPrinter(executable: path)
    }

    /// The command-line arguments that print `input` to `output` with the profile folder `profile`.
    func arguments(input: URL, output: URL, profile: URL) -> [String] {
        ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
         "--no-pdf-header-footer", "--user-data-dir=\(profile.path)", "--print-to-pdf=\(output.path)", input.absoluteString]
    }

    /// `html` printed to PDF; `name` (`report.ko`) names the temporary files and the errors.
    /// - Throws: ``RuntimeError/Code/io`` when the browser cannot start, fails, times out or writes no PDF,
    ///   with the end of what it wrote to standard error.
    public func print(html: Data, name: String) throws(RuntimeError) -> Data {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("haechi-pdf-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("\(name).html"), output = folder.appendingPathComponent("\(name).pdf")
        let log = folder.appendingPathComponent("chromium.log")
        do {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("profile"), withIntermediateDirectories: true)
            try html.write(to: input)
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        } catch {
            throw RuntimeError(code: .io, file: folder.path, message: "cannot prepare the PDF of \(name): \(RuntimeError.reason(error))")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments(input: input, output: output, profile: folder.appendingPathComponent("profile"))
        let logHandle = try? FileHandle(forWritingTo: log)
        process.standardOutput = logHandle ?? FileHandle.nullDevice
        process.standardError = logHandle ?? FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        do { try process.run() } catch {
            throw RuntimeError(code: .io, file: executable, message: "cannot start Chromium to print \(name).pdf: \(RuntimeError.reason(error))")
        }
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        if finished.wait(timeout: .now() + seconds) == .timedOut {
            process.terminate()
            if finished.wait(timeout: .now() + 5) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
                finished.wait()
            }
            throw RuntimeError(code: .io, file: executable, message: "Chromium did not print \(name).pdf within \(Int(seconds)) s: "
                               + "stopped\(Self.tail(log))")
        }
        try? logHandle?.close()
        guard process.terminationStatus == 0, let pdf = FileManager.default.contents(atPath: output.path), pdf.starts(with: Data("%PDF-".utf8)) else {
            throw RuntimeError(code: .io, file: executable, message: "Chromium did not print \(name).pdf "
                               + "(exit status \(process.terminationStatus))\(Self.tail(log))")
        }
        return pdf
    }

    /// The last lines the browser wrote, for an error message.
    private static func tail(_ log: URL) -> String {
        guard let text = try? String(contentsOf: log, encoding: .utf8) else { return "" }
        let lines = text.split(separator: "\n").suffix(6)
        return lines.isEmpty ? "" : ":\n  " + lines.joined(separator: "\n  ")
    }
}
