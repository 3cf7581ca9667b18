# Reference fits for fertopt.network.nonlinear (fit_nlme) by nlme::nlme (Lindstrom-Bates).
#
# Run from this folder:  Rscript nlme_reference.R
# Reads  nlme_hernandez.csv, nlme_engelstad.csv (agridat 1.27 data/hernandez.nitrogen.txt and
#        data/engelstad.nitro.txt, commit 5919e3fb126c9c6da48946d0e8648d410dbddc53)
# Writes nlme_sim_qp.csv, nlme_sim_lp.csv, nlme_sim_mit.csv (simulated networks, seed below),
#        nlme_results.csv (case, what, name, name2, value) and nlme_sessioninfo.txt.
#
# The models are written in fertopt's parametrisation (fertopt/curves/models.py) with their
# analytic gradients attached, so that nlme's linearisation uses the same derivatives as
# fertopt (nlme otherwise takes finite differences) and the numbers compare directly:
#   quadratic_plateau  intercept + linear*(x - x^2/(2 join)) below join, intercept + linear*join/2 beyond
#   linear_plateau     intercept + slope*min(x, join)
#   mitscherlich       asymptote*(1 - exp(-rate*(x + shift)))
# Tolerances are tighter than nlme's defaults (pnlsTol = 1e-3, tolerance = 1e-5) so that each
# fit is the converged fixed point of the alternating algorithm, not a point 1e-4 away from it;
# fits with pnlsTol = 1e-5 and 1e-6 agree to about 1e-6 (relative) on every fixed effect and
# on the log-likelihood, so the reference carries about that much noise of its own.
suppressPackageStartupMessages(library(nlme))

qp <- function(x, intercept, linear, join) {
  below <- x < join
  g <- ifelse(below, x - x^2 / (2 * join), join / 2)
  val <- intercept + linear * g
  attr(val, "gradient") <- cbind(intercept = 1 + 0 * x, linear = g,
                                 join = ifelse(below, linear * x^2 / (2 * join^2), linear / 2))
  val
}
lp <- function(x, intercept, slope, join) {
  val <- intercept + slope * pmin(x, join)
  attr(val, "gradient") <- cbind(intercept = 1 + 0 * x, slope = pmin(x, join),
                                 join = ifelse(x > join, slope, 0))
  val
}
mit <- function(x, asymptote, rate, shift) {
  e <- exp(-rate * (x + shift))
  val <- asymptote * (1 - e)
  attr(val, "gradient") <- cbind(asymptote = 1 - e, rate = asymptote * (x + shift) * e,
                                 shift = asymptote * rate * e)
  val
}
args <- commandArgs(TRUE)
pnls_tol <- if (length(args) > 0) as.numeric(args[1]) else 1e-6
ctrl <- nlmeControl(maxIter = 1000, pnlsMaxIter = 200, msMaxIter = 1000, tolerance = 1e-9,
                    pnlsTol = pnls_tol, minScale = 1e-12, returnObject = FALSE)

out <- list()
put <- function(case, what, name, name2, value) {
  out[[length(out) + 1]] <<- data.frame(case = case, what = what, name = name, name2 = name2,
                                         value = value, stringsAsFactors = FALSE)
}

record <- function(case, fit, start) {
  fe <- fixef(fit)
  for (k in names(start)) put(case, "start", k, "", start[[k]])
  for (k in names(fe)) put(case, "beta", k, "", fe[[k]])
  V <- vcov(fit)
  for (i in rownames(V)) for (j in colnames(V)) put(case, "beta_cov", i, j, V[i, j])
  put(case, "sigma2", "", "", fit$sigma^2)
  put(case, "loglik", "", "", as.numeric(logLik(fit)))
  put(case, "iterations", "", "", fit$numIter)
  re <- fit$modelStruct$reStruct
  # psi of each level (outermost = site first), on the data scale: sigma^2 * pdMatrix
  for (lev in names(re)) {
    P <- as.matrix(pdMatrix(re[[lev]])) * fit$sigma^2
    for (i in rownames(P)) for (j in colnames(P)) put(case, paste0("psi_", lev), i, j, P[i, j])
  }
  rf <- ranef(fit)
  if (is.data.frame(rf)) rf <- list(site = rf)
  b <- rf[["site"]]
  for (g in rownames(b)) for (k in colnames(b)) put(case, "site_effect", g, k, b[g, k])
  if (!is.null(rf[["rep"]])) {
    b <- rf[["rep"]]
    for (g in rownames(b)) for (k in colnames(b)) put(case, "rep_effect", g, k, b[g, k])
  }
}

attempt <- function(case, expr, start) {
  fit <- tryCatch(expr, error = function(e) { message(case, ": ", conditionMessage(e)); NULL })
  if (!is.null(fit)) { record(case, fit, start); message(case, ": ok, ", fit$numIter, " iterations") }
  invisible(fit)
}

# ---------------------------------------------------------------- Hernandez & Mulla (2008)
her <- read.csv("nlme_hernandez.csv")
her$x <- her$nitro
her$site <- factor(her$site)
her$rep <- factor(her$rep)
s_her_qp <- coef(nls(yield ~ qp(x, intercept, linear, join), her,
                     start = list(intercept = 4, linear = 0.04, join = 200)))
s_her_qp <- as.list(s_her_qp)
attempt("hernandez_qp_symm", nlme(yield ~ qp(x, intercept, linear, join), data = her,
        fixed = intercept + linear + join ~ 1, random = pdSymm(intercept + linear ~ 1),
        groups = ~site, start = unlist(s_her_qp), method = "ML", control = ctrl), s_her_qp)
attempt("hernandez_qp_diag", nlme(yield ~ qp(x, intercept, linear, join), data = her,
        fixed = intercept + linear + join ~ 1, random = pdDiag(intercept + linear ~ 1),
        groups = ~site, start = unlist(s_her_qp), method = "ML", control = ctrl), s_her_qp)
attempt("hernandez_qp_rep", nlme(yield ~ qp(x, intercept, linear, join), data = her,
        fixed = intercept + linear + join ~ 1,
        random = list(site = pdSymm(intercept + linear ~ 1), rep = pdSymm(intercept ~ 1)),
        groups = ~site / rep, start = unlist(s_her_qp), method = "ML", control = ctrl), s_her_qp)
attempt("hernandez_qp_reml", nlme(yield ~ qp(x, intercept, linear, join), data = her,
        fixed = intercept + linear + join ~ 1, random = pdSymm(intercept + linear ~ 1),
        groups = ~site, start = unlist(s_her_qp), method = "REML", control = ctrl), s_her_qp)
s_her_lp <- as.list(coef(nls(yield ~ lp(x, intercept, slope, join), her,
                             start = list(intercept = 4, slope = 0.03, join = 120))))
attempt("hernandez_lp_symm", nlme(yield ~ lp(x, intercept, slope, join), data = her,
        fixed = intercept + slope + join ~ 1, random = pdSymm(intercept + slope ~ 1),
        groups = ~site, start = unlist(s_her_lp), method = "ML", control = ctrl), s_her_lp)
s_her_mit <- as.list(coef(nls(yield ~ mit(x, asymptote, rate, shift), her,
                              start = list(asymptote = 10, rate = 0.01, shift = 50))))
attempt("hernandez_mit_symm", nlme(yield ~ mit(x, asymptote, rate, shift), data = her,
        fixed = asymptote + rate + shift ~ 1, random = pdSymm(asymptote + rate ~ 1),
        groups = ~site, start = unlist(s_her_mit), method = "ML", control = ctrl), s_her_mit)
attempt("hernandez_mit_diag", nlme(yield ~ mit(x, asymptote, rate, shift), data = her,
        fixed = asymptote + rate + shift ~ 1, random = pdDiag(asymptote ~ 1),
        groups = ~site, start = unlist(s_her_mit), method = "ML", control = ctrl), s_her_mit)

# The quadratic is linear in its parameters: the algorithm must reach lme's ML fit in one step.
her_q <- lme(yield ~ x + I(x^2), random = ~ 1 + x | site, data = her, method = "ML",
             control = lmeControl(msMaxIter = 1000, tolerance = 1e-12))
qn <- c("intercept", "linear", "quadratic")
fe <- fixef(her_q); V <- vcov(her_q); P <- getVarCov(her_q); b <- ranef(her_q)
for (i in 1:3) put("hernandez_quadratic_lme", "beta", qn[i], "", fe[[i]])
for (i in 1:3) for (j in 1:3) put("hernandez_quadratic_lme", "beta_cov", qn[i], qn[j], V[i, j])
put("hernandez_quadratic_lme", "sigma2", "", "", her_q$sigma^2)
put("hernandez_quadratic_lme", "loglik", "", "", as.numeric(logLik(her_q)))
for (i in 1:2) for (j in 1:2) put("hernandez_quadratic_lme", "psi_site", qn[i], qn[j], P[i, j])
for (g in rownames(b)) for (i in 1:2) put("hernandez_quadratic_lme", "site_effect", g, qn[i], b[g, i])

# ---------------------------------------------------------------- Engelstad & Parks (1971)
eng <- read.csv("nlme_engelstad.csv")
eng$x <- eng$nitro
eng$site <- factor(paste(eng$loc, eng$year))
s_eng <- as.list(coef(nls(yield ~ qp(x, intercept, linear, join), eng,
                          start = list(intercept = 50, linear = 0.3, join = 200))))
attempt("engelstad_qp_symm", nlme(yield ~ qp(x, intercept, linear, join), data = eng,
        fixed = intercept + linear + join ~ 1, random = pdSymm(intercept + linear ~ 1),
        groups = ~site, start = unlist(s_eng), method = "ML", control = ctrl), s_eng)
# Schabenberger & Pierce's single fit (Jackson 1962): maximum ~225, EONR ~140 lb/acre
j62 <- subset(eng, loc == "Jackson" & year == 1962)
m1 <- nls(yield ~ qp(x, intercept, linear, join), j62,
          start = list(intercept = 45, linear = 0.2, join = 200))
for (k in names(coef(m1))) put("engelstad_jackson1962_nls", "beta", k, "", coef(m1)[[k]])

# ---------------------------------------------------------------- simulated networks
set.seed(16)
simulate <- function(S, rates, reps, mean, cov, f, sd_rep, sd_e) {
  L <- t(chol(cov))
  rows <- list()
  for (s in seq_len(S)) {
    phi <- mean
    k <- names(mean)[seq_len(nrow(cov))]
    phi[k] <- mean[k] + as.vector(L %*% rnorm(nrow(cov)))
    for (r in seq_len(reps)) {
      rep_eff <- rnorm(1, 0, sd_rep)
      y <- as.vector(do.call(f, c(list(x = rates), as.list(phi)))) + rep_eff + rnorm(length(rates), 0, sd_e)
      rows[[length(rows) + 1]] <- data.frame(site = sprintf("T%02d", s), rep = sprintf("R%d", r),
                                             x = rates, yield = y)
    }
  }
  do.call(rbind, rows)
}
rates <- c(0, 40, 80, 120, 160, 200, 240)
cov_qp <- matrix(c(0.64, 0.3 * 0.8 * 0.006, 0.3 * 0.8 * 0.006, 0.006^2), 2,
                 dimnames = list(c("intercept", "linear"), c("intercept", "linear")))
sim_qp <- simulate(12, rates, 4, c(intercept = 6, linear = 0.05, join = 170), cov_qp,
                   function(x, ...) qp(x, ...), 0.2, 0.35)
sim_lp <- simulate(12, rates, 4, c(intercept = 6, slope = 0.035, join = 130), 
                   matrix(c(0.64, 0.3 * 0.8 * 0.005, 0.3 * 0.8 * 0.005, 0.005^2), 2,
                          dimnames = list(c("intercept", "slope"), c("intercept", "slope"))),
                   function(x, ...) lp(x, ...), 0.2, 0.35)
sim_mit <- simulate(12, rates, 4, c(asymptote = 11, rate = 0.012, shift = 60),
                    matrix(c(1, 0.2 * 1 * 0.002, 0.2 * 1 * 0.002, 0.002^2), 2,
                           dimnames = list(c("asymptote", "rate"), c("asymptote", "rate"))),
                    function(x, ...) mit(x, ...), 0.2, 0.35)
write.csv(sim_qp, "nlme_sim_qp.csv", row.names = FALSE)
write.csv(sim_lp, "nlme_sim_lp.csv", row.names = FALSE)
write.csv(sim_mit, "nlme_sim_mit.csv", row.names = FALSE)
# read back what was written (15 digits), so R fits the numbers the tests read
sim_qp <- read.csv("nlme_sim_qp.csv"); sim_lp <- read.csv("nlme_sim_lp.csv")
sim_mit <- read.csv("nlme_sim_mit.csv")
for (d in c("sim_qp", "sim_lp", "sim_mit")) {
  z <- get(d); z$site <- factor(z$site); z$rep <- factor(z$rep); assign(d, z)
}
s_qp <- list(intercept = 6.2, linear = 0.045, join = 180)
attempt("sim_qp_symm", nlme(yield ~ qp(x, intercept, linear, join), data = sim_qp,
        fixed = intercept + linear + join ~ 1, random = pdSymm(intercept + linear ~ 1),
        groups = ~site, start = unlist(s_qp), method = "ML", control = ctrl), s_qp)
attempt("sim_qp_rep", nlme(yield ~ qp(x, intercept, linear, join), data = sim_qp,
        fixed = intercept + linear + join ~ 1,
        random = list(site = pdSymm(intercept + linear ~ 1), rep = pdSymm(intercept ~ 1)),
        groups = ~site / rep, start = unlist(s_qp), method = "ML", control = ctrl), s_qp)
attempt("sim_qp_3", nlme(yield ~ qp(x, intercept, linear, join), data = sim_qp,
        fixed = intercept + linear + join ~ 1, random = pdDiag(intercept + linear + join ~ 1),
        groups = ~site, start = unlist(s_qp), method = "ML", control = ctrl), s_qp)
s_lp <- list(intercept = 6.2, slope = 0.03, join = 140)
attempt("sim_lp_symm", nlme(yield ~ lp(x, intercept, slope, join), data = sim_lp,
        fixed = intercept + slope + join ~ 1, random = pdSymm(intercept + slope ~ 1),
        groups = ~site, start = unlist(s_lp), method = "ML", control = ctrl), s_lp)
attempt("sim_lp_rep", nlme(yield ~ lp(x, intercept, slope, join), data = sim_lp,
        fixed = intercept + slope + join ~ 1,
        random = list(site = pdSymm(intercept + slope ~ 1), rep = pdSymm(intercept ~ 1)),
        groups = ~site / rep, start = unlist(s_lp), method = "ML", control = ctrl), s_lp)
s_mit <- list(asymptote = 10.5, rate = 0.013, shift = 50)
attempt("sim_mit_symm", nlme(yield ~ mit(x, asymptote, rate, shift), data = sim_mit,
        fixed = asymptote + rate + shift ~ 1, random = pdSymm(asymptote + rate ~ 1),
        groups = ~site, start = unlist(s_mit), method = "ML", control = ctrl), s_mit)
attempt("sim_mit_rep", nlme(yield ~ mit(x, asymptote, rate, shift), data = sim_mit,
        fixed = asymptote + rate + shift ~ 1,
        random = list(site = pdSymm(asymptote + rate ~ 1), rep = pdSymm(asymptote ~ 1)),
        groups = ~site / rep, start = unlist(s_mit), method = "ML", control = ctrl), s_mit)

res <- do.call(rbind, out)
res$value <- sprintf("%.17g", res$value)
write.csv(res, "nlme_results.csv", row.names = FALSE, quote = TRUE)
writeLines(capture.output(sessionInfo()), "nlme_sessioninfo.txt")
