# Generates the spdep reference numbers the C++ tests compare with (tests/spatial/spdep_reference_test.cpp).
# Run ONCE from the repository root (needs r-cran-spdep and r-cran-sf; CI does not run it):
#   Rscript tests/spatial/reference/make_spdep_reference.R \
#       ../shared/data/real/cbs-boundaries-2014-2015/buurt_2014.gpkg tests/spatial/reference
# Writes
#   buurt2014_spdep_local.csv   per buurt: value, neighbour-set checksums (queen, rook, rook with distinct
#                               shared points, knn6, band 2000 m),
#                               spdep localmoran / localG / localG on include.self() and permutation p-values
#   buurt2014_spdep_global.csv  moran.test under randomisation and normality (W and B, adjust.n FALSE/TRUE)
#   buurt2014_queen_spdep.gal   spdep's queen neighbours (write.nb.gal), ids = statcode
# The value column is deterministic from the buurt code (the C++ test recomputes it):
#   num = the 8 digits of BUxxxxxxxx, gm = its first 4 digits
#   value = (gm mod 97) + ((num * 7919) mod 1009) / 1009 + 1,  missing (NA) when num mod 211 == 0
# Buurten with an EMPTY geometry (545) cannot enter poly2nb: they are added back as islands.
suppressMessages({
  library(sf)
  library(spdep)
})
args <- commandArgs(trailingOnly = TRUE)
gpkg <- if (length(args) >= 1) args[1] else "../shared/data/real/cbs-boundaries-2014-2015/buurt_2014.gpkg"
out_dir <- if (length(args) >= 2) args[2] else "tests/spatial/reference"
set.ZeroPolicyOption(TRUE)

b <- st_read(gpkg, quiet = TRUE)
n <- nrow(b)
ids <- b$statcode
stopifnot(!anyDuplicated(ids))
empty <- st_is_empty(b)
num <- as.numeric(substr(ids, 3, 10))
gm <- as.numeric(substr(ids, 3, 6))
value <- (gm %% 97) + ((num * 7919) %% 1009) / 1009 + 1
value[num %% 211 == 0] <- NA
cat(sprintf("%d buurten, %d empty geometries, %d missing values\n", n, sum(empty), sum(is.na(value))))

# Neighbours among the non-empty geometries, expanded back to all n areas (empty ones are islands).
full_nb <- function(sub_nb) {
  idx <- which(!empty)
  res <- vector(mode = "list", length = n)
  for (i in seq_len(n)) res[[i]] <- 0L
  for (k in seq_along(sub_nb)) {
    nb_k <- sub_nb[[k]]
    if (length(nb_k) == 1L && nb_k[1] == 0L) next
    res[[idx[k]]] <- sort(idx[nb_k])
  }
  class(res) <- "nb"
  attr(res, "region.id") <- ids
  res
}
geom <- st_geometry(b)[!empty]
t0 <- proc.time()
nb_queen <- full_nb(poly2nb(geom, queen = TRUE))
t_queen <- (proc.time() - t0)[["elapsed"]]
nb_rook <- full_nb(poly2nb(geom, queen = FALSE))
# spdep's rook asks for "more than one" matching boundary point, but counts the closing repetition of a
# ring's first point as a second match: two buurten touching at one ring-start vertex become rook
# neighbours. rook_distinct repeats the test with distinct shared points only (>= 2), spdep's stated rule.
pts <- lapply(seq_along(geom), function(k) {
  xy <- st_coordinates(geom[k])[, 1:2, drop = FALSE]
  unique(sprintf("%.17g %.17g", xy[, 1], xy[, 2]))
})
queen_sub <- poly2nb(geom, queen = TRUE)
rook_distinct_sub <- lapply(seq_along(queen_sub), function(k) {
  nbk <- queen_sub[[k]]
  if (length(nbk) == 1L && nbk[1] == 0L) return(0L)
  keep_k <- nbk[sapply(nbk, function(j) length(intersect(pts[[k]], pts[[j]])) >= 2)]
  if (length(keep_k) == 0) 0L else keep_k
})
class(rook_distinct_sub) <- "nb"
nb_rook_distinct <- full_nb(rook_distinct_sub)
cent <- st_centroid(geom)
nb_knn6 <- full_nb(knn2nb(knearneigh(cent, k = 6)))
nb_band <- full_nb(dnearneigh(cent, 0, 2000))
cat(sprintf("poly2nb queen: %.2f s\n", t_queen))

# Checksums of each neighbour set (1-based indices in layer order): count, sum, sum of squares.
checksums <- function(nb, name) {
  card_ <- sapply(nb, function(x) if (length(x) == 1L && x[1] == 0L) 0L else length(x))
  s1 <- sapply(nb, function(x) if (length(x) == 1L && x[1] == 0L) 0 else sum(as.numeric(x)))
  s2 <- sapply(nb, function(x) if (length(x) == 1L && x[1] == 0L) 0 else sum(as.numeric(x)^2))
  df <- data.frame(card_, s1, s2)
  names(df) <- paste0(name, c("_card", "_sum", "_sumsq"))
  df
}

write.nb.gal(nb_queen, file.path(out_dir, "buurt2014_queen_spdep.gal"), oldstyle = FALSE, shpfile = "buurt_2014", ind = "statcode")

# Statistics on the areas with a value (spdep's subset.nb: links to missing areas are dropped).
keep <- !is.na(value)
y <- value[keep]
nb_sub <- subset(nb_queen, keep)
lw_W <- nb2listw(nb_sub, style = "W", zero.policy = TRUE)
lw_B <- nb2listw(nb_sub, style = "B", zero.policy = TRUE)
lw_star <- nb2listw(include.self(nb_sub), style = "W", zero.policy = TRUE)

fmt <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", x))
glob <- list()
for (style in c("W", "B")) {
  lw <- if (style == "W") lw_W else lw_B
  for (adj in c(FALSE, TRUE)) {
    for (rnd in c(TRUE, FALSE)) {
      mt <- moran.test(y, lw, randomisation = rnd, adjust.n = adj, zero.policy = TRUE)
      key <- sprintf("%s_%s_%s", style, if (adj) "adjustn" else "all", if (rnd) "randomisation" else "normality")
      glob[[paste0(key, "_I")]] <- mt$estimate[["Moran I statistic"]]
      glob[[paste0(key, "_EI")]] <- mt$estimate[["Expectation"]]
      glob[[paste0(key, "_VI")]] <- mt$estimate[["Variance"]]
      glob[[paste0(key, "_z")]] <- mt$statistic[[1]]
      glob[[paste0(key, "_p_greater")]] <- mt$p.value
    }
  }
}
write.csv(data.frame(statistic = names(glob), value = fmt(unlist(glob))), file.path(out_dir, "buurt2014_spdep_global.csv"),
          row.names = FALSE, quote = FALSE)

lm <- localmoran(y, lw_W, zero.policy = TRUE)
gi <- localG(y, lw_W, zero.policy = TRUE, return_internals = TRUE)
gs <- localG(y, lw_star, zero.policy = TRUE, return_internals = TRUE)
t0 <- proc.time()
lmp <- localmoran_perm(y, lw_W, nsim = 999, zero.policy = TRUE, iseed = 20141)
t_perm <- (proc.time() - t0)[["elapsed"]]
gip <- localG_perm(y, lw_W, nsim = 999, zero.policy = TRUE, iseed = 20142)
cat(sprintf("localmoran_perm 999: %.2f s\n", t_perm))

na_full <- function(v) {
  out <- rep(NA_real_, n)
  out[keep] <- v
  out
}
local <- data.frame(
  id = ids,
  value = value,
  empty = as.integer(empty),
  checksums(nb_queen, "queen"),
  checksums(nb_rook, "rook"),
  checksums(nb_rook_distinct, "rook_distinct"),
  checksums(nb_knn6, "knn6"),
  checksums(nb_band, "band2000"),
  Ii_n = na_full(lm[, "Ii"]),
  E_Ii_n = na_full(lm[, "E.Ii"]),
  Var_Ii_n = na_full(lm[, "Var.Ii"]),
  Z_Ii = na_full(lm[, "Z.Ii"]),
  G = na_full(attr(gi, "internals")[, 1]),
  G_z = na_full(as.numeric(gi)),
  Gstar = na_full(attr(gs, "internals")[, 1]),
  Gstar_z = na_full(as.numeric(gs)),
  I_p_folded_sim = na_full(lmp[, "Pr(folded) Sim"]),
  G_p_folded_sim = na_full(attr(gip, "internals")[, "Pr(folded) Sim"])
)
num_cols <- sapply(local, is.numeric)
local[num_cols] <- lapply(local[num_cols], fmt)
write.csv(local, file.path(out_dir, "buurt2014_spdep_local.csv"), row.names = FALSE, quote = FALSE)
cat("done\n")
