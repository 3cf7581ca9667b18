# Reference values for fertopt.omission(): least-squares treatment means (emmeans) and
# delta-method standard errors of the omission indices, computed independently in R.
#
# Inputs (hand-built trials, written next to this script):
#   trial_a.csv  5 treatments x 3 blocks, balanced (means NPK 6000, PK 4500, NK 5400,
#                NP 5700, CK 3000; block effects 100, 0, -100; errors 10 * R with R the
#                integer pattern ((2,-3,1),(-1,3,-2),(3,1,-4),(-2,-1,3),(-2,0,2)), N uptake
#                means 120, 75, 110, 115, 50 with block effects 5, 0, -5 and errors R shifted
#                by one treatment)
#   trial_b.csv  trial A with the yield of the NK plot of block 3 missing (unbalanced)
# Output: omission_reference.csv (17 significant digits), sessionInfo.txt
#
# Run: Rscript make_omission_reference.R   (packages: emmeans)
suppressPackageStartupMessages(library(emmeans))
options(digits = 17)

prices <- c(crop = 0.3, N = 1.2, P2O5 = 1.5, K2O = 0.8)
full_rates <- c(N = 150, P2O5 = 60, K2O = 90)
minus <- c(N = "PK", P2O5 = "NK", K2O = "NP")

ls_means <- function(d, response) {
  d <- d[!is.na(d$yield), ]
  d$block <- factor(d$block)
  d$treatment <- factor(d$treatment, levels = c("NPK", "PK", "NK", "NP", "CK"))
  fit <- lm(as.formula(paste(response, "~ block + treatment")), data = d)
  emm <- emmeans(fit, "treatment")
  s <- summary(emm)
  list(m = setNames(s$emmean, as.character(s$treatment)),
       V = { V <- vcov(emm); dimnames(V) <- list(as.character(s$treatment), as.character(s$treatment)); V },
       df = df.residual(fit))
}

delta <- function(value, grad, V) {
  g <- grad[rownames(V)]
  g[is.na(g)] <- 0
  c(value, sqrt(drop(t(g) %*% V %*% g)))
}

rows <- list()
add <- function(trial, nutrient, index, est_se, df) {
  tq <- qt(0.975, df)
  rows[[length(rows) + 1]] <<- data.frame(trial = trial, nutrient = nutrient, index = index,
    estimate = est_se[1], se = est_se[2], ci_low = est_se[1] - tq * est_se[2],
    ci_high = est_se[1] + tq * est_se[2])
}

for (trial in c("a", "b")) {
  d <- read.csv(sprintf("trial_%s.csv", trial))
  Y <- ls_means(d, "yield"); U <- ls_means(d, "n_uptake")
  m <- Y$m; V <- Y$V; df <- Y$df
  for (tr in names(m)) add(trial, tr, "ls_mean", delta(m[[tr]], setNames(1, tr), V), df)
  F <- m[["NPK"]]
  for (nut in names(minus)) {
    lbl <- minus[[nut]]; M <- m[[lbl]]; dF <- full_rates[[nut]]
    add(trial, nut, "relative_yield", delta(100 * M / F, setNames(c(-100 * M / F^2, 100 / F), c("NPK", lbl)), V), df)
    add(trial, nut, "contribution_rate", delta(100 * (F - M) / F, setNames(c(100 * M / F^2, -100 / F), c("NPK", lbl)), V), df)
    add(trial, nut, "yield_increase", delta(F - M, setNames(c(1, -1), c("NPK", lbl)), V), df)
    add(trial, nut, "yield_increase_pct", delta(100 * (F - M) / M, setNames(c(100 / M, -100 * F / M^2), c("NPK", lbl)), V), df)
    add(trial, nut, "agronomic_efficiency", delta((F - M) / dF, setNames(c(1, -1) / dF, c("NPK", lbl)), V), df)
    add(trial, nut, "partial_factor_productivity", delta(F / dF, setNames(1 / dF, "NPK"), V), df)
    if (nut == "N") {
      uF <- U$m[["NPK"]]; uM <- U$m[[lbl]]
      add(trial, nut, "recovery_efficiency", delta(100 * (uF - uM) / dF, setNames(c(100, -100) / dF, c("NPK", lbl)), U$V), U$df)
    }
    py <- prices[["crop"]]; px <- prices[[nut]]
    add(trial, nut, "value_cost_ratio", delta((F - M) * py / (dF * px), setNames(c(py, -py) / (dF * px), c("NPK", lbl)), V), df)
    add(trial, nut, "net_return", delta((F - M) * py - dF * px, setNames(c(py, -py), c("NPK", lbl)), V), df)
  }
  C <- m[["CK"]]; cost <- sum(full_rates * prices[names(full_rates)])
  add(trial, "all", "fertilizer_contribution", delta(100 * (F - C) / F, setNames(c(100 * C / F^2, -100 / F), c("NPK", "CK")), V), df)
  add(trial, "all", "soil_contribution", delta(100 * C / F, setNames(c(-100 * C / F^2, 100 / F), c("NPK", "CK")), V), df)
  add(trial, "all", "yield_increase", delta(F - C, setNames(c(1, -1), c("NPK", "CK")), V), df)
  add(trial, "all", "yield_increase_pct", delta(100 * (F - C) / C, setNames(c(100 / C, -100 * F / C^2), c("NPK", "CK")), V), df)
  add(trial, "all", "agronomic_efficiency", delta((F - C) / sum(full_rates), setNames(c(1, -1) / sum(full_rates), c("NPK", "CK")), V), df)
  add(trial, "all", "partial_factor_productivity", delta(F / sum(full_rates), setNames(1 / sum(full_rates), "NPK"), V), df)
  py <- prices[["crop"]]
  add(trial, "all", "value_cost_ratio", delta((F - C) * py / cost, setNames(c(py, -py) / cost, c("NPK", "CK")), V), df)
  add(trial, "all", "net_return", delta((F - C) * py - cost, setNames(c(py, -py), c("NPK", "CK")), V), df)
}
out <- do.call(rbind, rows)
write.csv(format(out, digits = 17), "omission_reference.csv", row.names = FALSE, quote = FALSE)
writeLines(capture.output(sessionInfo()), "sessionInfo.txt")
