// How far a long command has got: the runners report it, the command line draws it.

/// What a runner that takes more than a few seconds (`track`, `evaluate`, `report`, `replay`) says
/// about its progress. The runners never write to a terminal themselves: the command line passes
/// its own (a progress bar on standard error, only on a terminal), and a library user passes theirs
/// or none.
///
/// Calls come from the thread that runs the command, one at a time.
public protocol RunProgress: AnyObject, Sendable {
    /// The work's measure: the amount at 100 % (`nil`: unknown) and its unit.
    func begin(total: Double?, unit: ProgressUnit)
    /// `done` of the total so far, with a note (`2831 frames`); called often, drawn as the reader likes.
    func update(done: Double, note: String)
    /// A step of work without a measure (`scoring 12 tracks against 3 truths`).
    func phase(_ text: String)
    /// A line to keep (`web view at http://127.0.0.1:8620/`), not overwritten by the progress.
    func announce(_ line: String)
    /// The work is over (or failed): clear what was drawn.
    func finish()
}
