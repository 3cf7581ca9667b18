# Reference values for fertopt.regwq and fertopt.waller (tests/test_regwq_waller.py).
#
# Run from this directory:  Rscript regwq_waller.R [path to an agricolae source tree]
#
# agricolae's REGW.test and waller.test (agricolae 1.3-7, CRAN, git commit 06e4e366 of the
# cran/agricolae GitHub mirror) are plain R on base R and stats.  Where agricolae is installed
# it is loaded; otherwise the script sources just the files it needs from an extracted copy of
# that source tree (R/REGW.test.R, R/waller.test.R, R/waller.R, R/orderPvalue.R, R/lastC.R,
# R/tapply.stat.R), given as the first argument.  agricolae's code is not committed here.
#
# Besides agricolae, the script writes this script's own implementations of the published
# definitions (independent of agricolae and of fertopt):
#   REGWQ (SAS MEANS / REGWQ; Einot & Gabriel 1975): alpha_p = 1 - (1 - alpha)^(p/k) for
#     p < k - 1, alpha for p >= k - 1; q_p = qtukey(1 - alpha_p, p, df) made non-decreasing in
#     p; a pair spanning p means: p-value max over s <= p of 1 - ptukey(q, s, df)^(k/s) (or
#     1 - ptukey(q, s, df) for s >= k - 1); step-down: a pair is separated only if its range
#     and every range of the sorted means containing it exceed their critical ranges.
#
# Data: agricolae's sweetpotato (GPL; ../multcomp_data_sweetpotato.csv), base R InsectSprays
# and chickwts, and the bundled Minnesota 2012 nitrogen-rate trial
# (../minnesota_2012.csv).  For the comparison with REGW.test, treatments are relabelled
# "<rank of the mean>_<label>" so that labels sort like the means: REGW.test 1.3-7 takes the
# span of a pair from the order of the labels (order(means[, 1])), not of the means.

args <- commandArgs(trailingOnly = TRUE)
if (requireNamespace("agricolae", quietly = TRUE)) {
  library(agricolae)
  agricolae_source <- paste("installed agricolae", packageVersion("agricolae"))
} else {
  if (!length(args)) stop("agricolae is not installed: give the path of its source tree")
  src <- args[1]
  for (f in c("REGW.test", "waller.test", "waller", "orderPvalue", "lastC", "tapply.stat"))
    source(file.path(src, "R", paste0(f, ".R")))
  agricolae_source <- "agricolae 1.3-7 source files (cran/agricolae@06e4e366)"
}
options(warn = 1)

num <- function(x) sprintf("%.17g", x)
write_ref <- function(df, file) {
  for (nm in names(df)) if (is.numeric(df[[nm]])) df[[nm]] <- num(df[[nm]])
  write.csv(df, file, row.names = FALSE, quote = TRUE)
}
rows <- function(lst) do.call(rbind, lst)

sweet <- read.csv("../multcomp_data_sweetpotato.csv")
sweet <- data.frame(trt = sweet$virus, y = sweet$yield, block = NA)
insect <- data.frame(trt = as.character(InsectSprays$spray), y = InsectSprays$count, block = NA)
chick <- data.frame(trt = as.character(chickwts$feed), y = chickwts$weight, block = NA)
mn <- read.csv("../minnesota_2012.csv")
mn <- data.frame(trt = format(mn$rate_n_applied_kgha, digits = 7), y = mn$yld_grain_dry_kgha,
                 block = as.character(mn$rep))
mn$trt <- sub("^ +", "", mn$trt)
write.csv(insect[, 1:2], "data_insectsprays.csv", row.names = FALSE)
write.csv(chick[, 1:2], "data_chickwts.csv", row.names = FALSE)
write.csv(mn, "data_minnesota.csv", row.names = FALSE)

relabel <- function(d) {
  m <- tapply(d$y, d$trt, mean)
  r <- rank(-m, ties.method = "first")
  d$trt <- paste0(r[d$trt], "_", d$trt)
  d
}
fit <- function(d) {
  if (all(is.na(d$block))) aov(y ~ trt, data = d) else aov(y ~ block + trt, data = d)
}
datasets <- list(sweetpotato = sweet, insectsprays = insect, chickwts = chick, minnesota = mn)

# ---------------------------------------------------------------------------
# REGWQ: agricolae (relabelled data) and the published definition
# ---------------------------------------------------------------------------
regwq_def <- function(d, alpha) {
  model <- fit(d)
  df <- df.residual(model); mse <- deviance(model) / df
  regwq_core(tapply(d$y, d$trt, mean), tapply(d$y, d$trt, length), mse, df, alpha)
}
regwq_core <- function(m, n, mse, df, alpha) {
  k <- length(m); nh <- 1 / mean(1 / n); se <- sqrt(mse / nh)
  o <- order(-m)                                   # ties do not occur in these data
  p <- 2:k
  ap <- ifelse(p < k - 1, 1 - (1 - alpha)^(p / k), alpha)
  q <- cummax(qtukey(1 - ap, p, df))
  ps <- function(x, s) if (s < k - 1) 1 - ptukey(x, s, df)^(k / s) else 1 - ptukey(x, s, df)
  sig_range <- matrix(FALSE, k, k)                 # ranges of sorted positions a < b
  for (a in 1:(k - 1)) for (b in (a + 1):k)
    sig_range[a, b] <- (m[o[a]] - m[o[b]]) / se > q[b - a]
  out <- list()
  for (a in 1:(k - 1)) for (b in (a + 1):k) {
    contained <- all(sapply(1:a, function(i) all(sig_range[i, b:k])))
    x <- (m[o[a]] - m[o[b]]) / se
    pmono <- max(sapply(2:(b - a + 1), function(s) ps(x, s)))
    out[[length(out) + 1]] <- data.frame(
      treatment_a = names(m)[o[a]], treatment_b = names(m)[o[b]], span = b - a + 1,
      diff = m[o[a]] - m[o[b]], statistic = x, p_span = ps(x, b - a + 1), p_monotone = pmono,
      separated_per_pair = sig_range[a, b], separated_stepdown = contained)
  }
  crit <- data.frame(span = p, level = ap, q_raw = qtukey(1 - ap, p, df), q = q,
                     critical_range = q * se)
  list(pairs = rows(out), critical = crit, mse = mse, df = df)
}

regw_pairs <- list(); regw_groups <- list(); regw_crit <- list(); def_pairs <- list()
def_crit <- list()
for (nm in names(datasets)) {
  for (alpha in c(0.05, 0.01)) {
    d <- relabel(datasets[[nm]])
    model <- fit(d)
    g <- REGW.test(model, "trt", alpha = alpha, group = TRUE)
    regw_groups[[length(regw_groups) + 1]] <- data.frame(
      dataset = nm, alpha = alpha, treatment = rownames(g$groups), mean = g$groups$y,
      letters = as.character(g$groups$groups))
    c <- REGW.test(model, "trt", alpha = alpha, group = FALSE)
    pr <- strsplit(rownames(c$comparison), " - ", fixed = TRUE)
    regw_pairs[[length(regw_pairs) + 1]] <- data.frame(
      dataset = nm, alpha = alpha, treatment_a = sapply(pr, `[`, 1),
      treatment_b = sapply(pr, `[`, 2), difference = c$comparison$difference,
      p_round4 = c$comparison$pvalue)
    if (!is.null(g$regw)) regw_crit[[length(regw_crit) + 1]] <- data.frame(
      dataset = nm, alpha = alpha, span = as.integer(rownames(g$regw)),
      quantile = g$regw$Table, critical_range = g$regw$CriticalRange)
    r <- regwq_def(d, alpha)
    def_pairs[[length(def_pairs) + 1]] <- data.frame(dataset = nm, alpha = alpha, r$pairs)
    def_crit[[length(def_crit) + 1]] <- data.frame(dataset = nm, alpha = alpha, r$critical)
  }
}
write_ref(rows(regw_groups), "regw_agricolae_groups.csv")
write_ref(rows(regw_pairs), "regw_agricolae_pairs.csv")
write_ref(rows(regw_crit), "regw_agricolae_critical.csv")
# a table of means where the step-down protection matters (Keppel & Wickens 2004, Table 6.1:
# five groups of 10, MSE 12.68889 on 45 df; SAS MEANS / SNK prints A, AB, BC, BC, C)
keppel <- c(g1 = 13.2, g5 = 12.3, g4 = 8.8, g2 = 8.7, g3 = 7.2)
for (alpha in c(0.05, 0.01, 0.1)) {
  r <- regwq_core(keppel, rep(10, 5), 12.68889, 45, alpha)
  def_pairs[[length(def_pairs) + 1]] <- data.frame(dataset = "keppel", alpha = alpha, r$pairs)
  def_crit[[length(def_crit) + 1]] <- data.frame(dataset = "keppel", alpha = alpha, r$critical)
}
write_ref(rows(def_pairs), "regwq_definition_pairs.csv")
write_ref(rows(def_crit), "regwq_definition_critical.csv")

# agricolae's ordering bug: sweetpotato with its own labels (cc, fc, ff, oo; means fc < cc < ff < oo)
g <- REGW.test(fit(sweet), "trt", group = FALSE)
pr <- strsplit(rownames(g$comparison), " - ", fixed = TRUE)
write_ref(data.frame(treatment_a = sapply(pr, `[`, 1), treatment_b = sapply(pr, `[`, 2),
                     p_round4 = g$comparison$pvalue), "regw_agricolae_label_order_sweetpotato.csv")

# ---------------------------------------------------------------------------
# Waller-Duncan: agricolae waller.test and waller
# ---------------------------------------------------------------------------
w_groups <- list(); w_stats <- list(); w_pairs <- list()
for (nm in names(datasets)) for (K in c(50, 100, 500)) {
  d <- datasets[[nm]]
  model <- fit(d)
  g <- waller.test(model, "trt", K = K, group = TRUE)
  w_groups[[length(w_groups) + 1]] <- data.frame(
    dataset = nm, K = K, treatment = rownames(g$groups), mean = g$groups$y,
    letters = as.character(g$groups$groups))
  st <- g$statistics
  w_stats[[length(w_stats) + 1]] <- data.frame(
    dataset = nm, K = K, mse = st$MSerror, df = st$Df, f_value = st$F.Value,
    waller_t = waller(K, nrow(g$means) - 1, st$Df, st$F.Value),
    critical_difference = if (is.null(st$CriticalDifference)) NA else st$CriticalDifference)
  c <- waller.test(model, "trt", K = K, group = FALSE)
  pr <- strsplit(rownames(c$comparison), " - ", fixed = TRUE)
  w_pairs[[length(w_pairs) + 1]] <- data.frame(
    dataset = nm, K = K, treatment_a = sapply(pr, `[`, 1), treatment_b = sapply(pr, `[`, 2),
    difference = c$comparison$Difference, significant = c$comparison$significant)
}
write_ref(rows(w_groups), "waller_agricolae_groups.csv")
write_ref(rows(w_stats), "waller_agricolae_statistics.csv")
write_ref(rows(w_pairs), "waller_agricolae_pairs.csv")

# agricolae's waller() on a grid (the same grid as waller_t_mpmath.py)
grid <- expand.grid(K = c(50, 100, 500), q = c(1, 3, 7, 13), f = c(4, 10, 30, 120),
                    fval = c(1.2, 3, 10))
grid$waller_agricolae <- mapply(waller, grid$K, grid$q, grid$f, grid$fval)
write_ref(grid, "waller_t_agricolae.csv")

writeLines(c(agricolae_source, capture.output(sessionInfo())), "regwq_waller_sessioninfo.txt")
