// A sensor as the tracker knows it: its measurement model, and whether it can start tracks.
public import TelemetryModel
public import Geodesy
import TrackingMath

/// One sensor feeding the tracker.
public struct TrackerSensor: Sendable {
    /// The sensor's id, as its detections name it.
    public let id: String
    /// How it measures.
    public let model: any MeasurementModel
    /// Whether each of its measurements fixes a position, so that one alone can start a tentative
    /// track. An angle-only sensor's lines of sight start tracks together with other sensors' instead
    /// (`PassiveInitiator`).
    public var canInitiate: Bool { model.dimension == 3 }

    /// A sensor with an explicit model.
    public init(id: String, model: any MeasurementModel) {
        self.id = id
        self.model = model
    }

    /// The sensor a description declares, placed in `plane` (its ENU coordinates if given, else its
    /// WGS84 position converted), with the description's noise or `defaults` (also for a σ that is not
    /// a positive number). `nil` when the sensor has no position.
    public init?(_ description: SensorDescription, plane: LocalTangentPlane?, defaults: TrackerSettings.SensorDefaults) {
        let site: ENUVector
        if let enu = description.enu {
            site = enu
        } else if let position = description.position, let plane {
            site = plane.enu(position)
        } else {
            return nil
        }
        id = description.sensorID
        // A σ that is not a positive number would make R singular: the default stands in for it.
        func sigma(_ value: Double?, _ fallback: Double) -> Double {
            guard let value, value > 0, value.isFinite else { return fallback }
            return value
        }
        switch description.measures {
        case .rangeAzimuthElevation:
            model = RadarPolarMeasurementModel(
                sensorPosition: site,
                sigmaRange: sigma(description.sigmaRange, defaults.sigmaRange),
                sigmaAzimuthDegrees: sigma(description.sigmaAzimuth, defaults.sigmaAzimuthDegrees),
                sigmaElevationDegrees: sigma(description.sigmaElevation, defaults.sigmaElevationDegrees))
        case .azimuth:
            model = BearingMeasurementModel(sensorPosition: site,
                                            sigmaAzimuthDegrees: sigma(description.sigmaAzimuth, defaults.sigmaBearingDegrees))
        case .azimuthElevation:
            model = AzimuthElevationMeasurementModel(
                sensorPosition: site,
                sigmaAzimuthDegrees: sigma(description.sigmaAzimuth, defaults.sigmaAzimuthDegrees),
                sigmaElevationDegrees: sigma(description.sigmaElevation, defaults.sigmaElevationDegrees))
        }
    }
}
