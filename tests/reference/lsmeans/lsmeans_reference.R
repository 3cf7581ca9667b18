# Reference values for fertopt's least-squares means (fo.lsmeans) and the multiple comparisons
# on them (means="ls"): tests/test_lsmeans.py.
#
# Run from this directory:  Rscript lsmeans_reference.R
#
# Independent of fertopt: emmeans (LS-means, SEs, df, confidence limits; pairs with
# adjust = "tukey", "none", "scheffe"; trt.vs.ctrl contrasts), multcomp::glht (Dunnett's
# single-step p-values and critical value from the multivariate t of mvtnorm), lme4 + pbkrtest
# / lmerTest for the split-plot LS-means of a mixed model.
#
# Cases (data written or read here as lsmeans_data_<case>.csv):
#   disease2   agricolae's `disease` RCBD (7 treatments x 3 blocks) with two plots deleted
#              (T2 in block 2, T5 in block 3): the issue's "RCBD with two missing plots".
#   minnesota2 the bundled minnesota_2012 RCBD (8 N rates x 4 blocks) with two plots deleted.
#   nvar41     an N x variety RCBD (4 N rates x 3 varieties x 4 blocks = 48 plots) simulated
#              here with a fixed seed, 7 plots deleted at random: 41 plots.
#   fact       an unbalanced 3 x 2 factorial CRD (N x P, 2 to 5 plots per cell), simulated here.
#   melon1     agricolae's `melon` Latin square (4 x 4) with one plot deleted.
#   oats       nlme's Oats split-plot (complete), for the split-plot LS-means of a mixed model
#              (whole plots random): lmer + emmeans with Kenward-Roger and Satterthwaite df.
#
# Dunnett p-values: glht's single-step p-values come from mvtnorm's randomised quasi-Monte
# Carlo (Genz-Bretz); they are computed here with maxpts = 2e6 and abseps = 1e-7 under a fixed
# seed (mvtnorm warns when its error estimate stays above 1e-7).  Its error estimate is written
# (p_glht_error), and the p-values again under another seed (p_glht_other_seed).

suppressPackageStartupMessages({
  library(emmeans)
  library(multcomp)
  library(lme4)
})
options(warn = 1)
emm_options(lmer.df = "kenward-roger")

num <- function(x) sprintf("%.17g", x)
write_ref <- function(df, file) {
  for (nm in names(df)) if (is.numeric(df[[nm]])) df[[nm]] <- num(df[[nm]])
  write.csv(df, file, row.names = FALSE, quote = TRUE)
}
rows <- function(lst) do.call(rbind, lst)

# ---------------------------------------------------------------------------
# data
# ---------------------------------------------------------------------------
disease <- read.csv("../multcomp_data_disease.csv")
disease2 <- disease[!((disease$trt == "T2" & disease$rep == 2) |
                      (disease$trt == "T5" & disease$rep == 3)), ]
write.csv(disease2, "lsmeans_data_disease2.csv", row.names = FALSE)

mn <- read.csv("../../../src/fertopt/datasets/minnesota_2012.csv")
mn <- data.frame(rep = mn$rep, rate = mn$rate_n_applied_kgha, yield = mn$yld_grain_dry_kgha)
mn2 <- mn[!((mn$rate == mn$rate[order(mn$rate)][9] & mn$rep == 2) |
            (mn$rate == max(mn$rate) & mn$rep == 4)), ]
write.csv(mn2, "lsmeans_data_minnesota2.csv", row.names = FALSE)

set.seed(20240714)
g <- expand.grid(block = 1:4, N = c(0, 50, 80, 120), variety = c("V1", "V2", "V3"))
g$yield <- round(5 + 0.9 * (g$N > 0) + 0.006 * g$N - 0.00003 * g$N^2 +
                 c(V1 = 0, V2 = 0.5, V3 = -0.3)[g$variety] + c(0.3, -0.2, 0.1, -0.2)[g$block] +
                 rnorm(nrow(g), 0, 0.35), 3)
nvar41 <- g[-sample(nrow(g), 7), ]
write.csv(nvar41, "lsmeans_data_nvar41.csv", row.names = FALSE)

set.seed(20240715)
cells <- expand.grid(N = c("N0", "N1", "N2"), P = c("P0", "P1"))
reps <- c(2, 4, 3, 5, 3, 2)
fact <- rows(lapply(seq_len(nrow(cells)), function(i) data.frame(
  N = cells$N[i], P = cells$P[i],
  yield = round(20 + c(N0 = 0, N1 = 4, N2 = 5)[as.character(cells$N[i])] +
                c(P0 = 0, P1 = 2)[as.character(cells$P[i])] +
                (cells$N[i] == "N2" & cells$P[i] == "P1") * 2.5 + rnorm(reps[i], 0, 1.2), 2))))
write.csv(fact, "lsmeans_data_fact.csv", row.names = FALSE)

melon <- read.csv("../multcomp_data_melon.csv")
melon1 <- melon[!(melon$row == 2 & melon$col == 3), ]
write.csv(melon1, "lsmeans_data_melon1.csv", row.names = FALSE)

oats <- read.csv("../multcomp_data_oats.csv")
write.csv(oats, "lsmeans_data_oats.csv", row.names = FALSE)

# ---------------------------------------------------------------------------
# LS-means, pairs and Dunnett contrasts of one term of one fit
# ---------------------------------------------------------------------------
lsm_rows <- list(); pair_rows <- list(); dun_rows <- list()

level_labels <- function(emm) {
  g <- emm@grid
  vars <- emm@misc$pri.vars
  if (length(vars) == 1) as.character(g[[vars]]) else
    do.call(paste, c(lapply(vars, function(v) as.character(g[[v]])), sep = ":"))
}

record <- function(case, term, fit, specs, by = NULL, control = NULL, mcp_term = NULL) {
  emm <- emmeans(fit, specs, by = by)
  s <- summary(emm, level = 0.95)
  labs <- level_labels(emm)
  within <- if (is.null(by)) rep("", nrow(s)) else as.character(s[[by]])
  lsm_rows[[length(lsm_rows) + 1]] <<- data.frame(
    case = case, term = term, within = within, level = labs, lsmean = s$emmean, se = s$SE,
    df = s$df, ci_low = s$lower.CL, ci_high = s$upper.CL, stringsAsFactors = FALSE)
  for (w in unique(within)) {
    idx <- which(within == w)
    k <- length(idx)
    a <- unlist(lapply(1:(k - 1), function(i) rep(i, k - i)))
    b <- unlist(lapply(1:(k - 1), function(i) (i + 1):k))
    out <- list()
    for (adj in c("tukey", "none", "scheffe")) {
      pr <- pairs(emm, adjust = adj)
      ps <- as.data.frame(summary(pr))
      if (!is.null(by)) ps <- ps[as.character(ps[[by]]) == w, ]
      stopifnot(nrow(ps) == length(a))
      est <- s$emmean[idx][a] - s$emmean[idx][b]
      stopifnot(max(abs(est - ps$estimate)) < 1e-9 * max(1, abs(est)))
      out[[adj]] <- ps
    }
    pair_rows[[length(pair_rows) + 1]] <<- data.frame(
      case = case, term = term, within = w, treatment_a = labs[idx][a], treatment_b = labs[idx][b],
      estimate = out$tukey$estimate, se = out$tukey$SE, df = out$tukey$df,
      t = out$tukey$t.ratio, p_tukey = out$tukey$p.value, p_none = out$none$p.value,
      p_scheffe = out$scheffe$p.value, stringsAsFactors = FALSE)
  }
  if (!is.null(control)) {
    ref <- which(labs == control)
    ct <- contrast(emm, "trt.vs.ctrl", ref = ref, adjust = "none")
    cs <- as.data.frame(summary(ct))
    gl <- as.glht(ct)
    set.seed(20240601)
    alg <- GenzBretz(maxpts = 2e6, abseps = 1e-7, releps = 0)
    sm <- summary(gl, test = adjusted("single-step", algorithm = alg))
    set.seed(20240601)
    crit <- attr(confint(gl, level = 0.95)$confint, "calpha")
    p_mcp <- rep(NA_real_, nrow(cs))
    if (!is.null(mcp_term)) {
      # the model's own Dunnett contrasts (additive models: the same as the LS-means')
      d <- model.frame(fit)
      d[[mcp_term]] <- relevel(factor(d[[mcp_term]]), ref = control)
      fit2 <- update(fit, data = d)
      gm <- glht(fit2, linfct = do.call(mcp, setNames(list("Dunnett"), mcp_term)))
      set.seed(20240601)
      smm <- summary(gm, test = adjusted("single-step", algorithm = alg))
      stopifnot(max(abs(smm$test$coefficients - cs$estimate)) < 1e-9 * max(1, abs(cs$estimate)))
      p_mcp <- as.numeric(smm$test$pvalues)
    }
    set.seed(20240602)  # another seed: how far mvtnorm's own p-values move
    sg <- summary(gl, test = adjusted("single-step", algorithm = alg))
    others <- labs[-ref]
    dun_rows[[length(dun_rows) + 1]] <<- data.frame(
      case = case, term = term, control = control, treatment = others,
      estimate = cs$estimate, se = cs$SE, df = cs$df, t = cs$t.ratio,
      p_glht = as.numeric(sm$test$pvalues), p_glht_error = attr(sm$test$pvalues, "error"),
      p_glht_other_seed = as.numeric(sg$test$pvalues),
      p_mcp = p_mcp, critical = crit, stringsAsFactors = FALSE)
  }
}

# (a) RCBD with two missing plots
d <- disease2; d$rep <- factor(d$rep); d$trt <- factor(d$trt)
fit <- lm(yield ~ rep + trt, data = d)
record("disease2", "trt", fit, ~ trt, control = "T0", mcp_term = "trt")

d <- mn2; d$rep <- factor(d$rep); d$rate <- factor(d$rate)
fit <- lm(yield ~ rep + rate, data = d)
record("minnesota2", "rate", fit, ~ rate, control = "0", mcp_term = "rate")

# (b) unbalanced N x variety RCBD, 41 plots
d <- nvar41; d$block <- factor(d$block); d$N <- factor(d$N); d$variety <- factor(d$variety)
fit <- lm(yield ~ block + N * variety, data = d)
record("nvar41", "N", fit, ~ N, control = "0")
record("nvar41", "variety", fit, ~ variety, control = "V1")
record("nvar41", "N:variety", fit, ~ N:variety)
record("nvar41", "N|variety", fit, ~ N, by = "variety")

# (c) unbalanced factorial CRD
d <- fact; d$N <- factor(d$N); d$P <- factor(d$P)
fit <- lm(yield ~ N * P, data = d)
record("fact", "N", fit, ~ N, control = "N0")
record("fact", "P", fit, ~ P)
record("fact", "N:P", fit, ~ N:P)
record("fact", "P|N", fit, ~ P, by = "N")

# (d) Latin square with a missing plot
d <- melon1; d$row <- factor(d$row); d$col <- factor(d$col); d$variety <- factor(d$variety)
fit <- lm(yield ~ row + col + variety, data = d)
record("melon1", "variety", fit, ~ variety, control = "V1", mcp_term = "variety")

# (e) split-plot as a mixed model (whole plots random), Kenward-Roger and Satterthwaite df
d <- oats; d$Block <- factor(d$Block); d$Variety <- factor(d$Variety); d$nitro <- factor(d$nitro)
fit <- lmer(yield ~ Block + Variety * nitro + (1 | Block:Variety), data = d, REML = TRUE)
sp_rows <- list()
for (ddf in c("kenward-roger", "satterthwaite")) {
  for (tm in list(~ Variety, ~ nitro, ~ Variety:nitro)) {
    emm <- emmeans(fit, tm, lmer.df = ddf)
    s <- summary(emm, level = 0.95)
    sp_rows[[length(sp_rows) + 1]] <- data.frame(
      ddf = ddf, term = paste(emm@misc$pri.vars, collapse = ":"), level = level_labels(emm),
      lsmean = s$emmean, se = s$SE, df = s$df, ci_low = s$lower.CL, ci_high = s$upper.CL,
      stringsAsFactors = FALSE)
  }
}
vc <- as.data.frame(VarCorr(fit))

write_ref(rows(lsm_rows), "lsmeans_lsmeans.csv")
write_ref(rows(pair_rows), "lsmeans_pairs.csv")
write_ref(rows(dun_rows), "lsmeans_dunnett.csv")
write_ref(rows(sp_rows), "lsmeans_splitplot.csv")
write_ref(data.frame(component = vc$grp, variance = vc$vcov), "lsmeans_splitplot_vc.csv")
writeLines(capture.output(sessionInfo()), "lsmeans_sessioninfo.txt")
