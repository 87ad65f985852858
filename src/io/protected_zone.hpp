#pragma once
// The protected zone of the undermining analysis: a SQLite file of its own (never the results store)
// holding pseudonymised micro-data and everything computed from them, an audit of every run, and the
// fingerprint of the key it was made with. Identifiers (BSN, household, BAG address, KvK, purchase)
// are replaced on the way in by a keyed hash (SipHash-2-4, 64 bits, stored as INTEGER); raw identifiers
// are never stored, logged or printed, and an error names file, line and column, never the value.
// Only aggregates that passed disclosure control leave the zone (jobs/risk.hpp: risk publish).
#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/table.hpp"
#include "io/store.hpp"

namespace wz::zone {

// The pseudonymisation key: the bytes of a key file (at least 16; trailing line breaks and spaces
// removed). It is never written anywhere; the zone records only its fingerprint.
class Key {
  public:
    // UsageError naming the file when it is missing, unreadable or too short.
    static Key from_file(const std::string& path);
    static Key from_bytes(std::string bytes);
    // 16 hex characters: keyed BLAKE2b of a fixed text (tells keys apart, reveals nothing of the key).
    std::string fingerprint() const;
    // The pseudonym of identifier `id` in `domain` ('P' person, 'H' household, 'A' address,
    // 'E' entity, 'K' purchase): SipHash-2-4 of "domain:id" under a 128-bit key derived from the key
    // file by keyed BLAKE2b; 64 bits, never 0.
    std::int64_t pseudonym(char domain, std::string_view id) const;

  private:
    explicit Key(std::string bytes);
    std::string bytes_;
    std::array<unsigned char, 16> pseudonym_key_{};  // SipHash key derived from bytes_ (BLAKE2b)
};

// The extract files, in ingest order, with their required columns.
struct ExtractFile {
    const char* name;  // "persons" -> DIR/persons.csv
    std::vector<const char*> columns;
};
const std::vector<ExtractFile>& extract_files();

struct LinkFailure {
    std::string file;    // "persons.csv"
    std::string reason;  // "address not in addresses.csv"
    std::int64_t records = 0;
};

struct IngestReport {
    std::vector<std::pair<std::string, std::int64_t>> rows;  // table -> rows stored
    std::vector<LinkFailure> failures;
    std::vector<InputFile> inputs;
    std::uint64_t bytes = 0;  // extract text read
    std::int64_t run = 0;
};

// One audit record: who (the OS user), what, inputs by hash, outputs; never a protected value.
struct AuditRecord {
    std::string command;  // "risk ingest"
    nlohmann::json parameters = nlohmann::json::object();
    std::vector<InputFile> inputs;
    nlohmann::json outputs = nlohmann::json::object();
    std::string started;
};

// Reads the extract folder (the files of extract_files(), comma- or semicolon-separated, UTF-8),
// checks every record (BSN 11-test, KvK 8 digits, BAG 16 digits, buurt and cell codes, dates,
// numbers), pseudonymises the identifiers and stores the micro-data tables in the zone at `path`
// (created when absent) in one transaction, replacing earlier micro-data and every result computed
// from them. Records that do not link (a person at an unknown address, a director of an unknown
// entity, ...) are skipped, counted and reported by reason. Malformed input is an InputError
// (FILE:LINE:COL, never the value) and leaves the zone as it was (a new zone is not created). Memory
// is bounded by the identifier index (8-16 bytes per person, address and entity), not by the extract.
IngestReport ingest_extracts(const std::string& path, const Key& key, const std::string& dir);

// An existing zone opened for a later step: the file must be a zone, and `key` the key it was made
// with (UsageError otherwise, naming the fingerprints).
class Zone {
  public:
    Zone(const std::string& path, const Key& key);
    ~Zone();
    Zone(const Zone&) = delete;
    Zone& operator=(const Zone&) = delete;

    const std::string& path() const { return path_; }
    bool has_table(const std::string& name) const;
    // Every row of `table` with `columns` (INTEGER -> int column, REAL -> real, TEXT -> text; NULL ->
    // missing). NotFoundError naming the step that makes the table when it is absent.
    Table read(const std::string& table, const std::vector<std::string>& columns) const;
    // Replaces result tables and appends the audit record, in one transaction.
    std::int64_t write(const std::vector<std::pair<std::string, const Table*>>& tables, const AuditRecord& audit);
    // The audit table as rows (run, started, finished, os_user, command, parameters, inputs, outputs).
    Table audit() const;

  private:
    std::string path_;
    void* db_ = nullptr;  // sqlite3*
};

// True when `path` is a protected zone of wijkzicht (a file with the zone's format record).
bool is_zone(const std::string& path);

// The OS user running this process ("uid 1000" when it has no name).
std::string os_user();

// Appends one line to the zone's audit log file (PATH.audit.log, JSON lines): every run, failed ones
// included (status and error kind; the message only when it carries no value).
void append_audit_log(const std::string& zone_path, const AuditRecord& record, const std::string& status,
                      std::int64_t run);

}  // namespace wz::zone
