// What a live ingest run tells whoever watches it: its start, a tick a second, its end.
public import TelemetryIngest

/// Watches an ingest run; the command line's is the start banner and the status line.
///
/// Calls come from the run loop's thread: ``started(_:)`` once everything listens, ``tick(_:)`` about
/// once a second, ``stopped()`` when the run is over (before the end-of-run report).
public protocol IngestObserver: AnyObject, Sendable {
    func started(_ start: IngestStart)
    func tick(_ health: RunHealth)
    func stopped()
}
