import HotspotPayCore

/// Which providers are switched on, with their credentials.
public struct ProviderSettings: Sendable, Hashable {
    public var sandbox: SandboxSettings?
    public var momo: MoMoSettings?
    public var vnpay: VNPaySettings?
    public var vietqr: VietQRSettings?

    public init(
        sandbox: SandboxSettings? = nil, momo: MoMoSettings? = nil, vnpay: VNPaySettings? = nil,
        vietqr: VietQRSettings? = nil
    ) {
        self.sandbox = sandbox
        self.momo = momo
        self.vnpay = vnpay
        self.vietqr = vietqr
    }

    /// The providers a guest can choose, in the portal's order.
    public var enabled: [ProviderID] {
        var ids: [ProviderID] = []
        if momo != nil { ids.append(.momo) }
        if vnpay != nil { ids.append(.vnpay) }
        if vietqr != nil { ids.append(.vietqr) }
        if sandbox != nil { ids.append(.sandbox) }
        return ids
    }
}
