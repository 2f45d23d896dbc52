import Foundation
import HotspotPayCore
import PostgresNIO
import Store

extension PostgresStore: VoucherStore {
    public func addVoucherBatch(_ batch: VoucherBatch, codes: [VoucherCode], actor: String) async throws(StoreError) {
        try await write(entity: "voucher") { q in
            try await q.execute(
                """
                INSERT INTO voucher_batches (id, plan_id, count, valid_until, price, devices_per_code, note,
                    created_at, created_by, revoked_at)
                VALUES (\(batch.id), \(batch.planID), \(batch.count), \(batch.validUntil.epochMilliseconds),
                    \(batch.price.dong), \(batch.devicesPerCode), \(batch.note), \(batch.createdAt.epochMilliseconds),
                    \(batch.createdBy), NULL)
                """)
            // One statement for the whole batch (arrays unnested), however many codes.
            try await q.execute(
                """
                INSERT INTO vouchers (code, batch_id, position, redemptions)
                SELECT code, \(batch.id), position - 1, 0 FROM unnest(\(codes.map(\.value))::text[])
                    WITH ORDINALITY AS c(code, position)
                """)
            try await Self.audit(
                AuditEvent(
                    at: batch.createdAt, kind: .vouchersChanged, actor: actor, amount: nil,
                    detail:
                        "made \(codes.count) vouchers for plan \(batch.planID) at \(batch.price.dong) VND, batch \(batch.id)"
                ), q)
        }
    }

    public func voucherBatches() async throws(StoreError) -> [VoucherBatch] {
        try await read(entity: "voucher") { q in
            try await q.rows("SELECT * FROM voucher_batches ORDER BY created_at DESC, id").map(Self.batch)
        }
    }

    public func voucherBatch(id: String) async throws(StoreError) -> VoucherBatch? {
        try await read(entity: "voucher") { q in
            try await q.row("SELECT * FROM voucher_batches WHERE id = \(id)").map(Self.batch)
        }
    }

    public func vouchers(batchID: String) async throws(StoreError) -> [Voucher] {
        try await read(entity: "voucher") { q in
            try await q.rows("SELECT * FROM vouchers WHERE batch_id = \(batchID) ORDER BY position").map { row in
                try StoredRows.voucher(PostgresColumns(row, entity: "voucher", idColumn: "code"))
            }
        }
    }

    public func revokeVoucherBatch(id: String, at: Date, actor: String) async throws(StoreError) -> VoucherBatch {
        try await write(entity: "voucher") { q in
            let revoked = try await q.changed(
                """
                UPDATE voucher_batches SET revoked_at = \(at.epochMilliseconds) WHERE id = \(id) AND revoked_at IS NULL
                RETURNING id
                """)
            guard let batch = try await q.row("SELECT * FROM voucher_batches WHERE id = \(id)").map(Self.batch) else {
                throw StoreError.notFound(entity: "voucher batch", id: id)
            }
            if revoked > 0 {
                try await Self.audit(
                    AuditEvent(at: at, kind: .vouchersChanged, actor: actor, detail: "revoked voucher batch \(id)"), q)
            }
            return batch
        }
    }

    public func redeemVoucher(_ code: VoucherCode, mac: MACAddress, routerID: String, clientIP: IPAddress?, at: Date)
        async throws(StoreError) -> VoucherRedemption
    {
        try await write(entity: "voucher") { q in
            try await Self.redeem(code, mac: mac, routerID: routerID, clientIP: clientIP, at: at, q)
        }
    }

    /// As on SQLite. The device is locked first, so one device redeeming one code on two nodes at
    /// once gets one sale (the second finds the first's redemption); the use count is the
    /// arbiter between different devices.
    private static func redeem(
        _ code: VoucherCode, mac: MACAddress, routerID: String, clientIP: IPAddress?, at: Date, _ q: PostgresQueries
    ) async throws -> VoucherRedemption {
        try await lockDevice(mac, q)
        guard
            let batch = try await q.row(
                "SELECT b.* FROM vouchers v JOIN voucher_batches b ON b.id = v.batch_id WHERE v.code = \(code.value)"
            ).map(Self.batch)
        else { return .refused(.unknown) }
        if let earlier = try await q.scalar(
            "SELECT transaction_id FROM voucher_redemptions WHERE code = \(code.value) AND mac = \(mac.description)",
            as: String.self), let sale = try await fetchTransaction(q, id: earlier)
        {
            return .alreadyRedeemed(sale)
        }
        if batch.revokedAt != nil { return .refused(.revoked) }
        if batch.validUntil <= at { return .refused(.expired) }
        guard let plan = try await q.row("SELECT * FROM plans WHERE id = \(batch.planID)").map(Self.plan) else {
            return .refused(.planGone)
        }
        let used = try await q.changed(
            """
            UPDATE vouchers SET redemptions = redemptions + 1
            WHERE code = \(code.value) AND redemptions < \(batch.devicesPerCode) RETURNING code
            """)
        guard used == 1 else { return .refused(.usedUp) }
        var generator = SystemRandomNumberGenerator()
        let sale = batch.sale(plan: plan, mac: mac, clientIP: clientIP, routerID: routerID, at: at, using: &generator)
        let actor = "voucher:\(batch.id)"
        try await insert(sale, q)
        try await audit(
            AuditEvent(
                at: at, kind: .transactionCreated, actor: actor, transactionID: sale.id, amount: sale.amount,
                detail: "\(sale.orderCode) plan \(sale.planID) via voucher for \(mac)"), q)
        try await q.execute(
            """
            INSERT INTO voucher_redemptions (code, mac, transaction_id, at)
            VALUES (\(code.value), \(mac.description), \(sale.id), \(at.epochMilliseconds))
            """)
        try await audit(
            AuditEvent(
                at: at, kind: .voucherRedeemed, actor: actor, transactionID: sale.id, amount: sale.amount,
                detail: "voucher \(code.value.prefix(4))… of batch \(batch.id) unlocked \(mac)"), q)
        let applied = try await confirm(
            PaymentConfirmation(
                transactionID: sale.id, provider: .voucher, providerReference: "\(code.value)@\(mac)",
                amount: batch.price, at: at, actor: actor), q)
        return .redeemed(applied)
    }

    static func batch(_ row: PostgresRandomAccessRow) throws -> VoucherBatch {
        try StoredRows.voucherBatch(PostgresColumns(row, entity: "voucher batch"))
    }
}
