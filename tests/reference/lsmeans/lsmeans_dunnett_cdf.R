# Dunnett's distribution for LS-means contrasts: P(max |T_i| <= c) from mvtnorm::pmvt, for the
# correlation of the trt.vs.ctrl contrasts of each case of lsmeans_reference.R
# (tests/test_lsmeans.py checks fertopt's dunnett_cdf(corr=) and its critical values with it).
#
# Run from this directory after lsmeans_reference.R:  Rscript lsmeans_dunnett_cdf.R
#
# glht's confint() solves for its critical value with qmvt's default tolerance (ptol = 0.001
# on the probability), so the critical values in lsmeans_dunnett.csv are good to about 1e-3;
# the probabilities here (maxpts = 2e6, abseps = 1e-7, fixed seed) carry mvtnorm's error
# estimate in the column `error`.

suppressPackageStartupMessages({
  library(emmeans)
  library(multcomp)
})
options(warn = 1)
num <- function(x) sprintf("%.17g", x)
write_ref <- function(df, file) {
  for (nm in names(df)) if (is.numeric(df[[nm]])) df[[nm]] <- num(df[[nm]])
  write.csv(df, file, row.names = FALSE, quote = TRUE)
}

out <- list()
one <- function(case, fit, specs, control) {
  emm <- emmeans(fit, specs)
  labs <- as.character(emm@grid[[emm@misc$pri.vars]])
  ct <- contrast(emm, "trt.vs.ctrl", ref = which(labs == control), adjust = "none")
  cr <- cov2cor(vcov(ct))
  df <- summary(ct)$df[1]
  m <- nrow(cr)
  for (cval in c(1.5, 2.0, 2.5, 3.0, 3.5)) {
    set.seed(20240601)
    p <- mvtnorm::pmvt(lower = rep(-cval, m), upper = rep(cval, m), df = df, corr = cr,
                       algorithm = mvtnorm::GenzBretz(maxpts = 2e6, abseps = 1e-7, releps = 0))
    out[[length(out) + 1]] <<- data.frame(case = case, control = control, c = cval, df = df,
                                          cdf = as.numeric(p), error = attr(p, "error"))
  }
}
d <- read.csv("lsmeans_data_disease2.csv"); d$rep <- factor(d$rep); d$trt <- factor(d$trt)
one("disease2", lm(yield ~ rep + trt, data = d), ~ trt, "T0")
d <- read.csv("lsmeans_data_minnesota2.csv"); d$rep <- factor(d$rep); d$rate <- factor(d$rate)
one("minnesota2", lm(yield ~ rep + rate, data = d), ~ rate, "0")
d <- read.csv("lsmeans_data_melon1.csv")
d$row <- factor(d$row); d$col <- factor(d$col); d$variety <- factor(d$variety)
one("melon1", lm(yield ~ row + col + variety, data = d), ~ variety, "V1")
write_ref(do.call(rbind, out), "lsmeans_dunnett_cdf.csv")
