// The User Application Profiles Haechi decodes, written from the EUROCONTROL specifications (as
// published machine-readably by zoranbosnjak/asterix-specs): CAT034 1.29, CAT048 1.32, CAT062 1.21.

extension AsterixUAP {
    private static let byte = AsterixItemShape.fixed(1)
    private static let extended = AsterixItemShape.extended(first: 1, next: 1)

    /// CAT034 edition 1.29: transmission of monoradar service messages (north marker, sector crossing).
    public static let cat034 = AsterixUAP(category: 34, edition: "1.29", items: [
        ("010", .fixed(2)),   // Data Source Identifier
        ("000", byte),        // Message Type
        ("030", .fixed(3)),   // Time of Day
        ("020", byte),        // Sector Number
        ("041", .fixed(2)),   // Antenna Rotation Period
        ("050", .compound([byte, nil, nil, byte, byte, .fixed(2)])),   // System Configuration and Status: COM, -, -, PSR, SSR, MDS
        ("060", .compound([byte, nil, nil, byte, byte, byte])),        // System Processing Mode: COM, -, -, PSR, SSR, MDS
        ("070", .repetitive(element: 2)),   // Message Count Values
        ("100", .fixed(8)),   // Generic Polar Window
        ("110", byte),        // Data Filter
        ("120", .fixed(8)),   // 3D-Position of Data Source
        ("090", .fixed(2)),   // Collimation Error
        ("RE", .explicit),
        ("SP", .explicit),
    ])

    /// CAT048 edition 1.32: monoradar target reports.
    public static let cat048 = AsterixUAP(category: 48, edition: "1.32", items: [
        ("010", .fixed(2)),   // Data Source Identifier
        ("140", .fixed(3)),   // Time of Day
        ("020", extended),    // Target Report Descriptor
        ("040", .fixed(4)),   // Measured Position in Polar Co-ordinates
        ("070", .fixed(2)),   // Mode-3/A Code in Octal Representation
        ("090", .fixed(2)),   // Flight Level in Binary Representation
        ("130", .compound(Array(repeating: byte, count: 7))),   // Radar Plot Characteristics: SRL SRR SAM PRL PAM RPD APD
        ("220", .fixed(3)),   // Aircraft Address
        ("240", .fixed(6)),   // Aircraft Identification
        ("250", .repetitive(element: 8)),   // BDS Register Data
        ("161", .fixed(2)),   // Track Number
        ("042", .fixed(4)),   // Calculated Position in Cartesian Co-ordinates
        ("200", .fixed(4)),   // Calculated Track Velocity in Polar Co-ordinates
        ("170", extended),    // Track Status
        ("210", .fixed(4)),   // Track Quality
        ("030", .repetitiveFX(element: 1)),   // Warning/Error Conditions and Target Classification
        ("080", .fixed(2)),   // Mode-3/A Code Confidence Indicator
        ("100", .fixed(4)),   // Mode-C Code and Code Confidence Indicator
        ("110", .fixed(2)),   // Height Measured by a 3D Radar
        ("120", .compound([.fixed(2), .repetitive(element: 6)])),   // Radial Doppler Speed: CAL, RDS
        ("230", .fixed(2)),   // Communications/ACAS Capability and Flight Status
        ("260", .fixed(7)),   // ACAS Resolution Advisory Report
        ("055", byte),        // Mode-1 Code in Octal Representation
        ("050", .fixed(2)),   // Mode-2 Code in Octal Representation
        ("065", byte),        // Mode-1 Code Confidence Indicator
        ("060", .fixed(2)),   // Mode-2 Code Confidence Indicator
        ("SP", .explicit),
        ("RE", .explicit),
    ])

    /// CAT062 edition 1.21: SDPS (system) track messages.
    public static let cat062 = AsterixUAP(category: 62, edition: "1.21", items: [
        ("010", .fixed(2)),   // Data Source Identifier
        nil,
        ("015", byte),        // Service Identification
        ("070", .fixed(3)),   // Time Of Track Information
        ("105", .fixed(8)),   // Calculated Track Position (WGS-84)
        ("100", .fixed(6)),   // Calculated Track Position (Cartesian)
        ("185", .fixed(4)),   // Calculated Track Velocity (Cartesian)
        ("210", .fixed(2)),   // Calculated Acceleration (Cartesian)
        ("060", .fixed(2)),   // Track Mode 3/A Code
        ("245", .fixed(7)),   // Target Identification
        ("380", .compound([   // Aircraft Derived Data
            .fixed(3), .fixed(6), .fixed(2), .fixed(2), .fixed(2), .fixed(2), .fixed(2),   // ADR ID MHG IAS TAS SAL FSS
            extended, .repetitive(element: 15), .fixed(2), .fixed(2), .fixed(7), .fixed(2), .fixed(2),   // TIS TID COM SAB ACS BVR GVR
            .fixed(2), .fixed(2), .fixed(2), .fixed(2), byte, .fixed(8), byte,   // RAN TAR TAN GS VUN MET EMC
            .fixed(6), .fixed(2), byte, .repetitive(element: 8), .fixed(2), .fixed(2), .fixed(2),   // POS GAL PUN MB IAR MAC BPS
        ])),
        ("040", .fixed(2)),   // Track Number
        ("080", extended),    // Track Status
        ("290", .compound([byte, byte, byte, byte, .fixed(2), byte, byte, byte, byte, byte])),   // System Track Update Ages
        ("200", byte),        // Mode of Movement
        ("295", .compound(Array(repeating: byte, count: 31))),   // Track Data Ages
        ("136", .fixed(2)),   // Measured Flight Level
        ("130", .fixed(2)),   // Calculated Track Geometric Altitude
        ("135", .fixed(2)),   // Calculated Track Barometric Altitude
        ("220", .fixed(2)),   // Calculated Rate of Climb/Descent
        ("390", .compound([   // Flight Plan Related Data
            .fixed(2), .fixed(7), .fixed(4), byte, .fixed(4), byte, .fixed(4),   // TAG CS IFI FCT TAC WTC DEP
            .fixed(4), .fixed(3), .fixed(2), .fixed(2), .repetitive(element: 4), .fixed(6), byte,   // DST RDS CFL CTL TOD AST STS
            .fixed(7), .fixed(7), .fixed(2), .fixed(7),   // STD STA PEM PEC
        ])),
        ("270", extended),    // Target Size and Orientation
        ("300", byte),        // Vehicle Fleet Identification
        ("110", .compound([byte, .fixed(4), .fixed(6), .fixed(2), .fixed(2), byte, byte])),   // Mode 5 Data: SUM PMN POS GA EM1 TOS XP
        ("120", .fixed(2)),   // Track Mode 2 Code
        ("510", .repetitiveFX(element: 3)),   // Composed Track Number
        ("500", .compound([.fixed(4), .fixed(2), .fixed(4), byte, byte, .fixed(2), .fixed(2), byte])),   // Estimated Accuracies
        ("340", .compound([.fixed(2), .fixed(4), .fixed(2), .fixed(2), .fixed(2), byte])),   // Measured Information
        nil, nil, nil, nil, nil,
        ("RE", .explicit),
        ("SP", .explicit),
    ])
}
