/// How `LabRuntime.cutEndpoint` takes a database endpoint off the network.
public enum EndpointCut: String, Sendable, CaseIterable {
    /// Packets are dropped: a client's connect hangs until its own timeout (a security group
    /// without the rule, a firewall that drops).
    case drop
    /// Nothing listens: a client's connect fails at once with "connection refused" (the
    /// instance is stopped, the port is wrong).
    case refuse
}
