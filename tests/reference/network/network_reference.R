# Reference values for fertopt.fit_network (tests/test_network_fit.py).
#
# Data: agridat::hernandez.nitrogen (Hernandez & Mulla 2008, Agron. J. 100:1221-1229), copied
# from the agridat source (github.com/kwstat/agridat, data/hernandez.nitrogen.txt) into
# hernandez_nitrogen.csv.  Prices of the agridat example: corn 118.1 $/Mg, N 0.6615 $/kg.
#
# The models are fitted by lme4::lmer on the rate divided by 100 (the same model: a diagonal
# rescaling of fixed and random columns) with bobyqa and tight tolerances, because lmer on the
# raw rate stops early on these data ("Model failed to converge", EONR 161.86 instead of the
# optimum's 161.94).  Estimates are scaled back to kg/ha here.
#
# Run from this folder:  Rscript network_reference.R
suppressPackageStartupMessages(library(lme4))
d <- read.csv("hernandez_nitrogen.csv")
d$site <- factor(d$site)
d$n100 <- d$nitro / 100
ratio <- 0.6615 / 118.1
ctrl <- lmerControl(optimizer = "bobyqa",
                    optCtrl = list(rhobeg = 0.2, rhoend = 1e-12, maxfun = 1e6))
forms <- list(
  slope = yield ~ n100 + I(n100^2) + (1 + n100 | site),
  rep = yield ~ n100 + I(n100^2) + (1 | site) + (1 | site:rep),
  slope_rep = yield ~ n100 + I(n100^2) + (1 + n100 | site) + (1 | site:rep),
  full = yield ~ n100 + I(n100^2) + (1 + n100 + I(n100^2) | site)
)
power <- c("(Intercept)" = 0, n100 = 1, "I(n100^2)" = 2)
word <- c("(Intercept)" = "intercept", n100 = "linear", "I(n100^2)" = "quadratic")
scale_fixed <- c(1, 1 / 100, 1 / 100^2)
fixed <- list(); vc <- list(); fit <- list(); coefs <- list()
for (name in names(forms)) for (reml in c(TRUE, FALSE)) {
  m <- lmer(forms[[name]], data = d, REML = reml, control = ctrl)
  method <- if (reml) "REML" else "ML"
  b <- fixef(m) * scale_fixed
  se <- sqrt(diag(as.matrix(vcov(m)))) * scale_fixed
  fixed[[length(fixed) + 1]] <- data.frame(model = name, method = method,
    term = c("intercept", "linear", "quadratic"), estimate = b, se = se)
  v <- as.data.frame(VarCorr(m))
  # scale the random-slope rows back to kg/ha: variance / 100^2, covariance / 100
  # scale the rows back to kg/ha: a (co)variance of terms with powers a and b / 100^(a + b)
  pw <- function(x) ifelse(is.na(x), 0, power[ifelse(is.na(x), "(Intercept)", x)])
  k <- ifelse(v$grp == "Residual", 0, ifelse(is.na(v$var2), 2 * pw(v$var1), pw(v$var1) + pw(v$var2)))
  v$vcov <- v$vcov / 100^k
  variance <- is.na(v$var2)
  v$sdcor[variance] <- sqrt(v$vcov[variance])
  v$var1 <- ifelse(is.na(v$var1), NA, word[v$var1])
  v$var2 <- ifelse(is.na(v$var2), NA, word[v$var2])
  vc[[length(vc) + 1]] <- data.frame(model = name, method = method, v)
  eonr <- unname((ratio - b[2]) / (2 * b[3]))
  # REML's log-likelihood contains log|X'V^-1 X|, which the rescaling of the rate changes by
  # 2 log(100 * 100^2); the ML log-likelihood does not depend on it
  ll <- as.numeric(logLik(m)) - if (reml) log(100 * 100^2) else 0
  npar <- attr(logLik(m), "df")
  fit[[length(fit) + 1]] <- data.frame(model = name, method = method,
    sigma = sigma(m), loglik = ll, aic = -2 * ll + 2 * npar,
    bic = -2 * ll + log(nobs(m)) * npar,
    n_obs = nobs(m), singular = isSingular(m), price_ratio = ratio, eonr = eonr,
    agronomic_max = unname(-b[2] / (2 * b[3])))
  cf <- coef(m)$site
  cf <- data.frame(site = rownames(cf), intercept = cf[, 1], linear = cf[, 2] / 100,
                   quadratic = cf[, 3] / 100^2)
  cf$eonr <- (ratio - cf$linear) / (2 * cf$quadratic)
  coefs[[length(coefs) + 1]] <- data.frame(model = name, method = method, cf)
}
w <- function(x, f) write.csv(do.call(rbind, x), f, row.names = FALSE)
options(digits = 17)
w(fixed, "lme4_fixed.csv"); w(vc, "lme4_varcorr.csv"); w(fit, "lme4_fit.csv")
w(coefs, "lme4_site_coef.csv")
writeLines(capture.output(sessionInfo()), "lme4_sessioninfo.txt")
