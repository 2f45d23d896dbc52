/// RADIUS packet codes this daemon sends or receives (RFC 2865, 2866, 5176).
public enum RadiusCode: UInt8, Sendable, CaseIterable {
    case accessRequest = 1
    case accessAccept = 2
    case accessReject = 3
    case accountingRequest = 4
    case accountingResponse = 5
    case disconnectRequest = 40
    case disconnectACK = 41
    case disconnectNAK = 42
    case coaRequest = 43
    case coaACK = 44
    case coaNAK = 45
}
