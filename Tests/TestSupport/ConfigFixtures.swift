// Config texts the configuration and runtime tests share.

/// Sample configs for tests.
public enum ConfigFixtures {
    /// A small valid ingest config: a PULL and a SUB endpoint, a site with a geoid separation, a frame limit.
    public static let validIngest = """
        site:
          name: Test range
          origin: {lat: 35.85, lon: 126.55, alt: 5.0}
          geoid_separation_m: 23.0
        endpoints:
          - name: sensors
            address: tcp://127.0.0.1:7001
            socket: pull
            mode: bind
          - name: drones
            address: tcp://127.0.0.1:7002
            socket: sub
            mode: connect
            topics: ["mavlink/"]
        limits:
          max_frame_bytes: 65536
        """
}
