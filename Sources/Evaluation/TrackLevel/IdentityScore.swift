// IDF1: identity precision, recall and F1 under the best global pairing of tracks with drones.

/// Identity scores (Ristani, Solera, Zou, Cucchiara and Tomasi, "Performance measures and a data set
/// for multi-target, multi-camera tracking", ECCV 2016 Workshops, LNCS 9914).
///
/// Each drone is paired with at most one track, and each track with at most one drone, for the
/// whole run: the pairing that maximises IDTP, the number of frames in which a paired track is
/// within the threshold of its drone (a linear assignment). Then, with IDFN = drone frames − IDTP
/// and IDFP = track frames − IDTP,
///
///     IDP = IDTP / (IDTP + IDFP)    IDR = IDTP / (IDTP + IDFN)    IDF1 = 2 IDTP / (2 IDTP + IDFP + IDFN)
public struct IdentityScore: Hashable, Sendable, Codable {
    /// Frames in which a paired track was within the threshold of its drone.
    public var idtp: Int
    /// Track frames not counted in IDTP.
    public var idfp: Int
    /// Drone frames not counted in IDTP.
    public var idfn: Int
    /// The pairing, drone id → track id (pairs with no frame in common within the threshold omitted).
    public var trackOfDrone: [String: String]

    /// Creates a score.
    public init(idtp: Int, idfp: Int, idfn: Int, trackOfDrone: [String: String]) {
        self.idtp = idtp
        self.idfp = idfp
        self.idfn = idfn
        self.trackOfDrone = trackOfDrone
    }

    /// IDF1; `nil` with no drone frame and no track frame.
    public var idf1: Double? { 2 * idtp + idfp + idfn > 0 ? Double(2 * idtp) / Double(2 * idtp + idfp + idfn) : nil }
    /// IDP; `nil` with no track frame.
    public var idPrecision: Double? { idtp + idfp > 0 ? Double(idtp) / Double(idtp + idfp) : nil }
    /// IDR; `nil` with no drone frame.
    public var idRecall: Double? { idtp + idfn > 0 ? Double(idtp) / Double(idtp + idfn) : nil }
}
