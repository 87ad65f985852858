#include "io/postgis.hpp"

#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <set>

#include "core/error.hpp"
#include "core/progress.hpp"
#include "wijkzicht/version.hpp"

namespace wz {
namespace {

struct DatasetCloser {
    void operator()(GDALDataset* ds) const { GDALClose(ds); }
};
using GdalPtr = std::unique_ptr<GDALDataset, DatasetCloser>;

void gdal_init() {
    static std::once_flag once;
    std::call_once(once, [] {
        GDALAllRegister();
        CPLSetErrorHandler(CPLQuietErrorHandler);  // errors are reported with their message, once
    });
}

std::string last_error() {
    const char* m = CPLGetLastErrorMsg();
    return m != nullptr && *m != '\0' ? std::string(m) : std::string("(GDAL gave no message)");
}

// An SQL string literal.
std::string literal(const std::string& text) {
    std::string out = "'";
    for (char c : text) {
        if (c == '\'') out += '\'';
        out += c;
    }
    return out + "'";
}

std::string ident(const std::string& name) {
    std::string out = "\"";
    for (char c : name) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

// Runs a statement; IoError with the database's message when it fails.
void sql(GDALDataset& ds, const std::string& statement) {
    CPLErrorReset();
    OGRLayer* result = ds.ExecuteSQL(statement.c_str(), nullptr, nullptr);
    if (result != nullptr) ds.ReleaseResultSet(result);
    if (CPLGetLastErrorType() >= CE_Failure) {
        throw IoError(fmt::format("PostgreSQL: {} (in: {})", last_error(), statement.substr(0, 160)));
    }
}

// The values of the first column of a query.
std::vector<std::string> query_column(GDALDataset& ds, const std::string& statement) {
    CPLErrorReset();
    OGRLayer* result = ds.ExecuteSQL(statement.c_str(), nullptr, nullptr);
    if (CPLGetLastErrorType() >= CE_Failure) {
        if (result != nullptr) ds.ReleaseResultSet(result);
        throw IoError(fmt::format("PostgreSQL: {} (in: {})", last_error(), statement.substr(0, 160)));
    }
    std::vector<std::string> out;
    if (result == nullptr) return out;
    while (OGRFeature* f = result->GetNextFeature()) {
        out.emplace_back(f->IsFieldSetAndNotNull(0) ? f->GetFieldAsString(0) : "");
        OGRFeature::DestroyFeature(f);
    }
    ds.ReleaseResultSet(result);
    return out;
}

// QGIS's layout of the styles table in PostgreSQL (what QGIS creates when it first saves a style there).
constexpr const char* kLayerStyles =
    "CREATE TABLE IF NOT EXISTS public.layer_styles (id SERIAL PRIMARY KEY, f_table_catalog varchar, "
    "f_table_schema varchar, f_table_name varchar, f_geometry_column varchar, stylename text, styleqml xml, "
    "stylesld xml, useasdefault boolean, description text, owner varchar(63) DEFAULT CURRENT_USER, ui xml, "
    "update_time timestamp DEFAULT CURRENT_TIMESTAMP, type varchar)";

constexpr const char* kCatalogue =
    "CREATE TABLE IF NOT EXISTS public.wz_publication (name text PRIMARY KEY, kind text NOT NULL, "
    "row_count bigint NOT NULL, spatial boolean NOT NULL, styles integer NOT NULL, source text, "
    "program_version text, published timestamptz DEFAULT now())";

char** layer_options(const PgSource& s, bool spatial) {
    char** o = nullptr;
    o = CSLSetNameValue(o, "LAUNDER", "NO");
    o = CSLSetNameValue(o, "PRECISION", "NO");
    o = CSLSetNameValue(o, "FID", "fid");
    if (spatial) {
        o = CSLSetNameValue(o, "GEOMETRY_NAME", "geom");
        o = CSLSetNameValue(o, "SPATIAL_INDEX", "GIST");
    }
    if (!s.description.empty()) o = CSLSetNameValue(o, "DESCRIPTION", s.description.c_str());
    return o;
}

// Drops the table `name` when it exists, through GDAL so that its list of layers stays right (as ogr2ogr
// -overwrite does; the PG driver finds tables with and without geometry by name).
void drop_if_exists(GDALDataset& pg, const std::string& name) {
    CPLErrorReset();
    OGRLayer* existing = pg.GetLayerByName(name.c_str());
    if (existing == nullptr) return;
    for (int i = 0; i < pg.GetLayerCount(); ++i) {
        if (pg.GetLayer(i) != existing) continue;
        CPLErrorReset();
        if (pg.DeleteLayer(i) != OGRERR_NONE)
            throw IoError(fmt::format("PostgreSQL: cannot drop the table {}: {}", name, last_error()));
        return;
    }
}

OGRLayer* create_layer(GDALDataset& pg, const PgSource& s, OGRSpatialReference* srs,
                       OGRwkbGeometryType type) {
    drop_if_exists(pg, s.target);
    char** options = layer_options(s, type != wkbNone);
    CPLErrorReset();
    OGRLayer* out = pg.CreateLayer(s.target.c_str(), srs, type, options);
    CSLDestroy(options);
    if (out == nullptr)
        throw IoError(fmt::format("PostgreSQL: cannot create table {}: {}", s.target, last_error()));
    return out;
}

void create_feature(OGRLayer& out, OGRFeature& f, const std::string& target) {
    CPLErrorReset();
    if (out.CreateFeature(&f) != OGRERR_NONE)
        throw IoError(fmt::format("PostgreSQL: cannot write a row of {}: {}", target, last_error()));
}

// Copies a layer of a vector file: its fields, its geometries (polygons made multipolygons when the layer
// says so), and returns the number of rows.
std::size_t copy_layer(GDALDataset& pg, const PgSource& s, bool& spatial) {
    GdalPtr src(static_cast<GDALDataset*>(
        GDALOpenEx(s.path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr)));
    if (!src) throw IoError(fmt::format("cannot open '{}': {}", s.path, last_error()));
    OGRLayer* in = src->GetLayerByName(s.layer.c_str());
    if (in == nullptr) throw NotFoundError(fmt::format("'{}' has no layer '{}'", s.path, s.layer));
    OGRFeatureDefn* def = in->GetLayerDefn();
    const OGRwkbGeometryType type = in->GetGeomType();
    spatial = type != wkbNone;
    OGRLayer* out = create_layer(pg, s, in->GetSpatialRef(), type);
    for (int i = 0; i < def->GetFieldCount(); ++i) {
        OGRFieldDefn field(def->GetFieldDefn(i));
        if (out->CreateField(&field) != OGRERR_NONE)
            throw IoError(fmt::format("PostgreSQL: cannot add column {} to {}: {}", field.GetNameRef(),
                                      s.target, last_error()));
    }
    const GIntBig total = in->GetFeatureCount(TRUE);
    ProgressStep step("publish: " + s.target, total > 0 ? static_cast<std::uint64_t>(total) : 0, "rows");
    std::size_t rows = 0;
    in->ResetReading();
    OGRFeatureDefn* out_def = out->GetLayerDefn();
    while (OGRFeature* raw = in->GetNextFeature()) {
        std::unique_ptr<OGRFeature, void (*)(OGRFeature*)> f(raw, OGRFeature::DestroyFeature);
        OGRFeature g(out_def);
        g.SetFrom(f.get(), TRUE);
        if (OGRGeometry* geom = g.GetGeometryRef(); geom != nullptr && wkbFlatten(type) == wkbMultiPolygon &&
                                                    wkbFlatten(geom->getGeometryType()) == wkbPolygon) {
            g.SetGeometryDirectly(OGRGeometryFactory::forceToMultiPolygon(g.StealGeometry()));
        }
        create_feature(*out, g, s.target);
        if (++rows % 1024 == 0) step.advance(1024);
    }
    step.check();
    return rows;
}

std::size_t write_table(GDALDataset& pg, const PgSource& s) {
    const Table t = s.table();
    OGRLayer* out = create_layer(pg, s, nullptr, wkbNone);
    for (const Column& c : t.columns()) {
        const OGRFieldType type = c.type() == ColumnType::kReal  ? OFTReal
                                  : c.type() == ColumnType::kInt ? OFTInteger64
                                                                 : OFTString;
        OGRFieldDefn def(c.name().c_str(), type);
        if (out->CreateField(&def) != OGRERR_NONE)
            throw IoError(
                fmt::format("PostgreSQL: cannot add column {} to {}: {}", c.name(), s.target, last_error()));
    }
    ProgressStep step("publish: " + s.target, t.row_count(), "rows");
    for (std::size_t r = 0; r < t.row_count(); ++r) {
        OGRFeature f(out->GetLayerDefn());
        for (std::size_t c = 0; c < t.column_count(); ++c) {
            const Column& col = t.columns()[c];
            const int i = static_cast<int>(c);
            if (col.is_missing(r)) {
                f.SetFieldNull(i);
            } else if (col.type() == ColumnType::kReal) {
                f.SetField(i, col.real_at(r));
            } else if (col.type() == ColumnType::kInt) {
                f.SetField(i, static_cast<GIntBig>(col.int_at(r)));
            } else {
                f.SetField(i, col.text_at(r).c_str());
            }
        }
        create_feature(*out, f, s.target);
        if ((r + 1) % 1024 == 0) step.advance(1024);
    }
    step.check();
    return t.row_count();
}

void write_styles(GDALDataset& pg, const PgSource& s) {
    bool default_given = false;
    for (const auto& st : s.styles) {
        const bool is_default = st.use_as_default && !default_given;
        default_given = default_given || is_default;
        sql(pg,
            fmt::format(
                "INSERT INTO public.layer_styles (f_table_catalog, f_table_schema, f_table_name, "
                "f_geometry_column, stylename, styleqml, stylesld, useasdefault, description, owner, ui, "
                "type) VALUES (current_database(), 'public', {}, 'geom', {}, XMLPARSE(DOCUMENT {}), NULL, "
                "{}, {}, current_user, NULL, NULL)",
                literal(s.target), literal(st.name), literal(st.qml), is_default ? "true" : "false",
                literal(st.description)));
    }
}

}  // namespace

void check_pg_connection(const std::string& connection) {
    if (connection.rfind("PG:", 0) != 0) {
        throw UsageError(fmt::format(
            "--to: expected a PostgreSQL connection \"PG:dbname=... host=... port=...\", found '{}'",
            redact_connection(connection)));
    }
}

std::string redact_connection(const std::string& connection) {
    std::string out = connection;
    for (std::size_t at = out.find("password="); at != std::string::npos;
         at = out.find("password=", at + 1)) {
        const std::size_t from = at + 9;
        std::size_t to = from;
        if (to < out.size() && out[to] == '\'') {
            to = out.find('\'', to + 1);
            to = to == std::string::npos ? out.size() : to + 1;
        } else {
            while (to < out.size() && out[to] != ' ') ++to;
        }
        out.replace(from, to - from, "***");
    }
    return out;
}

std::vector<std::string> vector_layer_names(const std::string& path) {
    gdal_init();
    GdalPtr ds(static_cast<GDALDataset*>(
        GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr)));
    if (!ds) throw NotFoundError(fmt::format("cannot open '{}' as a GeoPackage: {}", path, last_error()));
    std::vector<std::string> out;
    for (int i = 0; i < ds->GetLayerCount(); ++i) out.emplace_back(ds->GetLayer(i)->GetName());
    return out;
}

PgPublishResult publish_to_postgis(const std::string& connection, const std::vector<PgSource>& sources,
                                   const std::string& label) {
    check_pg_connection(connection);
    std::set<std::string> names;
    for (const auto& s : sources) {
        if (!names.insert(s.target).second) throw std::logic_error("publish: two tables named " + s.target);
    }
    gdal_init();
    const char* drivers[] = {"PostgreSQL", nullptr};
    CPLErrorReset();
    GdalPtr pg(static_cast<GDALDataset*>(
        GDALOpenEx(connection.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, drivers, nullptr, nullptr)));
    if (!pg)
        throw IoError(fmt::format("cannot connect to '{}': {}", redact_connection(connection), last_error()));
    if (query_column(*pg, "SELECT count(*) FROM pg_extension WHERE extname = 'postgis'") !=
        std::vector<std::string>{"1"}) {
        throw UsageError(
            fmt::format("the database of '{}' has no PostGIS: run CREATE EXTENSION postgis; in it first",
                        redact_connection(connection)));
    }
    if (pg->StartTransaction(TRUE) != OGRERR_NONE)
        throw IoError(fmt::format("PostgreSQL: cannot start a transaction: {}", last_error()));
    PgPublishResult result;
    try {
        sql(*pg, kLayerStyles);
        sql(*pg, kCatalogue);
        // What an earlier publication wrote and this one does not: dropped, so the database holds exactly
        // this publication.
        for (const std::string& old :
             query_column(*pg, "SELECT name FROM public.wz_publication ORDER BY name")) {
            if (names.count(old) != 0) continue;
            sql(*pg, "DROP TABLE IF EXISTS public." + ident(old) + " CASCADE");
            sql(*pg, "DELETE FROM public.layer_styles WHERE f_table_schema = 'public' AND f_table_name = " +
                         literal(old));
            result.dropped.push_back(old);
        }
        sql(*pg, "DELETE FROM public.wz_publication");
        for (const PgSource& s : sources) {
            check_cancelled();
            PgPublished p{s.target, s.kind, 0, false, 0};
            if (s.table) {
                p.rows = write_table(*pg, s);
            } else {
                p.rows = copy_layer(*pg, s, p.spatial);
            }
            sql(*pg, "DELETE FROM public.layer_styles WHERE f_table_schema = 'public' AND f_table_name = " +
                         literal(s.target));
            if (p.spatial) {
                write_styles(*pg, s);
                p.styles = s.styles.size();
            }
            sql(*pg, fmt::format(
                         "INSERT INTO public.wz_publication (name, kind, row_count, spatial, styles, source, "
                         "program_version) VALUES ({}, {}, {}, {}, {}, {}, {})",
                         literal(s.target), literal(s.kind), p.rows, p.spatial ? "true" : "false", p.styles,
                         literal(label), literal(kVersion)));
            result.styles += p.styles;
            result.tables.push_back(std::move(p));
        }
        check_cancelled();
        CPLErrorReset();
        if (pg->CommitTransaction() != OGRERR_NONE)
            throw IoError(fmt::format("PostgreSQL: the commit failed: {}", last_error()));
    } catch (...) {
        pg->RollbackTransaction();
        throw;
    }
    return result;
}

}  // namespace wz
