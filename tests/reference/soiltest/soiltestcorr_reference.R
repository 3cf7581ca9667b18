# Reference values for fertopt.soiltest from the R package soiltestcorr 2.2.1
# (Correndo, Pearce, Miguez, Osmond & Ciampitti), run on its two bundled data sets.
#
#   Rscript soiltestcorr_reference.R        (run in this folder)
#
# soiltestcorr and its non-Debian dependencies were built from their CRAN sources
# (smatr 3.4-8, nlstools 2.1-0, nlraa 1.9.7, AICcmodavg 2.3-4, unmarked 1.4.3, and ggpp 0.5.1,
# the last ggpp release that accepts the ggplot2 3.4 / dplyr 1.0 of Debian 12); the real
# packages, nothing stubbed.  sessionInfo() is written to soiltestcorr_sessioninfo.txt.
#
# Outputs (numbers written with 17 significant digits):
#   freitas1966.csv, data_test.csv  the two data sets, copied from the package
#   soiltestcorr_reference.csv      dataset, method, quantity, value (long form)
#   soiltestcorr_boot_index.csv     200 bootstrap resamples of freitas1966 (1-based row numbers,
#                                   one resample per row), drawn with set.seed(15)
#   soiltestcorr_boot_stats.csv     the Cate-Nelson and ALCC critical values of each resample,
#                                   computed by soiltestcorr on exactly those rows
#
# soiltestcorr rounds some table outputs (AICc, R2, lowerCL/upperCL, STVt); the unrounded
# values are taken here from the same fitted model objects (the nlsLM fits soiltestcorr makes,
# with the same self-starting functions), through the functions soiltestcorr itself calls
# (nlstools::confint2, AICcmodavg::AICc, stats::deviance).

suppressPackageStartupMessages({
  library(soiltestcorr)
  library(minpack.lm)
})

fmt <- function(x) sprintf("%.17g", x)
rows <- list()
put <- function(dataset, method, quantity, value) {
  rows[[length(rows) + 1]] <<- data.frame(
    dataset = dataset, method = method, quantity = quantity, value = fmt(as.numeric(value))
  )
}

data("freitas1966", package = "soiltestcorr")
data("data_test", package = "soiltestcorr")
fr <- data.frame(stv = as.numeric(freitas1966$STK), ry = as.numeric(freitas1966$RY))
dt <- data.frame(stv = as.numeric(data_test$STV), ry = as.numeric(data_test$RY))
write.csv(data.frame(STK = fr$stv, RY = fmt(fr$ry)), "freitas1966.csv", row.names = FALSE,
          quote = FALSE)
write.csv(data.frame(STV = dt$stv, RY = fmt(dt$ry)), "data_test.csv", row.names = FALSE,
          quote = FALSE)

cn_quadrants <- function(dataset, method, res) {
  q <- res$quadrants
  for (nm in c("q.I", "q.II", "q.III", "q.IV", "positive", "negative")) {
    put(dataset, method, nm, q[[nm]][[1]])
  }
}

nls_extra <- function(dataset, method, model, tight = TRUE) {
  # unrounded quantities from the nlsLM object soiltestcorr fits, then the same least-squares
  # problem solved to convergence: nlsLM restarted from soiltestcorr's estimate with tolerances
  # near machine precision (soiltestcorr's default tolerances stop about 1e-5 short)
  put_fit(dataset, method, model, "")
  if (tight) {
    tight_model <- minpack.lm::nlsLM(
      formula(model), data = model$data_for_refit, start = coef(model),
      lower = model$lower_for_refit, upper = model$upper_for_refit,
      control = minpack.lm::nls.lm.control(ftol = 1e-15, ptol = 1e-15, maxiter = 1000)
    )
    put_fit(dataset, method, tight_model, "tight_")
  }
}

put_fit <- function(dataset, method, model, prefix) {
  co <- coef(model)
  se <- sqrt(diag(vcov(model)))
  ci <- nlstools::confint2(model, level = 0.95)
  for (i in seq_along(co)) {
    put(dataset, method, paste0(prefix, "coef_", names(co)[i]), co[[i]])
    put(dataset, method, paste0(prefix, "se_", names(co)[i]), se[[i]])
    put(dataset, method, paste0(prefix, "lower_", names(co)[i]), ci[i, 1])
    put(dataset, method, paste0(prefix, "upper_", names(co)[i]), ci[i, 2])
  }
  put(dataset, method, paste0(prefix, "rss"), deviance(model))
  put(dataset, method, paste0(prefix, "sigma"), summary(model)$sigma)
  put(dataset, method, paste0(prefix, "df_resid"), df.residual(model))
  put(dataset, method, paste0(prefix, "AIC_unrounded"), AIC(model))
  put(dataset, method, paste0(prefix, "AICc_unrounded"), AICcmodavg::AICc(model))
  put(dataset, method, paste0(prefix, "BIC_unrounded"), BIC(model))
}

with_refit <- function(model, d, lower = NULL, upper = NULL) {
  model$data_for_refit <- d
  model$lower_for_refit <- if (is.null(lower)) rep(-Inf, length(coef(model))) else lower
  model$upper_for_refit <- if (is.null(upper)) rep(Inf, length(coef(model))) else upper
  model
}

run_all <- function(name, d) {
  # Cate & Nelson (1965), target 90 and 80
  for (target in c(90, 80)) {
    m <- paste0("cate_nelson_1965_t", target)
    r <- suppressWarnings(cate_nelson_1965(data = d, stv = stv, ry = ry, target = target))
    put(name, m, "n", r$n[[1]])
    put(name, m, "CSTV", r$CSTV[[1]])
    put(name, m, "CRYV", r$CRYV[[1]])
    put(name, m, "R2", r$R2[[1]])
    put(name, m, "AIC", r$AIC[[1]])
    put(name, m, "BIC", r$BIC[[1]])
    put(name, m, "RMSE", r$RMSE[[1]])
    cn_quadrants(name, m, r)
  }
  # Cate & Nelson (1971)
  r <- suppressWarnings(cate_nelson_1971(data = d, stv = stv, ry = ry))
  m <- "cate_nelson_1971"
  put(name, m, "n", r$n[[1]])
  put(name, m, "CSTV", r$CSTV[[1]])
  put(name, m, "CRYV", r$CRYV[[1]])
  put(name, m, "R2", r$R2[[1]])
  put(name, m, "AIC", r$AIC[[1]])
  put(name, m, "BIC", r$BIC[[1]])
  put(name, m, "RMSE", r$RMSE[[1]])
  cn_quadrants(name, m, r)

  # linear plateau (soiltestcorr's own fit) and its unrounded companions
  r <- linear_plateau(data = d, stv = stv, ry = ry)
  m <- "linear_plateau"
  for (q in c("intercept", "slope", "plateau", "CSTV", "AIC", "AICc", "BIC", "R2", "RMSE")) {
    put(name, m, q, r[[q]][[1]])
  }
  lp <- minpack.lm::nlsLM(ry ~ SS_LP(stv, a, b, jp), data = d)
  nls_extra(name, m, with_refit(lp, d))
  r <- linear_plateau(data = d, stv = stv, ry = ry, target = 80)
  put(name, m, "STVt_80_rounded", r$STVt[[1]])

  # quadratic plateau
  r <- quadratic_plateau(data = d, stv = stv, ry = ry)
  m <- "quadratic_plateau"
  for (q in c("intercept", "slope", "quadratic", "plateau", "CSTV", "AIC", "AICc", "BIC",
              "R2", "RMSE")) {
    put(name, m, q, r[[q]][[1]])
  }
  qp <- minpack.lm::nlsLM(ry ~ SS_QP(stv, a, b, jp), data = d)
  nls_extra(name, m, with_refit(qp, d))
  a <- coef(qp)[[1]]; b <- coef(qp)[[2]]; jp <- coef(qp)[[3]]; cq <- -0.5 * b / jp
  for (target in c(80, 90)) {
    stvt <- (-b + sqrt(b^2 - 4 * cq * (a - target))) / (2 * cq)   # soiltestcorr's STVt formula
    put(name, m, paste0("STVt_", target), stvt)
  }

  # Mitscherlich, type 1 (free asymptote), STV at 95 % and 90 %
  for (target in c(95, 90)) {
    r <- suppressWarnings(mitscherlich(data = d, stv = stv, ry = ry, type = 1, target = target))
    m <- paste0("mitscherlich_t", target)
    for (q in c("asymptote", "b", "curvature", "y_intercept", "CSTV", "AIC", "AICc", "BIC",
                "R2", "RMSE")) {
      put(name, m, q, r[[q]][[1]])
    }
  }
  # the same nlsLM call as soiltestcorr's mitscherlich(type = 1), for its unrounded companions
  lo <- c(a = min(d$ry), b = -max(d$stv), c = 1e-7)
  hi <- c(a = Inf, b = 1e3, c = 10)
  start_c <- (max(d$ry) - min(d$ry)) / (max(d$stv) - min(d$stv)) / 10
  mit <- minpack.lm::nlsLM(ry ~ mits_formula_1(stv, a, b, c), data = d,
                           start = list(a = max(d$ry), b = 0, c = start_c), lower = lo, upper = hi)
  nls_extra(name, "mitscherlich", with_refit(mit, d, lo, hi))

  # modified arcsine-log calibration curve, target 90 and 80, confidence 0.95 and 0.90
  for (target in c(90, 80)) {
    for (conf in c(0.95, 0.90)) {
      r <- suppressWarnings(mod_alcc(data = d, stv = stv, ry = ry, target = target,
                                     confidence = conf))
      m <- paste0("mod_alcc_t", target, "_c", round(100 * conf))
      for (q in c("n", "r", "RMSE_alcc", "AIC_alcc", "AIC_sma", "BIC_sma", "p_value",
                  "CSTV", "LL", "UL", "CSTV90", "n.90x2", "CSTV100", "n.100")) {
        put(name, m, q, r[[q]][[1]])
      }
    }
  }
}

run_all("freitas1966", fr)
run_all("data_test", dt)

# soiltestcorr 2.2.1 has no remove2x option: the sensitivity analysis its warnings suggest is
# mod_alcc() rerun without the sites above twice the CSTV at 90 % RY that reach 100 % RY
for (nm in c("freitas1966", "data_test")) {
  d <- if (nm == "freitas1966") fr else dt
  c90 <- suppressWarnings(mod_alcc(data = d, stv = stv, ry = ry, target = 90))$CSTV90[[1]]
  kept <- d[!(d$stv > 2 * c90 & d$ry >= 100), ]
  r <- suppressWarnings(mod_alcc(data = kept, stv = stv, ry = ry, target = 90, confidence = 0.95))
  put(nm, "mod_alcc_remove2x", "n_removed", nrow(d) - nrow(kept))
  for (q in c("n", "r", "CSTV", "LL", "UL", "CSTV90", "n.90x2", "CSTV100", "n.100")) {
    put(nm, "mod_alcc_remove2x", q, r[[q]][[1]])
  }
}

# the linear-plateau residual sum of squares on freitas1966 at soiltestcorr's join and on a
# fine grid of joins (closed-form least squares of ry on min(stv, join) at each join)
lp_sse <- function(j, d) deviance(lm(ry ~ pmin(stv, j), data = d))
grid <- seq(30, 200, by = 0.01)
sse <- vapply(grid, lp_sse, numeric(1), d = fr)
put("freitas1966", "linear_plateau_grid", "best_join", grid[which.min(sse)])
put("freitas1966", "linear_plateau_grid", "best_rss", min(sse))

write.csv(do.call(rbind, rows), "soiltestcorr_reference.csv", row.names = FALSE, quote = FALSE)

# bootstrap: the same resamples for soiltestcorr and fertopt
set.seed(15)
B <- 200
n <- nrow(fr)
idx <- t(replicate(B, sample.int(n, n, replace = TRUE)))
colnames(idx) <- paste0("i", seq_len(n))
write.csv(idx, "soiltestcorr_boot_index.csv", row.names = FALSE, quote = FALSE)
val <- function(expr) tryCatch(expr, error = function(e) NA_real_)
stats <- t(vapply(seq_len(B), function(b) {
  d <- fr[idx[b, ], ]
  c(
    cn71_cstv = val(cate_nelson_1971(data = d, stv = stv, ry = ry)$CSTV[[1]]),
    cn71_cryv = val(cate_nelson_1971(data = d, stv = stv, ry = ry)$CRYV[[1]]),
    cn65_cstv = val(cate_nelson_1965(data = d, stv = stv, ry = ry, target = 90)$CSTV[[1]]),
    alcc_cstv = val(suppressWarnings(
      mod_alcc(data = d, stv = stv, ry = ry, target = 90, confidence = 0.95)$CSTV[[1]]
    ))
  )
}, numeric(4)))
write.csv(data.frame(boot = seq_len(B), apply(stats, 2, fmt)), "soiltestcorr_boot_stats.csv",
          row.names = FALSE, quote = FALSE)

writeLines(capture.output(sessionInfo()), "soiltestcorr_sessioninfo.txt")
