# R spdep timings for the same work as bench/bench_spatial.cpp (docs/bench-spatial.md).
#   scripts/install-deps bench-reference   # r-cran-spdep r-cran-sf
#   Rscript bench/spatial_reference.R [buurt_2014.gpkg] [permutations-on-the-grid: 0 = skip]
# Buurten: queen, row-standardised (style "W"), the value column of tests/spatial/reference/
# make_spdep_reference.R (no missing values). poly2nb cannot take empty geometries: the 545 empty
# buurten are left out of poly2nb and added back as islands. Parallel permutations on 2 cores
# (set.coresOption(2), spdep's own switch). Prints one line per step: step,seconds.
suppressMessages({
  library(sf)
  library(spdep)
})
args <- commandArgs(trailingOnly = TRUE)
gpkg <- if (length(args) >= 1) args[1] else "../shared/data/real/cbs-boundaries-2014-2015/buurt_2014.gpkg"
grid_perm <- if (length(args) >= 2) as.integer(args[2]) else 0L
invisible(set.ZeroPolicyOption(TRUE))
invisible(set.coresOption(2L))
timed <- function(step, expr) {
  t0 <- proc.time()[["elapsed"]]
  value <- force(expr)
  cat(sprintf("%s,%.3f\n", step, proc.time()[["elapsed"]] - t0))
  invisible(value)
}

b <- st_read(gpkg, quiet = TRUE)
n <- nrow(b)
empty <- st_is_empty(b)
num <- as.numeric(substr(b$statcode, 3, 10))
y <- (floor(num / 10000) %% 97) + ((num * 7919) %% 1009) / 1009 + 1
cat(sprintf("# buurten %d (empty %d), spdep %s, R %s, cores %d\n", n, sum(empty), packageVersion("spdep"),
            getRversion(), get.coresOption()))

nb_sub <- timed("buurten_poly2nb_queen", poly2nb(st_geometry(b)[!empty], queen = TRUE))
idx <- which(!empty)
nb <- vector(mode = "list", length = n)
for (i in seq_len(n)) nb[[i]] <- 0L
for (k in seq_along(nb_sub)) if (!(length(nb_sub[[k]]) == 1L && nb_sub[[k]][1] == 0L)) nb[[idx[k]]] <- idx[nb_sub[[k]]]
class(nb) <- "nb"
lw <- timed("buurten_nb2listw_W", nb2listw(nb, style = "W", zero.policy = TRUE))
lw_star <- nb2listw(include.self(nb), style = "W", zero.policy = TRUE)
timed("buurten_moran_test", moran.test(y, lw, zero.policy = TRUE))
timed("buurten_moran_mc_999", moran.mc(y, lw, nsim = 999, zero.policy = TRUE))
timed("buurten_localmoran_analytical", localmoran(y, lw, zero.policy = TRUE))
timed("buurten_localG_star_analytical", localG(y, lw_star, zero.policy = TRUE))
timed("buurten_localmoran_perm_999", localmoran_perm(y, lw, nsim = 999, zero.policy = TRUE, iseed = 1))
timed("buurten_localG_perm_999", localG_perm(y, lw, nsim = 999, zero.policy = TRUE, iseed = 1))

# The 500,000-cell grid of bench_spatial.cpp is hash-thinned; here a full 1000 x 500 block of cells
# (500,000 cells), queen, for the weights and the analytical statistics.
timed("grid_cell2nb_queen_500k", g_nb <- cell2nb(1000, 500, type = "queen"))
g_lw <- timed("grid_nb2listw_W", nb2listw(g_nb, style = "W"))
g_y <- sin(rep(0:999, times = 500) / 40) + cos(rep(0:499, each = 1000) / 55) + ((0:499999 * 7919) %% 1000) / 1000
timed("grid_localmoran_analytical", localmoran(g_y, g_lw))
if (grid_perm > 0) timed(sprintf("grid_localmoran_perm_%d", grid_perm), localmoran_perm(g_y, g_lw, nsim = grid_perm, iseed = 1))
