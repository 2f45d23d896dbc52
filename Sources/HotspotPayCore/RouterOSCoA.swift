/// What RouterOS lets a CoA-Request change on a live hotspot session, verbatim from the
/// manual's RADIUS page: everything else (the data cap, the interim interval, an address list,
/// the IP, the pool) is set at (re)authentication only, and a CoA carrying any other attribute
/// may be refused whole (NAK, Error-Cause 401 Unsupported-Attribute).
public enum RouterOSCoA {
    public static let changeable: Set<String> = [
        "Mikrotik-Group", "Mikrotik-Recv-Limit", "Mikrotik-Xmit-Limit", "Mikrotik-Rate-Limit", "Ascend-Data-Rate",
        "Ascend-Xmit-Rate", "Mikrotik-Mark-Id", "Filter-Id", "Mikrotik-Advertise-Url", "Mikrotik-Advertise-Interval",
        "Session-Timeout", "Idle-Timeout", "Port-Limit",
    ]

    /// What names the session in a CoA or Disconnect (RFC 5176 §3), plus its replay protection.
    public static let identification: Set<String> = [
        "User-Name", "Acct-Session-Id", "Framed-IP-Address", "Calling-Station-Id", "NAS-IP-Address",
        "NAS-Identifier", "Event-Timestamp", "Message-Authenticator",
    ]

    /// The attributes of `attributes` a CoA may carry.
    public static func filter(_ attributes: [RadiusAttribute]) -> [RadiusAttribute] {
        attributes.filter { changeable.contains($0.name) }
    }
}
