import Foundation
import HotspotPayCore
import Testing

/// The hand-built document is byte for byte what JSONEncoder (sorted keys, ISO 8601) writes, and
/// reads back with JSONDecoder into the same event.
@Suite struct WebhookEventJSONTests {
    static let full = WebhookEvent(
        id: "evt_0123", type: .refundSucceeded, createdAt: Date(timeIntervalSince1970: 1_767_225_600),
        data: .init(
            transaction: .init(
                id: "t-1", orderCode: "K7QX2M", planID: "1h", amountVND: 10_000, mac: "F2:00:00:00:0C:01",
                routerID: "lobby", provider: "momo", status: "refunded", providerReference: "4088\"x\\y",
                createdAt: Date(timeIntervalSince1970: 1_767_225_000),
                paidAt: Date(timeIntervalSince1970: 1_767_225_060)),
            grant: .init(
                id: "g-1", mac: "F2:00:00:00:0C:01", status: "ended",
                startsAt: Date(timeIntervalSince1970: 1_767_225_060),
                validUntil: Date(timeIntervalSince1970: 1_767_228_660), dataRemainingBytes: 5_000_000_000),
            amountVND: 4_000, actor: "operator:lan", detail: "Hoàn tiền một phần\n\t\u{1}/ok"))

    static let bare = WebhookEvent(
        id: "evt_9", type: .test, createdAt: Date(timeIntervalSince1970: 86_399.9),
        data: .init(actor: "cli", detail: "a test event"))

    @Test(arguments: [full, bare])
    func theDocumentIsWhatJSONEncoderWritesAndReadsBack(event: WebhookEvent) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            // What the hand-built writer does: whole seconds, rounded down.
            var container = encoder.singleValueContainer()
            try container.encode(
                Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)).formatted(.iso8601))
        }
        let expected = String(decoding: try encoder.encode(event), as: UTF8.self)
        #expect(event.json == expected)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let back = try decoder.decode(WebhookEvent.self, from: Data(event.json.utf8))
        #expect(back.id == event.id && back.type == event.type && back.data.detail == event.data.detail)
        #expect(back.data.transaction?.providerReference == event.data.transaction?.providerReference)
        #expect(back.data.grant?.dataRemainingBytes == event.data.grant?.dataRemainingBytes)
    }
}
