/// Constants of the PostgreSQL frontend/backend protocol, version 3.0.
/// https://www.postgresql.org/docs/current/protocol-message-formats.html
public enum PostgresProtocol {
    /// StartupMessage protocol version 3.0 (major 3 in the high 16 bits).
    public static let version3: Int32 = 196_608
    /// The request codes that stand where a StartupMessage's version would.
    public static let sslRequestCode: Int32 = 80_877_103
    public static let gssEncRequestCode: Int32 = 80_877_104
    public static let cancelRequestCode: Int32 = 80_877_102
    /// The server's limit on a startup packet (`MAX_STARTUP_PACKET_LENGTH` in PostgreSQL).
    public static let maxStartupPacketLength = 10_000
}
