import HotspotPayCore

import struct Foundation.Date

/// Which transactions to list, newest first.
public struct TransactionFilter: Sendable, Hashable {
    public var status: TransactionStatus?
    public var provider: ProviderID?
    public var mac: MACAddress?
    public var routerID: String?
    public var orderCode: OrderCode?
    public var createdFrom: Date?
    public var createdBefore: Date?
    public var limit: Int
    public var offset: Int

    public init(
        status: TransactionStatus? = nil, provider: ProviderID? = nil, mac: MACAddress? = nil, routerID: String? = nil,
        orderCode: OrderCode? = nil, createdFrom: Date? = nil, createdBefore: Date? = nil, limit: Int = 50,
        offset: Int = 0
    ) {
        self.status = status
        self.provider = provider
        self.mac = mac
        self.routerID = routerID
        self.orderCode = orderCode
        self.createdFrom = createdFrom
        self.createdBefore = createdBefore
        self.limit = limit
        self.offset = offset
    }
}
