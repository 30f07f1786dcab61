// The smallest task definition the ICD accepts, for nodes that register but take no tasks.

extension BSIRegistration.TaskDefinition {
    /// A mode's task definition for a node that takes no tasks: BSI Flex 335 v2.0 makes
    /// `ModeDefinition.task` mandatory, and with it a region definition (one area of interest, in
    /// latitude and longitude on WGS-84) and no commands. Haechi's simulated nodes register with it.
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
