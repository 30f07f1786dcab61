// `haechi report`: a recorded run evaluated against a test plan; signed bilingual reports.
import ArgumentParser
import Reporting
import TestbedRuntime
import Foundation

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a recorded run against a test plan and write a signed certification report.",
        discussion: """
            Replays the run (a run id from the run log, or a recording), scores its detections and \
            tracks against the drones' truth, decides each criterion of the plan under its one-sided \
            confidence rule, and writes the report (HTML with inline plots, JSON, Markdown) with a \
            signed manifest (report.signature.json, Ed25519). The report is a DRAFT, marked so on every \
            page, until a certification officer signs it (haechi sign). The draft is logged in the run \
            log together with its files: a report that cannot be written leaves no entry. Without \
            --key, the range's key ~/.config/haechi/range-signing.key (or $HAECHI_RANGE_KEY) is used, \
            made on first use; a key beside the run log is refused. The \
            HTML embeds the Korean font of fonts-nanum (or $HAECHI_REPORT_FONT), cut to its own \
            characters; --pdf prints it to A4 PDF with headless Chromium (package chromium). \
            Reference: docs/reports.md. Exit status: 0 when written (whatever the verdicts), 1 on a \
            failure, 2 on a bad plan, 64 on a bad command line.
            """
    )

    @Argument(help: ArgumentHelp("A run id (haechi runs list) or a recording.", valueName: "run-id|file.mcap"))
    var target: String

    @Option(name: .long, help: ArgumentHelp("The test plan.", valueName: "plan.yaml"))
    var plan: String

    @Option(name: .long, help: ArgumentHelp("ko, en or both.", valueName: "lang"))
    var lang = "both"

    @Option(name: .long, help: ArgumentHelp("Comma-separated: html, json, md.", valueName: "formats"))
    var format = "html,json,md"

    @Option(name: [.short, .long], help: ArgumentHelp("The output folder.", valueName: "dir"))
    var out: String

    @Option(name: .long, help: ArgumentHelp("The run log.", valueName: "runlog.sqlite"))
    var log = "Replays/runlog.sqlite"

    @Option(name: .long, help: ArgumentHelp("The range's signing key (default: ~/.config/haechi/range-signing.key, made on first use).", valueName: "range.key"))
    var key: String?

    @Option(name: .long, help: ArgumentHelp("A system's own track file to score instead of Haechi's replayed tracker.", valueName: "tracks.jsonl"))
    var tracks: String?

    @Option(name: .long, help: ArgumentHelp("Score the tracks a system under test reported during the run (its CAT062 system tracks or JSON track records, by its sensor id) instead of Haechi's replayed tracker.", valueName: "sensor-id"))
    var systemTracks: String?

    @Flag(name: .long, help: "Also print each HTML report to an A4 PDF (report.<lang>.pdf, signed) with headless Chromium.")
    var pdf = false

    @Flag(name: [.short, .long], help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        if ReportLanguage(rawValue: lang) == nil { throw ValidationError("--lang must be ko, en or both") }
        let formats = format.split(separator: ",").map(String.init)
        if formats.isEmpty || formats.contains(where: { ReportFormat(rawValue: $0) == nil }) {
            throw ValidationError("--format must list html, json and/or md, comma-separated")
        }
        if pdf && !formats.contains("html") { throw ValidationError("--pdf prints the HTML report: add html to --format") }
        if tracks != nil && systemTracks != nil { throw ValidationError("--tracks and --system-tracks each name the tracks to score: give one") }
    }

    func run() throws {
        let result: ReportResult
        var options = ReportOptions(
            target: target, planPath: plan, language: ReportLanguage(rawValue: lang)!,
            formats: format.split(separator: ",").compactMap { ReportFormat(rawValue: String($0)) }, outputDirectory: out,
            logPath: log, keyPath: key, tracksPath: tracks)
        options.pdf = pdf
        options.systemTracks = systemTracks
        options.progress = ProgressBar.unlessQuiet("report", quiet: quiet)
        do {
            result = try ReportRunner.run(options)
        } catch {
            throw error.reported()
        }
        guard !quiet else { return }
        if let generated = result.generatedKey { print("made a new signing key: \(generated) (public key beside it, .pub)") }
        for verdict in result.verdicts { print("  \(verdict.outcome.padding(toLength: 13, withPad: " ", startingAt: 0)) \(verdict.criterion)") }
        for item in result.notEvaluable { print("  not evaluable: \(item)") }
        if format.split(separator: ",").contains("html") {
            print(result.embeddedFont.map { "Korean font embedded in the HTML: \($0), cut to the report's characters" }
                  ?? "no Korean font to embed (install fonts-nanum, or set HAECHI_REPORT_FONT): the HTML names system fonts only")
        }
        print("overall: \(result.overall); DRAFT, signed by the range's key \(result.keyFingerprint.prefix(16))… until an officer signs it")
        for file in result.files { print("  \(file)") }
    }
}

struct Keys: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Signing keys for reports, and CURVE keys for ingest endpoints.", subcommands: [Generate.self])

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make an Ed25519 key pair: the private key (mode 0600, never overwritten) and the public key beside it (.pub).",
            discussion: """
                With --curve, a CurveZMQ key pair for an ingest endpoint instead (zmq_curve_keypair): the secret \
                key in Z85 (mode 0600, never overwritten, never in Replays/) and the public key beside it \
                (.pub), printed for the configuration's curve.clients[].public_key. Reference: docs/security.md.
                """)
        @Option(name: [.short, .long], help: ArgumentHelp("The private key file (default: the range's key, ~/.config/haechi/range-signing.key, or $HAECHI_RANGE_KEY; required with --curve).", valueName: "file.key"))
        var out: String?
        @Flag(name: .long, help: "Make a CURVE key pair for ZeroMQ (an endpoint's server key, or a sender's client key).")
        var curve = false

        func validate() throws {
            if curve && out == nil { throw ValidationError("--curve needs --out: where to write the secret key") }
        }

        func run() throws {
            if curve, let out {
                do {
                    let made = try CurveKeys.generate(secretPath: out)
                    print("secret key: \(out) (mode 0600)\npublic key: \(made.publicPath)\n  \(made.publicKey)")
                } catch {
                    throw error.reported()
                }
                return
            }
            let out = self.out ?? RangeKey.defaultPath()
            do {
                let key = try KeysRunner.generate(privatePath: out)
                print("private key: \(out)\npublic key:  \(KeysRunner.publicKeyPath(for: out))\nfingerprint: \(key.publicKey.fingerprint)")
            } catch {
                throw error.reported()
            }
        }
    }
}

struct Sign: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign a draft report as the certification officer who authorises it.",
        discussion: """
            Checks that the draft in the folder is intact, sets the officer's name, role and the time \
            of signing, renders every file of the report again from its report.json (no longer marked \
            DRAFT), signs the new manifest with the officer's Ed25519 key, and appends a signature \
            entry to the run log. A signed report is not signed again. haechi verify --trust-store \
            checks the officer's key against the laboratory's officers. Reference: docs/reports.md. \
            Exit status: 0 signed, 1 on a failure (a changed draft, an unreadable key), 2 on bad \
            input, 64 on a bad command line.
            """)

    @Argument(help: ArgumentHelp("The report folder (haechi report --out).", valueName: "dir"))
    var report: String

    @Option(name: .long, help: ArgumentHelp("The officer's Ed25519 private key (haechi keys generate).", valueName: "officer.key"))
    var key: String

    @Option(name: .long, help: ArgumentHelp("The officer's name, as printed on the report.", valueName: "name"))
    var name: String

    @Option(name: .long, help: ArgumentHelp("The officer's role, as printed on the report.", valueName: "role"))
    var role: String

    @Option(name: .long, help: ArgumentHelp("The run log the draft is in.", valueName: "runlog.sqlite"))
    var log = "Replays/runlog.sqlite"

    @Option(name: .long, help: ArgumentHelp("The range's key, which signs the run-log entry (default: ~/.config/haechi/range-signing.key).", valueName: "range.key"))
    var rangeKey: String?

    @Flag(name: [.short, .long], help: "Print nothing but errors.")
    var quiet = false

    func run() throws {
        let result: SignResult
        do {
            result = try SignRunner.run(SignOptions(directory: report, keyPath: key, name: name, role: role, logPath: log, rangeKeyPath: rangeKey))
        } catch {
            throw error.reported()
        }
        guard !quiet else { return }
        print("signed \(result.reportID) as \(name), \(role) at \(result.signedKST) (\(result.signedUTC)), key \(result.keyFingerprint.prefix(16))…; "
              + "run-log entry \(result.logSequence)")
        for file in result.files { print("  \(file)") }
    }
}

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify a report: every file, the signature, who signed it, the recording and the run log.",
        discussion: """
            A single changed byte in any report file, the manifest or the recording fails it, and the \
            changed file is named; so does a file in the folder that the signature does not cover. \
            With --trust-store (a folder of officers' .pub keys) or --lab (a laboratory profile whose \
            trust_store names one), the report must be signed by an officer of that store; a draft \
            fails. With --key, by that one public key. The recording is found through the run log by \
            its hash, or given with --recording; the run log must hold the entry the report names \
            and, for a signed report, its signature. Exit status: 0 verified, 1 not.
            """)

    @Argument(help: ArgumentHelp("The report folder.", valueName: "dir"))
    var report: String

    @Option(name: .long, help: ArgumentHelp("A folder of trusted officers' public keys (*.pub).", valueName: "dir"))
    var trustStore: String?

    @Option(name: .long, help: ArgumentHelp("A laboratory profile whose trust_store names the officers' keys.", valueName: "profile.yaml"))
    var lab: String?

    @Option(name: .long, help: ArgumentHelp("A trusted public key.", valueName: "file.pub"))
    var key: String?

    @Option(name: .long, help: ArgumentHelp("The recording the report names.", valueName: "file.mcap"))
    var recording: String?

    @Option(name: .long, help: ArgumentHelp("The run log, to find the recording and the report's entries.", valueName: "runlog.sqlite"))
    var log = "Replays/runlog.sqlite"

    @Flag(name: [.short, .long], help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        if trustStore != nil && lab != nil { throw ValidationError("give --trust-store or --lab, not both") }
    }

    func run() throws {
        let result: VerifyResult
        do {
            var store: TrustStore?
            if let trustStore { store = try TrustStore.load(folder: trustStore) }
            if let lab { store = try TrustStore.load(labProfile: lab) }
            result = try VerifyRunner.run(directory: report, trustedKeyPath: key, trustStore: store, recordingPath: recording, logPath: log)
        } catch {
            throw error.reported()
        }
        if result.problems.isEmpty {
            guard !quiet else { return }
            print("verified: the \(result.checkedFiles) files the signature covers, the signature\(key == nil ? "" : " (trusted key)"), "
                  + "and the recording \(result.recording ?? "")")
            for fact in result.facts { print("  \(fact)") }
            return
        }
        for problem in result.problems { FileHandle.standardError.write(Data("haechi: \(report): \(problem)\n".utf8)) }
        if !quiet { for fact in result.facts { print("  \(fact)") } }
        print("NOT verified: \(result.problems.count) problem(s)")
        throw ExitCode(1)
    }
}
