# Reference values for the split-split-plot and strip-plot ANOVA of fertopt
# (tests/test_split_split_strip.py).
#
# Run from this directory:  Rscript split_split_strip.R [path to an agricolae source tree]
#
# Data (Gomez & Gomez 1984, Statistical Procedures for Agricultural Research, Wiley), as
# published in the agridat R package (kwstat/agridat, git commit 5919e3fb; data CC-BY-SA,
# "used with permission of Kwanchai Gomez"), copied to CSV:
#   gomez_splitsplit.csv  agridat gomez.splitsplit: rice, 5 nitrogen rates (main plots) x
#                         3 managements (sub-plots) x 3 varieties (sub-sub-plots), 3 reps;
#                         Gomez & Gomez pp. 143-153.
#   gomez_stripplot.csv   agridat gomez.stripplot: rice, 6 varieties (horizontal strips) x
#                         3 nitrogen rates (vertical strips), 3 reps; Gomez & Gomez p. 110,
#                         Table 3.15 (F: variety 7.653, nitrogen 34.07, interaction 5.801).
#
# References written:
#   * base R aov() with Error() strata (independent of agricolae):
#       split-split  aov(yield ~ nitro*management*gen + Error(rep/nitro/management))
#       strip-plot   aov(yield ~ gen*nitro + Error(rep/(gen*nitro)))
#     -> designs_aov_strata.csv (every stratum's rows; F and p as aov gives them), and the
#     block F of the split-split-plot against error a (MS rep / MS error a, pf).
#   * agricolae 1.3-7 ssp.plot and strip.plot (CRAN; source cran/agricolae@06e4e366): loaded
#     when installed, else R/ssp.plot.R and R/strip.plot.R sourced from an agricolae source tree
#     given as the first argument (not committed) -> designs_agricolae_anova.csv.
#   * the standard errors of mean differences of Gomez & Gomez (1984, ch. 3 and 4), written out
#     below from the book's formulas, with Satterthwaite's degrees of freedom for the
#     combinations of errors -> designs_comparison_errors.csv.

args <- commandArgs(trailingOnly = TRUE)
if (requireNamespace("agricolae", quietly = TRUE)) {
  library(agricolae)
  agricolae_source <- paste("installed agricolae", packageVersion("agricolae"))
} else {
  if (!length(args)) stop("agricolae is not installed: give the path of its source tree")
  for (f in c("ssp.plot", "strip.plot")) source(file.path(args[1], "R", paste0(f, ".R")))
  agricolae_source <- "agricolae 1.3-7 source files (cran/agricolae@06e4e366)"
}
options(warn = 1)

num <- function(x) sprintf("%.17g", x)
write_ref <- function(df, file) {
  for (nm in names(df)) if (is.numeric(df[[nm]])) df[[nm]] <- num(df[[nm]])
  write.csv(df, file, row.names = FALSE, quote = TRUE)
}
rows <- function(lst) do.call(rbind, lst)

ss <- read.csv("gomez_splitsplit.csv")
ss$rep <- factor(ss$rep); ss$nitro <- factor(ss$nitro)
ss$management <- factor(ss$management); ss$gen <- factor(ss$gen)
st <- read.csv("gomez_stripplot.csv")
st$rep <- factor(st$rep); st$nitro <- factor(st$nitro); st$gen <- factor(st$gen)

# ---------------------------------------------------------------------------
# aov with Error() strata
# ---------------------------------------------------------------------------
strata_table <- function(fit, design) {
  s <- summary(fit)
  out <- list()
  for (stratum in names(s)) {
    tab <- s[[stratum]][[1]]
    src <- trimws(rownames(tab))
    out[[stratum]] <- data.frame(
      design = design, stratum = sub("^Error: ", "", stratum), source = src,
      df = tab[["Df"]], ss = tab[["Sum Sq"]], ms = tab[["Mean Sq"]],
      f = if ("F value" %in% names(tab)) tab[["F value"]] else NA,
      p = if ("Pr(>F)" %in% names(tab)) tab[["Pr(>F)"]] else NA)
  }
  rows(out)
}
fit_ss <- aov(yield ~ nitro * management * gen + Error(rep / nitro / management), data = ss)
fit_st <- aov(yield ~ gen * nitro + Error(rep / (gen * nitro)), data = st)
strata <- rbind(strata_table(fit_ss, "split-split"), strata_table(fit_st, "strip"))
# the split-split block (rep) tested against error a, as fertopt and agricolae::sp.plot do
rep_ms <- with(strata, ms[design == "split-split" & source == "Residuals" & stratum == "rep"])
rep_ss <- strata[strata$design == "split-split" & strata$stratum == "rep", ]
ea <- strata[strata$design == "split-split" & strata$stratum == "rep:nitro" &
             strata$source == "Residuals", ]
rep_f <- rep_ss$ms / ea$ms
rep_row <- data.frame(design = "split-split", stratum = "rep (against error a)", source = "rep",
                      df = rep_ss$df, ss = rep_ss$ss, ms = rep_ss$ms, f = rep_f,
                      p = pf(rep_f, rep_ss$df, ea$df, lower.tail = FALSE))
write_ref(rbind(strata, rep_row), "designs_aov_strata.csv")

# ---------------------------------------------------------------------------
# agricolae ssp.plot and strip.plot
# ---------------------------------------------------------------------------
invisible(capture.output(a_ss <- with(ss, ssp.plot(rep, nitro, management, gen, yield))))
invisible(capture.output(a_st <- with(st, strip.plot(rep, gen, nitro, yield))))
agr <- function(a, design) {
  tab <- a$ANOVA
  data.frame(design = design, source = trimws(rownames(tab)), df = tab[[1]], ss = tab[[2]],
             ms = tab[[3]], f = tab[[4]], p = tab[[5]])
}
write_ref(rbind(agr(a_ss, "split-split"), agr(a_st, "strip")), "designs_agricolae_anova.csv")

# ---------------------------------------------------------------------------
# Gomez & Gomez: errors of the comparisons
# ---------------------------------------------------------------------------
sat <- function(g, E, df) {
  ms <- sum(g * E)
  c(ms = ms, df = ms^2 / sum((g * E)^2 / df))
}
err <- function(stratum, design) {
  with(strata[strata$design == design & strata$stratum == stratum &
              strata$source == "Residuals", ], c(ms = ms, df = df))
}
r <- 3
# split-split: a = 5 nitrogen, b = 3 managements, c = 3 varieties
Ea <- err("rep:nitro", "split-split"); Eb <- err("rep:nitro:management", "split-split")
Ec <- err("Within", "split-split")
a <- 5; b <- 3; c <- 3
E <- c(Ea[["ms"]], Eb[["ms"]], Ec[["ms"]]); D <- c(Ea[["df"]], Eb[["df"]], Ec[["df"]])
cases <- list(
  # term, within, weights of (Ea, Eb, Ec) in the mean square per plot, plots per mean
  list("nitro", "", c(1, 0, 0), r * b * c),
  list("management", "", c(0, 1, 0), r * a * c),
  list("gen", "", c(0, 0, 1), r * a * b),
  list("management", "nitro", c(0, 1, 0), r * c),
  list("nitro", "management", c(1, b - 1, 0) / b, r * c),
  list("gen", "nitro", c(0, 0, 1), r * b),
  list("nitro", "gen", c(1, 0, c - 1) / c, r * b),
  list("gen", "management", c(0, 0, 1), r * a),
  list("management", "gen", c(0, 1, c - 1) / c, r * a),
  list("gen", "nitro:management", c(0, 0, 1), r),
  list("management", "nitro:gen", c(0, 1, c - 1) / c, r),
  list("nitro", "management:gen", c(1, b - 1, b * (c - 1)) / (b * c), r))
out <- list()
for (cs in cases) {
  keep <- cs[[3]] > 0
  s <- sat(cs[[3]][keep], E[keep], D[keep])
  out[[length(out) + 1]] <- data.frame(design = "split-split", term = cs[[1]], within = cs[[2]],
    mse = s[["ms"]], df = s[["df"]], n = cs[[4]], se_diff = sqrt(2 * s[["ms"]] / cs[[4]]))
}
# strip: a = 6 varieties (horizontal), b = 3 nitrogen rates (vertical)
Ea <- err("rep:gen", "strip"); Eb <- err("rep:nitro", "strip"); Ec <- err("rep:gen:nitro", "strip")
a <- 6; b <- 3
E <- c(Ea[["ms"]], Eb[["ms"]], Ec[["ms"]]); D <- c(Ea[["df"]], Eb[["df"]], Ec[["df"]])
cases <- list(
  list("gen", "", c(1, 0, 0), r * b),
  list("nitro", "", c(0, 1, 0), r * a),
  list("gen", "nitro", c(1, 0, b - 1) / b, r),
  list("nitro", "gen", c(0, 1, a - 1) / a, r))
for (cs in cases) {
  keep <- cs[[3]] > 0
  s <- sat(cs[[3]][keep], E[keep], D[keep])
  out[[length(out) + 1]] <- data.frame(design = "strip", term = cs[[1]], within = cs[[2]],
    mse = s[["ms"]], df = s[["df"]], n = cs[[4]], se_diff = sqrt(2 * s[["ms"]] / cs[[4]]))
}
write_ref(rows(out), "designs_comparison_errors.csv")

writeLines(c(agricolae_source, capture.output(sessionInfo())), "split_split_strip_sessioninfo.txt")
