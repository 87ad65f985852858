#pragma once
// The undermining network (METHODS.md §6): persons, households, addresses (dwellings among them, the
// "properties"), legal entities and transactions as one graph, so that drug crime, money flows,
// property deals and misuse of legal forms are seen together. Pure: tables in, tables out; identifiers
// are the zone's pseudonyms, and per-person results never leave the zone (summaries per buurt do).
#include <cstdint>
#include <string>

#include "core/table.hpp"
#include "risk/indicators.hpp"

namespace wz::risk {

struct NetworkOptions {
    // Risk spreads from known suspects (drugs trafficking or money laundering, any year up to the
    // reference year) over every edge, halving per hop, up to this many hops.
    int spread_hops = 2;
    std::int64_t reference_year = 0;  // 0: the latest suspicion year
    // A component is a risk component when it holds at least this many suspects, or one suspect and
    // an unusual transaction.
    std::int64_t min_suspects = 2;
};

// Edges: household (person-household), residence (person-address), seat (entity-address),
// ownership (owner-dwelling), purchase (buyer-dwelling), director (person-entity), transaction
// (sender-receiver). Components are taken over the edges of control and money only (ownership,
// purchase, director, transaction): living together is not a network of crime, and every person
// lives somewhere. Households (person-household) and residences (person-address) carry the spread.
struct NetworkResult {
    // One row per component with at least two persons or entities: component (1 = largest), persons,
    // entities, properties, transactions, suspects, professional_directors, buurten, risk (0/1).
    Table components;
    // Zone only: node_type ("person", "entity", "property"), node (pseudonym), component, risk (0..1).
    Table members;
    // Per buurt: buurt, persons_at_risk (within spread_hops of a suspect, suspects excluded),
    // suspects, risk_components (risk components with a person or property here),
    // entity_owned_dwellings, dwellings_via_suspect_entities (owned by an entity with a suspect or
    // professional director: ownership chains property <- entity <- director).
    Table buurten;
    std::int64_t nodes = 0, edges = 0;
};

NetworkResult analyse_network(const MicroTables& tables, const Table& professional_directors, const NetworkOptions& options);

}  // namespace wz::risk
