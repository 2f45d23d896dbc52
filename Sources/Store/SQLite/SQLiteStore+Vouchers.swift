import Foundation
import GRDB
import HotspotPayCore

extension SQLiteStore: VoucherStore {
    public func addVoucherBatch(_ batch: VoucherBatch, codes: [VoucherCode], actor: String) async throws(StoreError) {
        try await write(entity: "voucher") { db in
            try db.execute(
                sql: """
                    INSERT INTO voucher_batches (id, plan_id, count, valid_until, price, devices_per_code, note,
                        created_at, created_by, revoked_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)
                    """,
                arguments: [
                    batch.id, batch.planID, batch.count, batch.validUntil.epochMilliseconds, batch.price.dong,
                    batch.devicesPerCode, batch.note, batch.createdAt.epochMilliseconds, batch.createdBy,
                ])
            let insert = try db.cachedStatement(
                sql: "INSERT INTO vouchers (code, batch_id, position, redemptions) VALUES (?, ?, ?, 0)")
            for (position, code) in codes.enumerated() {
                try insert.execute(arguments: [code.value, batch.id, position])
            }
            try Self.audit(
                AuditEvent(
                    at: batch.createdAt, kind: .vouchersChanged, actor: actor, amount: nil,
                    detail:
                        "made \(codes.count) vouchers for plan \(batch.planID) at \(batch.price.dong) VND, batch \(batch.id)"
                ), db: db)
        }
    }

    public func voucherBatches() async throws(StoreError) -> [VoucherBatch] {
        try await read(entity: "voucher") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM voucher_batches ORDER BY created_at DESC, id").map(Self.batch)
        }
    }

    public func voucherBatch(id: String) async throws(StoreError) -> VoucherBatch? {
        try await read(entity: "voucher") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM voucher_batches WHERE id = ?", arguments: [id]).map(Self.batch)
        }
    }

    public func vouchers(batchID: String) async throws(StoreError) -> [Voucher] {
        try await read(entity: "voucher") { db in
            try Row.fetchAll(
                db, sql: "SELECT code AS id, * FROM vouchers WHERE batch_id = ? ORDER BY position", arguments: [batchID]
            ).map { row in try StoredRows.voucher(RowReader(row, entity: "voucher")) }
        }
    }

    public func revokeVoucherBatch(id: String, at: Date, actor: String) async throws(StoreError) -> VoucherBatch {
        try await write(entity: "voucher") { db in
            try db.execute(
                sql: "UPDATE voucher_batches SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                arguments: [at.epochMilliseconds, id])
            guard
                let batch = try Row.fetchOne(db, sql: "SELECT * FROM voucher_batches WHERE id = ?", arguments: [id])
                    .map(Self.batch)
            else { throw StoreError.notFound(entity: "voucher batch", id: id) }
            if db.changesCount > 0 {
                try Self.audit(
                    AuditEvent(at: at, kind: .vouchersChanged, actor: actor, detail: "revoked voucher batch \(id)"),
                    db: db)
            }
            return batch
        }
    }

    public func redeemVoucher(_ code: VoucherCode, mac: MACAddress, routerID: String, clientIP: IPAddress?, at: Date)
        async throws(StoreError) -> VoucherRedemption
    {
        try await write(entity: "voucher") { db in
            try Self.redeem(code, mac: mac, routerID: routerID, clientIP: clientIP, at: at, db: db)
        }
    }

    private static func redeem(
        _ code: VoucherCode, mac: MACAddress, routerID: String, clientIP: IPAddress?, at: Date, db: Database
    ) throws -> VoucherRedemption {
        guard
            let batch = try Row.fetchOne(
                db.cachedStatement(
                    sql: "SELECT b.* FROM vouchers v JOIN voucher_batches b ON b.id = v.batch_id WHERE v.code = ?"),
                arguments: [code.value]
            ).map(Self.batch)
        else { return .refused(.unknown) }
        if let earlier = try String.fetchOne(
            db.cachedStatement(sql: "SELECT transaction_id FROM voucher_redemptions WHERE code = ? AND mac = ?"),
            arguments: [code.value, mac.description]), let sale = try fetchTransaction(db, id: earlier)
        {
            return .alreadyRedeemed(sale)
        }
        if batch.revokedAt != nil { return .refused(.revoked) }
        if batch.validUntil <= at { return .refused(.expired) }
        guard
            let plan = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM plans WHERE id = ?"), arguments: [batch.planID]
            ).map(Self.plan)
        else { return .refused(.planGone) }
        // The arbiter between racing redemptions: only an update that still finds a use left counts.
        try db.cachedStatement(
            sql: "UPDATE vouchers SET redemptions = redemptions + 1 WHERE code = ? AND redemptions < ?"
        ).execute(arguments: [code.value, batch.devicesPerCode])
        guard db.changesCount == 1 else { return .refused(.usedUp) }

        var generator = SystemRandomNumberGenerator()
        let sale = batch.sale(plan: plan, mac: mac, clientIP: clientIP, routerID: routerID, at: at, using: &generator)
        let actor = "voucher:\(batch.id)"
        try insert(sale, db: db)
        try audit(
            AuditEvent(
                at: at, kind: .transactionCreated, actor: actor, transactionID: sale.id, amount: sale.amount,
                detail: "\(sale.orderCode) plan \(sale.planID) via voucher for \(mac)"), db: db)
        try db.cachedStatement(
            sql: "INSERT INTO voucher_redemptions (code, mac, transaction_id, at) VALUES (?, ?, ?, ?)"
        ).execute(arguments: [code.value, mac.description, sale.id, at.epochMilliseconds])
        try audit(
            AuditEvent(
                at: at, kind: .voucherRedeemed, actor: actor, transactionID: sale.id, amount: sale.amount,
                detail: "voucher \(code.value.prefix(4))… of batch \(batch.id) unlocked \(mac)"), db: db)
        let applied = try confirm(
            PaymentConfirmation(
                transactionID: sale.id, provider: .voucher, providerReference: "\(code.value)@\(mac)",
                amount: batch.price, at: at, actor: actor),
            db: db)
        return .redeemed(applied)
    }

    static func batch(_ row: Row) throws -> VoucherBatch {
        try StoredRows.voucherBatch(RowReader(row, entity: "voucher batch"))
    }
}
