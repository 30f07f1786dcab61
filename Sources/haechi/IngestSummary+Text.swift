// The human-readable end-of-run report of `haechi ingest`.
import TelemetryModel
import TelemetryIngest
public import TestbedRuntime
import Foundation

extension IngestSummary {
    /// A table per source: frames, records by kind, rejections by reason, sequence loss.
    public var textReport: String {
        var rows: [[String]] = [["source", "frames", "records", "malformed", "seq gaps/missing", "rejected by reason"]]
        func row(_ name: String, _ s: SourceStatistics) -> [String] {
            let records = s.records.values.reduce(0, +)
            let reasons = s.malformed.sorted { $0.key < $1.key }.map { "\($0.key.rawValue)=\($0.value)" }.joined(separator: " ")
            return [name, "\(s.framesReceived)", "\(records)", "\(s.framesMalformed)",
                    "\(s.sequence.gaps)/\(s.sequence.missing)", reasons.isEmpty ? "-" : reasons]
        }
        for key in sources.keys.sorted() { rows.append(row(key, sources[key]!)) }
        rows.append(row("TOTAL", totals))
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        var text = replay == nil
            ? "haechi ingest: stopped (\(stopReason.rawValue)) after \(totals.framesReceived) frames from \(sources.count) sources\n"
            : "haechi replay: \(totals.framesReceived) frames from \(sources.count) sources\n"
        for (index, row) in rows.enumerated() {
            let cells = row.enumerated().map { column, cell in
                column == 0 || column == row.count - 1
                    ? cell + String(repeating: " ", count: widths[column] - cell.count)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }
            text += cells.joined(separator: "  ").trimmingTrailingSpaces + "\n"
            if index == 0 || index == rows.count - 2 {
                text += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
            }
        }
        let totalRecords = totals.records.sorted { $0.key < $1.key }.map { "\($0.key.rawValue)=\($0.value)" }.joined(separator: " ")
        text += "records by kind: \(totalRecords.isEmpty ? "none" : totalRecords)\n"
        for key in sources.keys.sorted() {
            if let line = Self.mavlinkLossLine(key, sources[key]!) { text += line + "\n" }
        }
        text += truthReport
        for endpoint in security ?? [] {
            let c = endpoint.counters
            guard c.mechanism == .curve || c.refusedPlaintext + c.refusedUnlistedKeys + c.framesRefused > 0 else { continue }
            text += "security: \(endpoint.name) (\(c.mechanism.rawValue)): \(c.connectionsAdmitted) connection(s) admitted; refused: "
                + "\(c.refusedPlaintext) plaintext handshake(s), \(c.refusedUnlistedKeys) unlisted key(s), "
                + "\(c.framesRefused) frame(s) for sources the key may not speak for"
                + (c.handshakeFailures > 0 ? "; \(c.handshakeFailures) other failed handshake(s)" : "") + "\n"
        }
        if let recording {
            text += "recording: \(recording.path), \(recording.framesRecorded) frames"
                + (recording.finalised ? "" : " (NOT finalised: haechi recover \(recording.path))") + "\n"
        }
        if let cot = outputs?.cot {
            text += "cot: \(cot.udpSent) events over UDP (\(cot.udpDropped) dropped), \(cot.tcpSent) over TCP "
                + "(\(cot.tcpDropped) dropped, \(cot.tcpConnections) connection(s))\n"
        }
        if let sent = outputs?.sapient {
            text += "sapient: \(sent.detectionReports) detection reports, \(sent.statusReports) status reports, "
                + "\(sent.registrations) registration(s) (\(sent.dropped) dropped)\n"
        }
        if let sent = outputs?.asterix062 {
            text += "asterix062: \(sent.tracksSent) system tracks in \(sent.blocksSent) data blocks (\(sent.blocksDropped) dropped)\n"
        }
        if let replay {
            text += "replayed \(replay.framesReplayed) frames of \(replay.recording) in \(String(format: "%.2f", replay.wallSeconds)) s"
            if let match = replay.tracksMatchRecording {
                text += match ? "; tracks identical to the live run's" : "; tracks DIFFER from the live run's"
            }
            text += "\n"
        }
        return text
    }
}

extension IngestSummary {
    /// A MAVLink source's loss as the time base estimates it, when it had gaps.
    static func mavlinkLossLine(_ source: String, _ s: SourceStatistics) -> String? {
        let loss = s.mavlinkLoss
        guard s.sequence.gaps > 0, loss.estimated > 0 || loss.unboundedGaps > 0 else { return nil }
        let bound = loss.unboundedGaps > 0
            ? "at least \(loss.minimum); \(loss.unboundedGaps) gap(s) without a time base across them have no upper bound"
            : loss.minimum == loss.maximum ? "exact to the time base" : "between \(loss.minimum) and \(loss.maximum)"
        return "\(source): MAVLink loss estimated at \(loss.estimated) frame(s) (\(bound)); the 8-bit counter alone shows \(s.sequence.missing)"
    }

    /// The truth checks' findings: each drone's bound sender, and what was kept out of its truth.
    var truthReport: String {
        guard !truth.drones.isEmpty || truth.fixesBeyondDroneLimit > 0 || truth.unattributedFixes > 0 else { return "" }
        let flagged = truth.flaggedDrones
        var text = "truth: \(truth.drones.count) drone(s), "
            + (flagged.isEmpty ? "nothing flagged" : "\(flagged.count) FLAGGED (\(flagged.joined(separator: ", ")))") + "\n"
        for id in flagged {
            let d = truth.drones[id]!
            var parts: [String] = []
            if d.otherSenderFixes > 0 {
                parts.append("\(d.otherSenderFixes) fix(es) from \(d.otherSenders) other sender(s) excluded"
                             + (d.otherSenderNames.isEmpty ? "" : " (\(d.otherSenderNames.joined(separator: "; ")))"))
            }
            if d.jumps > 0 {
                let worst = d.largestJumpMetres.map { String(format: " (largest %.0f m", $0) + (d.largestJumpSpeed.map { $0.isFinite ? String(format: " at %.0f m/s)", $0) : " at no interval)" } ?? ")") } ?? ""
                parts.append("\(d.jumps) fix(es) beyond \(Self.number(truth.settings.maximumSpeed)) m/s excluded\(worst)")
            }
            if d.reanchors > 0 { parts.append("truth moved on to a consistent run of fixes \(d.reanchors) time(s)") }
            if d.restarts > 0 { parts.append("sequence restarted \(d.restarts) time(s)") }
            if d.handovers > 0 { parts.append("passed to a reconnection \(d.handovers) time(s)") }
            text += "  \(id): bound to \(d.boundSender); " + parts.joined(separator: "; ") + "\n"
        }
        if truth.fixesBeyondDroneLimit > 0 {
            text += "  \(truth.fixesBeyondDroneLimit) fix(es) of drones beyond truth.max_drones (\(truth.settings.maximumDrones)) excluded\n"
        }
        if truth.unattributedFixes > 0 { text += "  \(truth.unattributedFixes) fix(es) from unnumbered connections excluded\n" }
        return text
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}

private extension String {
    var trimmingTrailingSpaces: String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
