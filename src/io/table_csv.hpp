#pragma once
// Writing tables as CSV (RFC 4180, UTF-8, ',' separated, '.' decimals, empty = missing) that open in a
// spreadsheet and in QGIS. Written to a temporary file and renamed, so a failure leaves no half file.
#include <string>
#include <vector>

#include "core/table.hpp"

namespace wz {

void write_table_csv(const Table& table, const std::string& path);
// The same CSV text in memory (for the service's downloads).
std::string table_csv_text(const Table& table);

// Appends the rows of `b` below those of `a`, on the union of their columns (missing where a table
// lacks a column); columns of the same name must have the same type.
Table stack_tables(const Table& a, const Table& b);

// Reads a CSV file with a header line (',' ';' or tab, detected; UTF-8 or Windows-1252) into a table:
// columns whose values are all numbers become numbers, `text_columns` stay text. Errors name
// FILE:LINE:COL.
Table read_table_csv(const std::string& path, const std::vector<std::string>& text_columns = {});

}  // namespace wz
