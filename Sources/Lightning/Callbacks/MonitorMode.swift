/// Whether a monitored value improves by going down or up (`mode="min"` / `"max"`).
public enum MonitorMode: String, Sendable {
    case min, max
}
