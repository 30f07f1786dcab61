// The data associator role: which measurement, if any, each track takes in a scan.
public import TrackingMath

/// One measurement of a scan, ready for association.
public struct ScanMeasurement: Sendable {
    /// z, padded to three elements.
    public var value: MeasurementVector
    /// The ENU position it points at and that position's covariance, when it fixes one.
    public var position: (point: Vector<3>, covariance: Matrix<3, 3>)?
    /// Its index among the scan's detections.
    public var detectionIndex: Int

    /// Creates a measurement.
    public init(value: MeasurementVector, position: (point: Vector<3>, covariance: Matrix<3, 3>)?, detectionIndex: Int) {
        self.value = value
        self.position = position
        self.detectionIndex = detectionIndex
    }
}

/// A track's assignment: the measurement it takes and the measurement prediction used to gate it.
public struct Assignment: Sendable {
    /// Index into the scan's measurements.
    public var measurement: Int
    /// ẑ, S and Pxz for the assigned pair.
    public var prediction: MeasurementPrediction
    /// The pair's Mahalanobis distance.
    public var distance: Double
}

/// Assigns measurements to tracks (Stone Soup's `DataAssociator`): it takes the candidate pairs from a
/// `Hypothesiser` and chooses among them.
public protocol DataAssociator: Sendable {
    /// For each predicted track state, its assigned measurement, or `nil` when it missed.
    func associate(_ tracks: [GaussianState], _ measurements: [ScanMeasurement], model: any MeasurementModel,
                   updater: any Updater) -> [Assignment?]
}
