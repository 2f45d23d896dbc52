import HotspotPayCore

extension RadiusPacket.Attribute {
    /// The domain's `Name = value` attribute as the codec encodes it.
    public init(_ attribute: RadiusAttribute) {
        self.init(name: attribute.name, value: attribute.value)
    }
}
