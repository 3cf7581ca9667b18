# Reference values for fertopt.fit_surface on a simulated 3414 trial in 3 blocks.
# Run from this directory:  Rscript surface_3414.R
# The trial is simulated here (set.seed(3414)) from a known surface and written to
# surface_3414_data.csv; the fits use stats::lm with sum-to-zero block coding
# (contr.sum), so the intercept is the average over blocks.  Stepwise selection is
# Efroymson's procedure on partial F via add1()/drop1(test = "F").
options(digits = 17)
fmt <- function(x) ifelse(is.na(x), NA, trimws(formatC(x, digits = 17, format = "g")))
out <- function(x, file) write.csv(x, file, row.names = FALSE)

codes <- c("000", "022", "122", "202", "212", "222", "232", "220", "221", "223", "322", "112", "121", "211")
level2 <- c(18, 8, 19)
mult <- c(0, 0.5, 1, 1.5)
trt <- data.frame(treatment = seq_along(codes), code = codes)
for (i in 1:3) trt[[c("N", "P2O5", "K2O")[i]]] <- mult[as.integer(substr(codes, i, i)) + 1] * level2[i]
true <- function(N, P, K) 1700 + 120 * N + 160 * P + 60 * K - 3.2 * N^2 - 9 * P^2 - 1.5 * K^2 +
  0.5 * N * P + 0.3 * N * K + 1.2 * P * K
set.seed(3414)
dat <- do.call(rbind, lapply(1:3, function(b) {
  d <- trt
  d$block <- paste0("B", b)
  d$yield <- true(d$N, d$P2O5, d$K2O) + 40 * (b - 2) + rnorm(nrow(d), sd = 120)
  d
}))
dat$yield <- round(dat$yield, 1)
out(dat[, c("block", "treatment", "code", "N", "P2O5", "K2O", "yield")], "surface_3414_data.csv")

dat$block <- factor(dat$block)
contrasts(dat$block) <- contr.sum(3)
X <- transform(dat, N2 = N^2, P2 = P2O5^2, K2 = K2O^2, NP = N * P2O5, NK = N * K2O, PK = P2O5 * K2O,
               sN = sqrt(N), sP = sqrt(P2O5), sK = sqrt(K2O),
               sNP = sqrt(N * P2O5), sNK = sqrt(N * K2O), sPK = sqrt(P2O5 * K2O))
term_names <- c(N = "N", P2O5 = "P2O5", K2O = "K2O", N2 = "N^2", P2 = "P2O5^2", K2 = "K2O^2",
                NP = "N:P2O5", NK = "N:K2O", PK = "P2O5:K2O", sN = "sqrt(N)", sP = "sqrt(P2O5)",
                sK = "sqrt(K2O)", sNP = "sqrt(N):sqrt(P2O5)", sNK = "sqrt(N):sqrt(K2O)",
                sPK = "sqrt(P2O5):sqrt(K2O)")
coef_out <- function(m, vars, file) {
  s <- summary(m)$coefficients
  keep <- c("(Intercept)", vars)
  ci <- confint(m)[keep, ]
  out(data.frame(term = c("intercept", term_names[vars]), estimate = fmt(s[keep, 1]),
                 se = fmt(s[keep, 2]), t = fmt(s[keep, 3]), p = fmt(s[keep, 4]),
                 ci_low = fmt(ci[, 1]), ci_high = fmt(ci[, 2])), file)
}

# 1. full ternary quadratic with blocks; ANOVA with lack of fit against pure error
quad <- c("N", "P2O5", "K2O", "N2", "P2", "K2", "NP", "NK", "PK")
m_full <- lm(reformulate(c("block", quad), "yield"), data = X)
coef_out(m_full, quad, "surface_3414_full_coef.csv")
m_b <- lm(yield ~ block, data = X)
m_0 <- lm(yield ~ 1, data = X)
m_cells <- lm(yield ~ block + factor(treatment), data = X)
rss <- function(m) sum(residuals(m)^2)
lof <- anova(m_full, m_cells)
sig2 <- rss(m_full) / m_full$df.residual
anova_tab <- data.frame(
  source = c("blocks", "regression", "residual", "lack_of_fit", "pure_error", "total"),
  df = c(2, 9, m_full$df.residual, m_full$df.residual - m_cells$df.residual,
         m_cells$df.residual, nrow(X) - 1),
  ss = c(rss(m_0) - rss(m_b), rss(m_b) - rss(m_full), rss(m_full), lof$`Sum of Sq`[2], rss(m_cells), rss(m_0)))
anova_tab$f <- c((anova_tab$ss[1] / 2) / sig2, (anova_tab$ss[2] / 9) / sig2, NA, lof$F[2], NA, NA)
anova_tab$p <- c(pf(anova_tab$f[1], 2, m_full$df.residual, lower.tail = FALSE),
                 pf(anova_tab$f[2], 9, m_full$df.residual, lower.tail = FALSE), NA, lof$`Pr(>F)`[2], NA, NA)
anova_tab$ss <- fmt(anova_tab$ss); anova_tab$f <- fmt(anova_tab$f); anova_tab$p <- fmt(anova_tab$p)
out(anova_tab, "surface_3414_full_anova.csv")
sm <- summary(m_full)
out(data.frame(r2 = fmt(sm$r.squared), adj_r2 = fmt(sm$adj.r.squared), sigma = fmt(sm$sigma),
               df_resid = m_full$df.residual), "surface_3414_full_stats.csv")

# 1b. predictions averaged over blocks (block contrasts at 0) with confidence and prediction
#     intervals: x0' b +- t * sqrt(x0' V x0 [+ sigma^2])
new <- data.frame(N = c(10, 27, 0), P2O5 = c(5, 12, 0), K2O = c(12, 28.5, 0))
x0 <- with(new, cbind(1, 0, 0, N, P2O5, K2O, N^2, P2O5^2, K2O^2, N * P2O5, N * K2O, P2O5 * K2O))
fit0 <- drop(x0 %*% coef(m_full))
se0 <- sqrt(rowSums((x0 %*% vcov(m_full)) * x0))
tq <- qt(0.975, m_full$df.residual)
sp <- sqrt(se0^2 + sigma(m_full)^2)
out(data.frame(new, fitted = fmt(fit0), conf_low = fmt(fit0 - tq * se0), conf_high = fmt(fit0 + tq * se0),
               pred_low = fmt(fit0 - tq * sp), pred_high = fmt(fit0 + tq * sp)), "surface_3414_predict.csv")

# 2. square-root surface with blocks
sq <- c("sN", "sP", "sK", "N", "P2O5", "K2O", "sNP", "sNK", "sPK")
coef_out(lm(reformulate(c("block", sq), "yield"), data = X), sq, "surface_3414_sqrt_coef.csv")

# 3. binary N-P quadratic on treatments 2-7, 11, 12 (K at level 2), with blocks
sub <- X[X$treatment %in% c(2:7, 11, 12), ]
bin <- c("N", "P2O5", "N2", "P2", "NP")
coef_out(lm(reformulate(c("block", bin), "yield"), data = sub), bin, "surface_3414_binary_np_coef.csv")

# 3b. univariate quadratics of the 3414 series (the other nutrients at level 2), with blocks
uni <- list(N = c(2, 3, 6, 11), P2O5 = c(4, 5, 6, 7), K2O = c(8, 9, 6, 10))
rows <- lapply(names(uni), function(n) {
  d <- X[X$treatment %in% uni[[n]], ]
  d$x <- d[[n]]
  cf <- coef(lm(yield ~ block + x + I(x^2), data = d))
  data.frame(nutrient = n, intercept = fmt(cf[["(Intercept)"]]), linear = fmt(cf[["x"]]),
             quadratic = fmt(cf[["I(x^2)"]]))
})
out(do.call(rbind, rows), "surface_3414_univariate_coef.csv")

# 4. unreplicated: treatment means (no blocks)
means <- aggregate(yield ~ treatment + N + P2O5 + K2O, data = dat, FUN = mean)
M <- transform(means, N2 = N^2, P2 = P2O5^2, K2 = K2O^2, NP = N * P2O5, NK = N * K2O, PK = P2O5 * K2O)
coef_out(lm(reformulate(quad, "yield"), data = M), quad, "surface_3414_means_coef.csv")

# 5. stepwise selection (F to enter 4, F to remove 3.9) with and without hierarchy
parents <- list(N = character(0), P2O5 = character(0), K2O = character(0), N2 = "N", P2 = "P2O5",
                K2 = "K2O", NP = c("N", "P2O5"), NK = c("N", "K2O"), PK = c("P2O5", "K2O"))
stepF <- function(data, base, cand, f_enter, f_remove, hierarchy) {
  chosen <- character(0)
  log <- data.frame()
  form <- function(v) reformulate(c("1", base, v), "yield")
  repeat {
    fit <- lm(form(chosen), data = data)
    elig <- setdiff(cand, chosen)
    if (hierarchy) elig <- elig[vapply(elig, function(v) all(parents[[v]] %in% chosen), TRUE)]
    if (!length(elig)) break
    a <- add1(fit, scope = as.formula(paste("~ . +", paste(elig, collapse = " + "))), test = "F")[-1, ]
    best <- rownames(a)[which.max(a$`F value`)]
    if (a[best, "F value"] < f_enter) break
    chosen <- c(chosen, best)
    fit <- lm(form(chosen), data = data)
    log <- rbind(log, data.frame(action = "enter", term = term_names[best], f = fmt(a[best, "F value"]),
                                 df_den = fit$df.residual))
    repeat {
      removable <- chosen
      if (hierarchy) removable <- chosen[vapply(chosen, function(v)
        !any(vapply(chosen, function(w) v %in% parents[[w]], TRUE)), TRUE)]
      d <- drop1(fit, scope = reformulate(removable), test = "F")[-1, ]
      worst <- rownames(d)[which.min(d$`F value`)]
      if (d[worst, "F value"] >= f_remove) break
      chosen <- setdiff(chosen, worst)
      log <- rbind(log, data.frame(action = "remove", term = term_names[worst], f = fmt(d[worst, "F value"]),
                                   df_den = fit$df.residual))
      fit <- lm(form(chosen), data = data)
    }
  }
  list(terms = unname(term_names[chosen]), log = log)
}
for (h in c(TRUE, FALSE)) {
  s <- stepF(M, character(0), quad, 4, 3.9, h)
  tag <- if (h) "hier" else "free"
  out(s$log, sprintf("surface_3414_stepwise_%s_log.csv", tag))
  final <- lm(reformulate(c("1", names(term_names)[match(s$terms, term_names)]), "yield"), data = M)
  cf <- coef(final)
  out(data.frame(term = c("intercept", s$terms), estimate = fmt(unname(cf))),
      sprintf("surface_3414_stepwise_%s_coef.csv", tag))
}
writeLines(capture.output(sessionInfo()), "surface_3414_sessionInfo.txt")
