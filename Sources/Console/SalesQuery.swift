import Foundation
import HotspotPayCore
import Store

/// A search over sales as the console's filters and the API's query string give it: all
/// optional text, parsed once here so the web page, the API and the CLI agree.
public struct SalesQuery: Sendable, Hashable {
    public var filter: TransactionFilter
    public var page: Int
    public var perPage: Int

    public static let maximumPerPage = 500

    public init(filter: TransactionFilter = TransactionFilter(), page: Int = 1, perPage: Int = 50) {
        self.filter = filter
        self.page = page
        self.perPage = perPage
    }

    /// From `status`, `provider`, `router`, `mac`, `order`, `from`, `to` (venue days, `to`
    /// inclusive), `page` and `per_page`; empty values are ignored.
    public init(parameters: [String: String], venue: VenueTime = VenueTime()) throws(ConsoleError) {
        var problems: [ValidationProblem] = []
        var filter = TransactionFilter()
        func value(_ key: String) -> String? {
            guard let text = parameters[key]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return text
        }
        if let status = value("status") {
            if let parsed = TransactionStatus(rawValue: status) {
                filter.status = parsed
            } else {
                problems.append(
                    .init(
                        field: "status",
                        message: "one of \(TransactionStatus.allCases.map(\.rawValue).joined(separator: ", "))"))
            }
        }
        if let provider = value("provider") { filter.provider = ProviderID(rawValue: provider.lowercased()) }
        filter.routerID = value("router")
        if let mac = value("mac") {
            do { filter.mac = try MACAddress(mac) } catch {
                problems.append(.init(field: "mac", message: "\(error)"))
            }
        }
        if let order = value("order") {
            do { filter.orderCode = try OrderCode(order.uppercased()) } catch {
                problems.append(.init(field: "order", message: "\(error)"))
            }
        }
        do {
            if let from = value("from") { filter.createdFrom = try venue.day(from, field: "from") }
            if let to = value("to") { filter.createdBefore = try venue.day(to, field: "to").addingTimeInterval(86_400) }
        } catch {
            if case .invalid(let found) = error { problems += found }
        }
        let page = value("page").map { Int($0) } ?? 1
        let perPage = value("per_page").map { Int($0) } ?? 50
        if page == nil || page! < 1 { problems.append(.init(field: "page", message: "a whole number from 1")) }
        if perPage == nil || !(1...Self.maximumPerPage).contains(perPage!) {
            problems.append(.init(field: "per_page", message: "a whole number from 1 to \(Self.maximumPerPage)"))
        }
        guard problems.isEmpty, let page, let perPage else { throw .invalid(problems) }
        filter.limit = perPage
        filter.offset = (page - 1) * perPage
        self.init(filter: filter, page: page, perPage: perPage)
    }
}
