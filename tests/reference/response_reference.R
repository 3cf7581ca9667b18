# Reference values for fertopt's response models and economic optima.
#
# Run from this folder:  Rscript response_reference.R
# Writes response_reference.json (15 significant digits, jsonlite digits = NA) and response_sessioninfo.txt.
#
# Independent of fertopt: linear-in-parameter models with lm(); plateau and
# Mitscherlich models with nls() started from a coarse grid search done here;
# delta-method standard errors with car::deltaMethod(); Fieller sets with the
# formula of agridat's bachmaier.nitrogen example; profile-likelihood intervals
# by refitting with the optimum as a parameter (closed form for the quadratic,
# a one-dimensional search over the join for the quadratic plateau) and
# uniroot() on (SSE(theta) - SSE) / s^2 = F(level; 1, df).
#
# Data (copied next to this script): minnesota_2012.csv (tnigon/eonr, MIT),
# bachmaier.nitrogen.csv and cate.potassium.csv (kwstat/agridat, MIT).

suppressPackageStartupMessages({
  library(car)
  library(jsonlite)
})

out <- list()

# ---------------------------------------------------------------- helpers
g_qp <- function(x, xs) ifelse(x < xs, x - x^2 / (2 * xs), xs / 2)
f_lp <- function(x, a, b, xs) a + b * pmin(x, xs)
f_qp <- function(x, a, b, xs) a + b * g_qp(x, xs)
f_mit <- function(x, A, c, s) A * (1 - exp(-c * (x + s)))

fit_summary <- function(fit, names) {
  s <- summary(fit)
  cf <- coef(s)
  res <- residuals(fit)
  y <- fitted(fit) + res
  list(
    estimate = setNames(as.list(cf[names, 1]), names),
    se = setNames(as.list(cf[names, 2]), names),
    sigma = s$sigma,
    df_resid = df.residual(fit),
    sse = sum(res^2),
    r2 = 1 - sum(res^2) / sum((y - mean(y))^2),
    aic = AIC(fit),
    bic = BIC(fit),
    loglik = as.numeric(logLik(fit)),
    vcov = unname(vcov(fit)[names, names])
  )
}

fit_all <- function(x, y) {
  res <- list()
  m <- lm(y ~ x)
  res$linear <- fit_summary(m, c("(Intercept)", "x"))
  names(res$linear$estimate) <- names(res$linear$se) <- c("intercept", "slope")
  m <- lm(y ~ x + I(x^2))
  res$quadratic <- fit_summary(m, c("(Intercept)", "x", "I(x^2)"))
  names(res$quadratic$estimate) <- names(res$quadratic$se) <- c("intercept", "linear", "quadratic")
  m <- lm(y ~ sqrt(x) + x)
  res$square_root <- fit_summary(m, c("(Intercept)", "sqrt(x)", "x"))
  names(res$square_root$estimate) <- names(res$square_root$se) <- c("intercept", "sqrt", "linear")

  # plateau and Mitscherlich models: exact profile of the SSE over the nonlinear
  # parameter (optimize() between consecutive tested rates), then nls() from there
  lev <- sort(unique(x))
  prof_min <- function(basis, knots) {
    best <- c(NA, Inf)
    for (k in seq_len(length(knots) - 1)) {
      o <- optimize(function(v) sum(resid(lm(y ~ basis(x, v)))^2), c(knots[k], knots[k + 1]), tol = 1e-12)
      ends <- sapply(knots[k + 0:1], function(v) sum(resid(lm(y ~ basis(x, v)))^2))
      cand <- rbind(c(o$minimum, o$objective), cbind(knots[k + 0:1], ends))
      i <- which.min(cand[, 2])
      if (cand[i, 2] < best[2]) best <- cand[i, ]
    }
    best[1]
  }
  polish <- function(formula, start) {
    m <- nls(formula, start = start, control = nls.control(maxiter = 200, tol = 1e-6, warnOnly = TRUE))
    m
  }
  xs0 <- prof_min(function(x, v) pmin(x, v), lev[-1])
  st <- coef(lm(y ~ pmin(x, xs0)))
  m <- polish(y ~ f_lp(x, a, b, xs), list(a = st[[1]], b = st[[2]], xs = xs0))
  res$linear_plateau <- fit_summary(m, c("a", "b", "xs"))
  names(res$linear_plateau$estimate) <- names(res$linear_plateau$se) <- c("intercept", "slope", "join")
  res$linear_plateau$profile_join <- xs0
  res$linear_plateau$nls_converged <- m$convInfo$isConv

  xs0 <- prof_min(g_qp, c(lev[-1], 10 * max(x)))
  st <- coef(lm(y ~ g_qp(x, xs0)))
  m <- polish(y ~ f_qp(x, a, b, xs), list(a = st[[1]], b = st[[2]], xs = xs0))
  res$quadratic_plateau <- fit_summary(m, c("a", "b", "xs"))
  names(res$quadratic_plateau$estimate) <- names(res$quadratic_plateau$se) <- c("intercept", "linear", "join")
  res$quadratic_plateau$profile_join <- xs0
  res$quadratic_plateau$nls_converged <- m$convInfo$isConv
  res$quadratic_plateau$nls <- m

  span <- max(x) - min(x)
  lc <- seq(log(1e-3 / span), log(60 / min(x[x > 0])), length.out = 400)
  c0 <- exp(prof_min(function(x, v) exp(-exp(v) * x), lc))
  st <- coef(lm(y ~ exp(-c0 * x)))
  A0 <- st[[1]]
  s0 <- -log(-st[[2]] / A0) / c0
  m <- polish(y ~ f_mit(x, A, c, s), list(A = A0, c = c0, s = s0))
  res$mitscherlich <- fit_summary(m, c("A", "c", "s"))
  names(res$mitscherlich$estimate) <- names(res$mitscherlich$se) <- c("asymptote", "rate", "shift")
  res$mitscherlich$nls_converged <- m$convInfo$isConv
  res$mitscherlich$nls <- m
  res
}

strip <- function(res) lapply(res, function(r) { r$nls <- NULL; r })

lack_of_fit <- function(fit, x, y) {
  full <- lm(y ~ factor(x))
  a <- anova(fit, full)
  list(f = a$F[2], p = a[["Pr(>F)"]][2], df_lof = a$Df[2], df_pe = a$Res.Df[2],
       ss_pe = a$RSS[2])
}

# profile-likelihood interval of the quadratic optimum (closed form for each theta)
profile_quadratic <- function(x, y, r, level) {
  m <- lm(y ~ x + I(x^2))
  sse <- sum(resid(m)^2); df <- df.residual(m); s2 <- sse / df
  b <- coef(m)
  th <- (r - b[[2]]) / (2 * b[[3]])
  crit <- qf(level, 1, df)
  h <- function(t) sum(resid(lm(I(y - r * x) ~ I(x^2 - 2 * t * x)))^2) / s2 - sse / s2 - crit
  c(uniroot(h, c(th - 300, th), tol = 1e-12)$root, uniroot(h, c(th, th + 300), tol = 1e-12)$root)
}

# quadratic-plateau optimum: full profile (join re-estimated) or with the join held fixed (eonr)
qp_profile <- function(x, y, r, level, fit, fixed_join = FALSE) {
  cf <- coef(fit); sse <- sum(resid(fit)^2); df <- df.residual(fit); s2 <- sse / df
  a <- cf[["a"]]; b <- cf[["b"]]; xs_hat <- cf[["xs"]]
  th <- xs_hat * (1 - r / b)
  crit <- qf(level, 1, df)
  sse_theta <- function(t) {
    if (fixed_join) {
      # eonr qp_theta2: b0 + b1 x + b2 x^2 below the fixed join, b0 - b1^2/(4 b2) beyond,
      # with b1 = r - 2 t b2; minimise over (b0, b2)
      obj <- function(p) {
        b0 <- p[1]; b2 <- p[2]; b1 <- r - 2 * t * b2
        mu <- ifelse(x < xs_hat, b0 + b1 * x + b2 * x^2, b0 - b1^2 / (4 * b2))
        sum((y - mu)^2)
      }
      best <- Inf
      for (b2s in c(-b / (2 * xs_hat), -b / xs_hat, -b / (4 * xs_hat))) {
        o <- optim(c(a, b2s), obj, method = "BFGS", control = list(reltol = 1e-14, maxit = 5000))
        o <- optim(o$par, obj, method = "Nelder-Mead", control = list(reltol = 1e-15, maxit = 20000))
        best <- min(best, o$value)
      }
      return(best)
    }
    inner <- function(xs) {
      bb <- r * xs / (xs - t)
      sum(resid(lm(I(y - bb * g_qp(x, xs)) ~ 1))^2)
    }
    knots <- sort(unique(c(t + 1e-9, x[x > t], 10 * max(x))))
    best <- Inf
    for (k in seq_len(length(knots) - 1)) {
      o <- optimize(inner, c(knots[k], knots[k + 1]), tol = 1e-12)
      best <- min(best, o$objective)
    }
    best
  }
  h <- function(t) (sse_theta(t) - sse) / s2 - crit
  c(uniroot(h, c(th - 120, th), tol = 1e-10)$root, uniroot(h, c(th + 1e-6, th + 120), tol = 1e-10)$root)
}

# ------------------------------------------------------------ minnesota 2012
mn <- read.csv("minnesota_2012.csv")
x <- mn$rate_n_applied_kgha; y <- mn$yld_grain_dry_kgha
r <- 0.88 / 0.157
res <- fit_all(x, y)
mq <- lm(y ~ x + I(x^2))
qp <- res$quadratic_plateau$nls
mit <- res$mitscherlich$nls
msr <- lm(y ~ sqrt(x) + x)
names(qp$m$getPars())

dm <- function(fit, expr, parnames) {
  d <- deltaMethod(fit, expr, parameterNames = parnames)
  list(estimate = d$Estimate, se = d$SE)
}
econ <- list(
  price_ratio = r,
  quadratic = c(
    dm(mq, sprintf("(%.17g - b1) / (2 * b2)", r), c("b0", "b1", "b2")),
    list(agronomic = -coef(mq)[[2]] / (2 * coef(mq)[[3]]),
         profile90 = profile_quadratic(x, y, r, 0.90),
         net_return = 0.157 * (predict(mq, data.frame(x = (r - coef(mq)[[2]]) / (2 * coef(mq)[[3]]))) -
                                 coef(mq)[[1]]) - 0.88 * (r - coef(mq)[[2]]) / (2 * coef(mq)[[3]]))
  ),
  quadratic_plateau = c(
    dm(qp, sprintf("xs * (1 - %.17g / b)", r), c("a", "b", "xs")),
    list(profile90 = qp_profile(x, y, r, 0.90, qp),
         profile90_fixed_join = qp_profile(x, y, r, 0.90, qp, fixed_join = TRUE))
  ),
  mitscherlich = dm(mit, sprintf("log(A * c / %.17g) / c - s", r), c("A", "c", "s")),
  square_root = dm(msr, sprintf("(b1 / (2 * (%.17g - b2)))^2", r), c("b0", "b1", "b2")),
  linear_plateau_join = res$linear_plateau$se$join
)
grid <- c(0, 40, 100, 150, 200, 240)
pq <- predict(mq, data.frame(x = grid), interval = "confidence", level = 0.95, se.fit = TRUE)
pp <- predict(mq, data.frame(x = grid), interval = "prediction", level = 0.95)
pqp <- lapply(grid, function(g) {
  expr <- if (g < coef(qp)[["xs"]]) sprintf("a + b * (%.17g - %.17g^2 / (2 * xs))", g, g) else "a + b * xs / 2"
  dm(qp, expr, c("a", "b", "xs"))
})
mblock <- lm(y ~ x + I(x^2) + factor(rep), data = mn, contrasts = list(`factor(rep)` = "contr.sum"))
Bc <- model.matrix(~ factor(rep), data = mn, contrasts.arg = list(`factor(rep)` = "contr.sum"))[, -1]
qpb <- nls(y ~ a + Bc %*% c(d1, d2, d3) + b * g_qp(x, xs),
           start = list(a = coef(qp)[["a"]], b = coef(qp)[["b"]], xs = coef(qp)[["xs"]], d1 = 0, d2 = 0, d3 = 0),
           control = nls.control(maxiter = 500, tol = 1e-6, warnOnly = TRUE))
out$minnesota_2012 <- list(
  models = strip(res),
  lack_of_fit_quadratic = lack_of_fit(mq, x, y),
  economics = econ,
  predict_rates = grid,
  predict_quadratic = list(fit = unname(pq$fit[, "fit"]), se = unname(pq$se.fit),
                           lower = unname(pq$fit[, "lwr"]), upper = unname(pq$fit[, "upr"]),
                           pred_lower = unname(pp[, "lwr"]), pred_upper = unname(pp[, "upr"])),
  predict_quadratic_plateau = list(fit = sapply(pqp, `[[`, "estimate"), se = sapply(pqp, `[[`, "se")),
  block_quadratic = list(estimate = unname(coef(mblock)[1:3]),
                         se = unname(sqrt(diag(vcov(mblock)))[1:3]),
                         sigma = summary(mblock)$sigma, df_resid = df.residual(mblock),
                         aic = AIC(mblock), block_effects = unname(c(coef(mblock)[4:6], -sum(coef(mblock)[4:6])))),
  block_quadratic_plateau = list(estimate = unname(coef(qpb)[c("a", "b", "xs")]),
                                 se = unname(sqrt(diag(vcov(qpb)))[1:3]),
                                 sigma = summary(qpb)$sigma, df_resid = df.residual(qpb))
)

# ------------------------------------------------------------ bachmaier
bn <- read.csv("bachmaier.nitrogen.csv")
for (zone in c("low", "high")) {
  d <- bn[bn$zone == zone, ]
  x <- d$nitro; y <- d$yield
  m1 <- lm(y ~ x + I(x^2))
  m <- 0.005454
  b1 <- coef(m1)[[2]]; b2 <- coef(m1)[[3]]
  v <- vcov(m1)
  tval <- qt(1 - 0.05 / 2, nrow(d) - 3)
  A <- b2^2 - v[3, 3] * tval^2
  B <- (b1 - m) * b2 - v[2, 3] * tval^2
  C <- ((b1 - m)^2 - v[2, 2] * tval^2) / 4
  fieller <- c(-2 * C / (B - sqrt(B^2 - 4 * A * C)), (-B + sqrt(B^2 - 4 * A * C)) / (2 * A))
  d1 <- dm(m1, "(0.005454 - b1) / (2 * b2)", c("b0", "b1", "b2"))
  out[[paste0("bachmaier_", zone)]] <- list(
    models = strip(fit_all(x, y)),
    lack_of_fit_quadratic = lack_of_fit(m1, x, y),
    eonr = (m - b1) / (2 * b2),
    fieller95 = fieller,
    delta_se = d1$se,
    delta95 = c(d1$estimate - tval * d1$se, d1$estimate + tval * d1$se),
    agronomic = -b1 / (2 * b2)
  )
}

# ------------------------------------------------------------ cate.potassium (freitas1966)
cp <- read.csv("cate.potassium.csv")
out$cate_potassium <- list(models = strip(fit_all(cp$potassium, cp$yield)))

writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "response_reference.json")
si <- capture.output(sessionInfo())
writeLines(si[!grepl("^(BLAS|LAPACK):", si)], "response_sessioninfo.txt")  # no machine paths
