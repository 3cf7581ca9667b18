# Reference values for fertopt.fit_surface and SurfaceFit optima on welch.bermudagrass.
# Run from this directory:  Rscript surface_welch.R
# Data: src/fertopt/datasets/welch_bermudagrass.csv (agridat, MIT; Welch, Adams & Carmon 1963).
# Fits with stats::lm; canonical analysis with solve/eigen; box-constrained optima of the
# concave quadratic with quadprog::solve.QP (exact); the optimum of the n*p*k model with
# optim(method = "L-BFGS-B") polished by Newton's method on the gradient.
options(digits = 17)
library(quadprog)
dat <- read.csv(file.path("..", "..", "src", "fertopt", "datasets", "welch_bermudagrass.csv"))
out <- function(x, file) write.csv(x, file, row.names = FALSE)
fmt <- function(x) ifelse(is.na(x), NA, trimws(formatC(x, digits = 17, format = "g")))
coef_table <- function(m, names) {
  s <- summary(m)$coefficients
  data.frame(term = names, estimate = fmt(s[, 1]), se = fmt(s[, 2]), t = fmt(s[, 3]), p = fmt(s[, 4]))
}

# 1. Welch's model in 100-lb units (Table 2 of Welch et al. 1963)
d100 <- transform(dat, n = n / 100, p = p / 100, k = k / 100)
m_npk <- lm(yield ~ n + p + k + I(n^2) + I(p^2) + I(k^2) + n:p + n:k + p:k + n:p:k, data = d100)
out(coef_table(m_npk, c("intercept", "N", "P", "K", "N^2", "P^2", "K^2", "N:P", "N:K", "P:K", "N:P:K")),
    "surface_welch_npk_coef.csv")

# 2. Full quadratic in lb units
m_q <- lm(yield ~ n + p + k + I(n^2) + I(p^2) + I(k^2) + n:p + n:k + p:k, data = dat)
out(coef_table(m_q, c("intercept", "N", "P", "K", "N^2", "P^2", "K^2", "N:P", "N:K", "P:K")),
    "surface_welch_quad_coef.csv")
a <- anova(lm(yield ~ 1, data = dat), m_q)
sm <- summary(m_q)
out(data.frame(source = c("regression", "residual", "total"),
               df = c(a$Df[2], m_q$df.residual, nrow(dat) - 1),
               ss = fmt(c(a$`Sum of Sq`[2], a$RSS[2], a$RSS[1])),
               f = fmt(c(a$F[2], NA, NA)), p = fmt(c(a$`Pr(>F)`[2], NA, NA)),
               r2 = fmt(c(sm$r.squared, NA, NA)), adj_r2 = fmt(c(sm$adj.r.squared, NA, NA)),
               sigma = fmt(c(sm$sigma, NA, NA))),
    "surface_welch_quad_anova.csv")

# 3. Canonical analysis of the quadratic: b + 2 B x = 0
b <- coef(m_q)
g <- b[2:4]
B <- diag(b[5:7])
B[1, 2] <- B[2, 1] <- b[8] / 2
B[1, 3] <- B[3, 1] <- b[9] / 2
B[2, 3] <- B[3, 2] <- b[10] / 2
xs <- solve(2 * B, -g)
ev <- eigen(B, symmetric = TRUE)$values
ys <- b[1] + sum(g * xs) + drop(t(xs) %*% B %*% xs)
out(data.frame(quantity = c("N", "P", "K", "yield", "eigen1", "eigen2", "eigen3"),
               value = fmt(c(xs, ys, sort(ev)))), "surface_welch_quad_canonical.csv")

# 4. Box-constrained optima of the concave quadratic (exact QP)
box_qp <- function(c0, g, H, lo, hi) {
  # maximise c0 + g'x + x'Hx  <=>  minimise -g'x + 1/2 x'(-2H)x, lo <= x <= hi
  sol <- solve.QP(Dmat = -2 * H, dvec = g, Amat = cbind(diag(3), -diag(3)), bvec = c(lo, -hi))
  x <- sol$solution
  c(x, c0 + sum(g * x) + drop(t(x) %*% H %*% x))
}
price <- c(N = 0.12, P = 0.18, K = 0.07)
crop <- 25
top <- c(400, 88, 168)
cases <- list(
  list(name = "max_tested", c0 = b[1], g = g, H = B, lo = c(0, 0, 0), hi = top),
  list(name = "priced_tested", c0 = crop * b[1], g = crop * g - price, H = crop * B, lo = c(0, 0, 0), hi = top),
  list(name = "priced_tight", c0 = crop * b[1], g = crop * g - price, H = crop * B, lo = c(0, 0, 0),
       hi = c(250, 88, 120))
)
rows <- lapply(cases, function(cs) {
  r <- box_qp(cs$c0, cs$g, cs$H, cs$lo, cs$hi)
  # net return (value of the yield gain over no fertilizer minus cost) = objective - c0
  data.frame(case = cs$name, N = fmt(r[1]), P = fmt(r[2]), K = fmt(r[3]), objective = fmt(r[4]),
             net_return = fmt(if (cs$name == "max_tested") NA else r[4] - cs$c0))
})
out(do.call(rbind, rows), "surface_welch_quad_optima.csv")

# 5. Priced optimum of Welch's n*p*k model, lb units, within the tested box
m_npk_lb <- lm(yield ~ n + p + k + I(n^2) + I(p^2) + I(k^2) + n:p + n:k + p:k + n:p:k, data = dat)
cf <- coef(m_npk_lb)
net <- function(x) {  # value of the yield gain over no fertilizer, minus the fertilizer cost
  nd <- data.frame(n = c(x[1], 0), p = c(x[2], 0), k = c(x[3], 0))
  pr <- predict(m_npk_lb, nd)
  crop * (pr[1] - pr[2]) - sum(price * x)
}
grad <- function(x) {
  n <- x[1]; p <- x[2]; k <- x[3]
  crop * c(cf[2] + 2 * cf[5] * n + cf[8] * p + cf[9] * k + cf[11] * p * k,
           cf[3] + 2 * cf[6] * p + cf[8] * n + cf[10] * k + cf[11] * n * k,
           cf[4] + 2 * cf[7] * k + cf[9] * n + cf[10] * p + cf[11] * n * p) - price
}
hess <- function(x) {
  n <- x[1]; p <- x[2]; k <- x[3]
  crop * matrix(c(2 * cf[5], cf[8] + cf[11] * k, cf[9] + cf[11] * p,
                  cf[8] + cf[11] * k, 2 * cf[6], cf[10] + cf[11] * n,
                  cf[9] + cf[11] * p, cf[10] + cf[11] * n, 2 * cf[7]), 3, 3)
}
o <- optim(c(200, 44, 84), function(x) -net(x), function(x) -grad(x), method = "L-BFGS-B",
           lower = c(0, 0, 0), upper = top, control = list(factr = 1, pgtol = 0, maxit = 1000))
x <- o$par
for (i in 1:20) x <- x - solve(hess(x), grad(x))  # interior optimum: polish the stationarity
out(data.frame(N = fmt(x[1]), P = fmt(x[2]), K = fmt(x[3]), yield = fmt(predict(m_npk_lb, data.frame(n = x[1], p = x[2], k = x[3]))),
               net_return = fmt(net(x)), max_abs_gradient = fmt(max(abs(grad(x))))),
    "surface_welch_npk_optimum.csv")
writeLines(capture.output(sessionInfo()), "surface_welch_sessionInfo.txt")
