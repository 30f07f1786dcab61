// What a plain sensor node registers: the simulator's nodes, and the benchmarks', fuzzers' and tests'.

extension BSIRegistration.TaskDefinition {
    /// A mode's task definition for a node that takes no tasks: BSI Flex 335 v2.0 makes
    /// `ModeDefinition.task` mandatory, and with it a region definition (one area of interest, in
    /// latitude and longitude on WGS-84) and no commands.
    public static var noTasks: BSIRegistration.TaskDefinition {
        var area = BSIRegistration.LocationType()
        area.locationUnits = .latLngDegM
        area.locationDatum = .wgs84E
        var region = BSIRegistration.RegionDefinition()
        region.regionType = [.areaOfInterest]
        region.regionArea = [area]
        var task = BSIRegistration.TaskDefinition()
        task.concurrentTasks = 0
        task.regionDefinition = region
        return task
    }
}

extension BSIRegistration {
    /// The Registration of a sensor node with one permanent mode that reports range and bearing (or
    /// bearing) from true north in degrees and metres, classifies into `classes`, takes no tasks, and
    /// reports status every `statusIntervalSeconds`: every field the ICD makes mandatory, and no more.
    public static func sensorNode(type: NodeType, name: String, model: String, statusIntervalSeconds: Float,
                                  tracking: TrackingType = .track, classes: [String] = ["UAV", "Bird", "Unknown"]) -> BSIRegistration {
        var registration = BSIRegistration()
        registration.icdVersion = "BSI Flex 335 v2.0"
        registration.name = name
        registration.shortName = name
        var definition = NodeDefinition()
        definition.nodeType = type
        registration.nodeDefinition = [definition]
        var capability = Capability()
        capability.category = "detection"
        capability.type = type == .radar ? "range_bearing" : "bearing"
        registration.capabilities = [capability]
        var interval = Duration()
        interval.units = .seconds
        interval.value = statusIntervalSeconds
        registration.statusDefinition.statusInterval = interval
        var mode = ModeDefinition()
        mode.modeName = "surveillance"
        mode.modeType = .permanent
        var settle = Duration()
        settle.units = .seconds
        settle.value = 0
        mode.settleTime = settle
        mode.scanType = .scanning
        mode.trackingType = tracking
        var detections = DetectionDefinition()
        detections.locationType.rangeBearingUnits = .degreesM
        detections.locationType.rangeBearingDatum = .true
        var classDefinitions = DetectionClassDefinition()
        classDefinitions.confidenceDefinition = .singleClass
        classDefinitions.classDefinition = classes.map { name in
            var definition = ClassDefinition()
            definition.type = name
            return definition
        }
        detections.detectionClassDefinition = [classDefinitions]
        mode.detectionDefinition = [detections]
        mode.task = .noTasks
        registration.modeDefinition = [mode]
        var data = ConfigurationData()
        data.manufacturer = "Haechi"
        data.model = model
        registration.configData = [data]
        return registration
    }
}

extension BSILocation {
    /// A WGS-84 location in degrees and metres (`LAT_LNG_DEG_M`, `WGS84_E`): x the longitude, y the
    /// latitude, z the height above the ellipsoid.
    public static func wgs84(longitude: Double, latitude: Double, height: Double) -> BSILocation {
        var location = BSILocation()
        location.x = longitude
        location.y = latitude
        location.z = height
        location.coordinateSystem = .latLngDegM
        location.datum = .wgs84E
        return location
    }
}
