# Reference values for fertopt's multiple comparisons (tests/test_multcomp.py, tests/test_distributions.py).
#
# Run from this directory:  Rscript multcomp_reference.R
#
# Independent of fertopt: everything here is base R (aov, TukeyHSD, qtukey, ptukey, qt, qf,
# pairwise.t.test, p.adjust), multcomp::glht (Dunnett) and this script's own implementations of
# the published formulas:
#   Duncan   q_p = qtukey((1 - alpha)^(p - 1), p, df); pair p = 1 - ptukey(|d|/se, p, df)^(1/(p - 1))
#   SNK      q_p = qtukey(1 - alpha, p, df);           pair p = 1 - ptukey(|d|/se, p, df)
#   Tukey    q   = qtukey(1 - alpha, k, df), se = sqrt(mse/2 (1/ni + 1/nj))
#   LSD      t = d / sqrt(mse (1/ni + 1/nj)), p.adjust over the pairs
#   Scheffe  F = d^2 / ((k - 1) mse (1/ni + 1/nj)), critical sqrt((k - 1) qf(1 - alpha, k - 1, df))
# with the harmonic mean of n for Duncan and SNK under unequal replication (agricolae, SAS), and
# the letter sweep of agricolae 1.3-7 (orderPvalue) written out below from its description.
# Split-plot error terms follow Gomez & Gomez (1984): error a for main plots, error b for
# sub-plots, (Ea + (b - 1) Eb) / b with Satterthwaite's df for main plots within a sub-plot level.
#
# Data: agricolae 1.3-7 datasets (sweetpotato, corn, disease, melon, cotton, Chz2006, plots;
# GPL, copied from the shared agricolae inputs as multcomp_data_*.csv), base R PlantGrowth and
# chickwts, nlme Oats (written to multcomp_data_*.csv by this script).

suppressPackageStartupMessages({
  library(multcomp)
  library(nlme)
})
options(warn = 1)

num <- function(x) sprintf("%.17g", x)
write_ref <- function(df, file) {
  for (nm in names(df)) if (is.numeric(df[[nm]])) df[[nm]] <- num(df[[nm]])
  write.csv(df, file, row.names = FALSE, quote = TRUE)
}
rows <- function(lst) do.call(rbind, lst)

# ---------------------------------------------------------------------------
# data
# ---------------------------------------------------------------------------
write.csv(PlantGrowth, "multcomp_data_plantgrowth.csv", row.names = FALSE)
write.csv(chickwts, "multcomp_data_chickwts.csv", row.names = FALSE)
oats <- data.frame(Block = as.character(Oats$Block), Variety = as.character(Oats$Variety),
                   nitro = Oats$nitro, yield = Oats$yield)
write.csv(oats, "multcomp_data_oats.csv", row.names = FALSE)

sweetpotato <- read.csv("multcomp_data_sweetpotato.csv")
corn <- read.csv("multcomp_data_corn.csv")
disease <- read.csv("multcomp_data_disease.csv")
melon <- read.csv("multcomp_data_melon.csv")
cotton <- read.csv("multcomp_data_cotton.csv")
chz <- read.csv("multcomp_data_chz2006.csv")
plots <- read.csv("multcomp_data_plots.csv")
pg <- read.csv("multcomp_data_plantgrowth.csv")
cw <- read.csv("multcomp_data_chickwts.csv")
oats <- read.csv("multcomp_data_oats.csv")

# ---------------------------------------------------------------------------
# studentized range quantiles
# ---------------------------------------------------------------------------
# qtukey's secant search stops early; a tight uniroot on ptukey shows R's best value.
q_precise <- function(p, k, df) {
  f <- function(q) ptukey(q, k, df) - p
  uniroot(f, c(1e-6, 1e4), tol = 1e-15, maxiter = 1000)$root
}

grid <- expand.grid(p = c(0.5, 0.9, 0.95, 0.99), k = c(2, 3, 4, 6, 10, 14, 20), df = c(5, 8, 12, 26, 60, 120))
duncan_grid <- rows(lapply(c(0.05, 0.01), function(a) rows(lapply(c(4, 12, 26, 60), function(df)
  data.frame(p = (1 - a)^(1:13), k = 2:14, df = df)))))
grid <- unique(rbind(grid, duncan_grid))
grid$qtukey <- mapply(qtukey, grid$p, grid$k, grid$df)
grid$q_uniroot <- mapply(q_precise, grid$p, grid$k, grid$df)
write_ref(grid, "multcomp_qtukey.csv")

pgrid <- expand.grid(q = c(0.5, 1, 2, 3, 3.5, 4, 5, 6, 8), k = c(2, 3, 5, 8, 14, 30), df = c(3, 5, 10, 24, 100))
pgrid$ptukey <- mapply(function(q, k, df) ptukey(q, k, df), pgrid$q, pgrid$k, pgrid$df)
pgrid$ptukey_upper <- mapply(function(q, k, df) ptukey(q, k, df, lower.tail = FALSE), pgrid$q, pgrid$k, pgrid$df)
write_ref(pgrid, "multcomp_ptukey.csv")

# ---------------------------------------------------------------------------
# agricolae's letter sweep (orderPvalue, agricolae 1.3-7), from its description:
# sort by decreasing mean; anchor at the top; give the current letter to every treatment
# not separated from the anchor; at the first separated one open a new letter for it and
# move the anchor past the treatments (from the old anchor) separated from the new one.
# The anchor-moving flag is not reset between passes; at most n passes.
# ---------------------------------------------------------------------------
pool <- c(letters, LETTERS, 1:9)
sweep <- function(order_idx, same) {
  n <- length(order_idx)
  marks <- rep("", n)
  cur <- 1
  marks[1] <- pool[cur]
  anchor <- 1
  moved <- FALSE
  passes <- 0
  while (anchor < n) {
    passes <- passes + 1
    if (passes > n) break
    for (i in anchor:n) {
      if (same[order_idx[i], order_idx[anchor]]) {
        last <- substr(marks[i], nchar(marks[i]), nchar(marks[i]))
        if (last != pool[cur]) marks[i] <- paste0(marks[i], pool[cur])
      } else {
        cur <- cur + 1
        marks[i] <- paste0(marks[i], pool[cur])
        moved <- FALSE
        for (v in anchor:i) {
          if (!same[order_idx[v], order_idx[i]]) {
            anchor <- anchor + 1
            moved <- TRUE
          } else break
        }
        break
      }
    }
    if (!moved) anchor <- anchor + 1
  }
  out <- character(n)
  out[order_idx] <- marks
  out
}
letters_valid <- function(lets, same) {
  n <- length(lets)
  for (i in seq_len(n)) for (j in seq_len(n)) {
    if (i < j) {
      share <- length(intersect(strsplit(lets[i], "")[[1]], strsplit(lets[j], "")[[1]])) > 0
      if (share != same[i, j]) return(FALSE)
    }
  }
  TRUE
}

# ---------------------------------------------------------------------------
# the tests on one family of means
# ---------------------------------------------------------------------------
# treatments in agricolae's order: labels sorted (numerically when all are numbers)
family <- function(y, g) {
  g <- as.character(g)
  lev <- unique(g)
  if (all(!is.na(suppressWarnings(as.numeric(lev))))) lev <- lev[order(as.numeric(lev))] else lev <- sort(lev, method = "radix")
  data.frame(treatment = lev,
             mean = sapply(lev, function(l) mean(y[g == l])),
             sd = sapply(lev, function(l) sd(y[g == l])),
             n = sapply(lev, function(l) sum(g == l)), stringsAsFactors = FALSE, row.names = NULL)
}

sidak <- function(p) 1 - (1 - p)^length(p)

compare <- function(fam, mse, df, test, alpha, variant = "") {
  k <- nrow(fam)
  m <- fam$mean
  n <- fam$n
  ord <- order(m, decreasing = TRUE)
  rank <- order(ord)
  nh <- if (length(unique(n)) == 1) n[1] else 1 / mean(1 / n)
  cmb <- combn(k, 2)
  i <- cmb[1, ]
  j <- cmb[2, ]
  d <- m[i] - m[j]
  span <- abs(rank[i] - rank[j]) + 1
  if (test %in% c("duncan", "snk")) {
    se <- if (variant == "kramer") sqrt(mse / 2 * (1 / n[i] + 1 / n[j])) else rep(sqrt(mse / nh), length(i))
    stat <- abs(d) / se
    sf <- mapply(function(s, p) ptukey(s, p, df, lower.tail = FALSE), stat, span)
    if (test == "duncan") {
      pv <- -expm1(log1p(-sf) / (span - 1))
      level <- (1 - alpha)^(span - 1)
    } else {
      pv <- sf
      level <- rep(1 - alpha, length(span))
    }
    q <- mapply(qtukey, level, span, df)
    crit <- q * se
  } else if (test == "tukey") {
    se <- if (variant == "harmonic") rep(sqrt(mse / nh), length(i)) else sqrt(mse / 2 * (1 / n[i] + 1 / n[j]))
    stat <- abs(d) / se
    pv <- ptukey(stat, k, df, lower.tail = FALSE)
    q <- qtukey(1 - alpha, k, df)
    crit <- q * se
  } else if (test == "lsd") {
    se <- sqrt(mse * (1 / n[i] + 1 / n[j]))
    stat <- d / se
    raw <- 2 * pt(-abs(stat), df)
    mm <- length(raw)
    if (variant == "") { pv <- raw; x <- alpha }
    if (variant == "bonferroni") { pv <- p.adjust(raw, "bonferroni"); x <- alpha / mm }
    if (variant == "holm") { pv <- p.adjust(raw, "holm"); x <- alpha / mm }
    if (variant == "fdr_bh") { pv <- p.adjust(raw, "BH"); x <- alpha }
    if (variant == "sidak") { pv <- sidak(raw); x <- 1 - (1 - alpha)^(1 / mm) }
    crit <- qt(1 - x / 2, df) * se
  } else if (test == "scheffe") {
    se <- sqrt(mse * (1 / n[i] + 1 / n[j]))
    stat <- d^2 / ((k - 1) * se^2)
    pv <- pf(stat, k - 1, df, lower.tail = FALSE)
    crit <- sqrt((k - 1) * qf(1 - alpha, k - 1, df)) * se
  }
  if (variant == "stepdown") {
    # protected p: the largest p of the contiguous ranges (in mean order) containing the pair
    pm <- matrix(NA, k, k)
    for (r in seq_along(i)) { a <- min(rank[i[r]], rank[j[r]]); b <- max(rank[i[r]], rank[j[r]]); pm[a, b] <- pv[r] }
    prot <- pv
    for (r in seq_along(i)) {
      a <- min(rank[i[r]], rank[j[r]]); b <- max(rank[i[r]], rank[j[r]])
      best <- 0
      for (aa in 1:a) for (bb in b:k) if (aa < bb) best <- max(best, pm[aa, bb])
      prot[r] <- best
    }
    pv <- prot
  }
  same_exact <- matrix(TRUE, k, k)
  same_agri <- matrix(TRUE, k, k)
  for (r in seq_along(i)) {
    same_exact[i[r], j[r]] <- same_exact[j[r], i[r]] <- !(pv[r] < alpha)
    same_agri[i[r], j[r]] <- same_agri[j[r], i[r]] <- round(pv[r], 4) > alpha
  }
  let_exact <- sweep(ord, same_exact)
  let_agri <- sweep(ord, same_agri)
  pairs <- data.frame(treatment_a = fam$treatment[i], treatment_b = fam$treatment[j], diff = d,
                      se = se, statistic = stat, critical_range = crit, p = pv, p_round4 = round(pv, 4),
                      stringsAsFactors = FALSE)
  groups <- data.frame(treatment = fam$treatment, mean = m, sd = fam$sd, n = n,
                       letters_exact = let_exact, valid_exact = letters_valid(let_exact, same_exact),
                       letters_agricolae = let_agri, valid_agricolae = letters_valid(let_agri, same_agri),
                       stringsAsFactors = FALSE)
  crit_tab <- NULL
  if (test %in% c("duncan", "snk")) {
    spans <- 2:k
    lev <- if (test == "duncan") (1 - alpha)^(spans - 1) else rep(1 - alpha, k - 1)
    qq <- mapply(qtukey, lev, spans, df)
    crit_tab <- data.frame(span = spans, protection = lev, quantile = qq,
                           quantile_uniroot = mapply(q_precise, lev, spans, df),
                           critical_range = qq * sqrt(mse / nh))
  } else if (test == "tukey") {
    crit_tab <- data.frame(span = k, protection = 1 - alpha, quantile = qtukey(1 - alpha, k, df),
                           quantile_uniroot = q_precise(1 - alpha, k, df),
                           critical_range = qtukey(1 - alpha, k, df) * sqrt(mse / nh))
  } else if (test == "scheffe") {
    sq <- sqrt((k - 1) * qf(1 - alpha, k - 1, df))
    crit_tab <- data.frame(span = k, protection = 1 - alpha, quantile = sq, quantile_uniroot = sq,
                           critical_range = sq * sqrt(2 * mse / nh))
  } else {
    x <- switch(if (variant == "") "none" else variant, none = alpha, fdr_bh = alpha,
                bonferroni = alpha / length(i), holm = alpha / length(i), sidak = 1 - (1 - alpha)^(1 / length(i)))
    tq <- qt(1 - x / 2, df)
    crit_tab <- data.frame(span = 2, protection = 1 - x, quantile = tq, quantile_uniroot = tq,
                           critical_range = tq * sqrt(2 * mse / nh))
  }
  list(pairs = pairs, groups = groups, critical = crit_tab)
}

tests <- list(
  list("duncan", 0.05, ""), list("duncan", 0.01, ""), list("duncan", 0.05, "stepdown"),
  list("snk", 0.05, ""), list("snk", 0.05, "stepdown"), list("tukey", 0.05, ""),
  list("lsd", 0.05, ""), list("lsd", 0.05, "bonferroni"), list("lsd", 0.05, "holm"),
  list("lsd", 0.05, "fdr_bh"), list("lsd", 0.05, "sidak"), list("scheffe", 0.05, ""),
  list("lsd", 0.01, ""), list("tukey", 0.01, "")
)
tests_unbalanced <- c(tests, list(list("tukey", 0.05, "harmonic"), list("duncan", 0.05, "kramer"),
                                  list("snk", 0.05, "kramer")))

all_pairs <- list(); all_groups <- list(); all_crit <- list(); all_errors <- list()
run <- function(dataset, analysis, fam, mse, df, error, slice = "", unbalanced = FALSE) {
  all_errors[[length(all_errors) + 1]] <<- data.frame(dataset = dataset, analysis = analysis, slice = slice,
                                                      error = error, mse = mse, df = df)
  for (t in if (unbalanced) tests_unbalanced else tests) {
    res <- compare(fam, mse, df, t[[1]], t[[2]], t[[3]])
    tag <- data.frame(dataset = dataset, analysis = analysis, slice = slice, test = t[[1]],
                      alpha = t[[2]], variant = t[[3]], stringsAsFactors = FALSE)
    all_pairs[[length(all_pairs) + 1]] <<- cbind(tag, res$pairs, row.names = NULL)
    all_groups[[length(all_groups) + 1]] <<- cbind(tag, res$groups, row.names = NULL)
    all_crit[[length(all_crit) + 1]] <<- cbind(tag, res$critical, row.names = NULL)
  }
}

tukey_rows <- list()
tukey_hsd <- function(dataset, analysis, fit, which) {
  th <- TukeyHSD(fit, which = which, conf.level = 0.95)[[which]]
  parts <- strsplit(rownames(th), "-(?=[^-]*$)", perl = TRUE)
  tukey_rows[[length(tukey_rows) + 1]] <<- data.frame(
    dataset = dataset, analysis = analysis, comparison = rownames(th),
    diff = th[, "diff"], lwr = th[, "lwr"], upr = th[, "upr"], p_adj = th[, "p adj"],
    stringsAsFactors = FALSE, row.names = NULL)
}

one_way <- function(dataset, y, g, fit, term, unbalanced = FALSE) {
  mse <- deviance(fit) / df.residual(fit)
  run(dataset, term, family(y, g), mse, df.residual(fit), "Residuals", unbalanced = unbalanced)
  tukey_hsd(dataset, term, fit, term)
}

# CRD, RCBD, Latin square ----------------------------------------------------
sweetpotato$virus <- factor(sweetpotato$virus)
fit <- aov(yield ~ virus, data = sweetpotato)
one_way("sweetpotato", sweetpotato$yield, sweetpotato$virus, fit, "virus")

corn$method <- factor(corn$method)
fit <- aov(observation ~ method, data = corn)
one_way("corn", corn$observation, corn$method, fit, "method", unbalanced = TRUE)

disease$rep <- factor(disease$rep); disease$trt <- factor(disease$trt)
fit <- aov(yield ~ rep + trt, data = disease)
one_way("disease", disease$yield, disease$trt, fit, "trt")

melon$row <- factor(melon$row); melon$col <- factor(melon$col); melon$variety <- factor(melon$variety)
fit <- aov(yield ~ row + col + variety, data = melon)
one_way("melon", melon$yield, melon$variety, fit, "variety")

cotton$block <- factor(cotton$block); cotton$lineage <- factor(cotton$lineage)
fit <- aov(yield ~ block + lineage, data = cotton)
one_way("cotton", cotton$yield, cotton$lineage, fit, "lineage")

pg$group <- factor(pg$group)
fit <- aov(weight ~ group, data = pg)
one_way("plantgrowth", pg$weight, pg$group, fit, "group")

cw$feed <- factor(cw$feed)
fit <- aov(weight ~ feed, data = cw)
one_way("chickwts", cw$weight, cw$feed, fit, "feed", unbalanced = TRUE)

# factorial RCBD (Chz2006) ----------------------------------------------------
chz$block <- factor(chz$block); chz$amendment <- factor(chz$amendment); chz$crop <- factor(chz$crop)
fit <- aov(health ~ block + amendment * crop, data = chz)
mse <- deviance(fit) / df.residual(fit); dfe <- df.residual(fit)
run("chz2006", "amendment", family(chz$health, chz$amendment), mse, dfe, "Residuals")
run("chz2006", "crop", family(chz$health, chz$crop), mse, dfe, "Residuals")
run("chz2006", "amendment:crop", family(chz$health, paste(chz$amendment, chz$crop, sep = ":")), mse, dfe, "Residuals")
for (lv in levels(chz$crop)) {
  s <- chz$crop == lv
  run("chz2006", "amendment|crop", family(chz$health[s], chz$amendment[s]), mse, dfe, "Residuals", slice = lv)
}
tukey_hsd("chz2006", "amendment", fit, "amendment")
tukey_hsd("chz2006", "crop", fit, "crop")
tukey_hsd("chz2006", "amendment:crop", fit, "amendment:crop")
anova_chz <- summary(fit)[[1]]
write_ref(data.frame(source = trimws(rownames(anova_chz)), df = anova_chz[, "Df"], ss = anova_chz[, "Sum Sq"],
                     p = anova_chz[, "Pr(>F)"]), "multcomp_anova_chz2006.csv")

# split-plots (agricolae plots; nlme Oats) ------------------------------------
split_plot <- function(dataset, d, y, blk, main, sub) {
  d <- data.frame(y = d[[y]], Blk = factor(d[[blk]]), M = factor(d[[main]]), S = factor(d[[sub]]))
  fit <- aov(y ~ Blk + M + Error(Blk:M) + S + M:S, data = d)
  sm <- summary(fit)
  ta <- sm[["Error: Blk:M"]][[1]]; tb <- sm[["Error: Within"]][[1]]
  ea <- ta["Residuals", "Mean Sq"]; dfa <- ta["Residuals", "Df"]
  eb <- tb["Residuals", "Mean Sq"]; dfb <- tb["Residuals", "Df"]
  b <- nlevels(d$S)
  comb <- (ea + (b - 1) * eb) / b
  dfc <- (ea + (b - 1) * eb)^2 / (ea^2 / dfa + ((b - 1) * eb)^2 / dfb)
  run(dataset, main, family(d$y, d$M), ea, dfa, "Error a")
  run(dataset, sub, family(d$y, d$S), eb, dfb, "Error b")
  for (lv in levels(d$M)) {
    s <- d$M == lv
    run(dataset, paste0(sub, "|", main), family(d$y[s], d$S[s]), eb, dfb, "Error b", slice = lv)
  }
  for (lv in levels(d$S)) {
    s <- d$S == lv
    run(dataset, paste0(main, "|", sub), family(d$y[s], d$M[s]), comb, dfc, "combined", slice = lv)
  }
}
split_plot("plots", plots, "yield", "block", "A", "B")
split_plot("oats", oats, "yield", "Block", "Variety", "nitro")

write_ref(rows(all_pairs), "multcomp_pairs.csv")
write_ref(rows(all_groups), "multcomp_groups.csv")
write_ref(rows(all_crit), "multcomp_critical.csv")
write_ref(rows(all_errors), "multcomp_errors.csv")
write_ref(rows(tukey_rows), "multcomp_tukeyhsd.csv")

# pairwise.t.test (one-way pooled SD) on the CRDs --------------------------------
pt_rows <- list()
for (ds in list(list("sweetpotato", sweetpotato$yield, sweetpotato$virus), list("corn", corn$observation, corn$method),
                list("plantgrowth", pg$weight, pg$group), list("chickwts", cw$weight, cw$feed))) {
  for (adj in c("none", "bonferroni", "holm", "BH")) {
    pt <- pairwise.t.test(ds[[2]], ds[[3]], p.adjust.method = adj, pool.sd = TRUE)$p.value
    for (r in rownames(pt)) for (cc in colnames(pt)) if (!is.na(pt[r, cc]))
      pt_rows[[length(pt_rows) + 1]] <- data.frame(dataset = ds[[1]], adjust = adj, treatment_a = r,
                                                   treatment_b = cc, p = pt[r, cc], stringsAsFactors = FALSE)
  }
}
write_ref(rows(pt_rows), "multcomp_pairwise_t.csv")

# Dunnett: multcomp::glht, and the exact integral written out in R -------------------------
dunnett_cdf_r <- function(cval, lam, df, two_sided) {
  sig <- sqrt(1 - lam^2)
  inner <- function(u) sapply(u, function(uu) integrate(function(z) sapply(z, function(zz) {
    if (two_sided) p <- pnorm((uu - lam * zz) / sig) - pnorm((-uu - lam * zz) / sig)
    else p <- pnorm((uu - lam * zz) / sig)
    dnorm(zz) * prod(p)
  }), -Inf, Inf, rel.tol = 1e-12, abs.tol = 1e-15)$value)
  dens <- function(s) dchisq(df * s^2, df) * 2 * df * s  # density of s = sqrt(chi2_df / df)
  integrate(function(s) dens(s) * inner(cval * s), 0, Inf, rel.tol = 1e-11, abs.tol = 1e-14)$value
}
dunnett_rows <- list()
dunnett <- function(dataset, fit, term, y, g, control, alternative) {
  d <- model.frame(fit)
  d[[term]] <- relevel(factor(d[[term]]), ref = control)
  fit2 <- update(fit, data = d)
  lf <- do.call(mcp, setNames(list("Dunnett"), term))
  gl <- glht(fit2, linfct = lf, alternative = alternative)
  set.seed(20240601)
  sm <- summary(gl, test = adjusted("single-step", algorithm = GenzBretz(maxpts = 2e6, abseps = 1e-7, releps = 0)))
  set.seed(20240601)
  ci <- confint(gl, level = 0.95)
  fam <- family(y, g)
  nc <- fam$n[fam$treatment == control]
  others <- fam[fam$treatment != control, ]
  lam <- sqrt(others$n / (others$n + nc))
  mse <- deviance(fit) / df.residual(fit); df <- df.residual(fit)
  two <- alternative == "two.sided"
  tstat <- as.numeric(sm$test$tstat)
  p_int <- sapply(tstat, function(t) {
    x <- if (two) abs(t) else if (alternative == "greater") t else -t
    1 - dunnett_cdf_r(x, lam, df, two)
  })
  crit <- uniroot(function(cv) dunnett_cdf_r(cv, lam, df, two) - 0.95, c(1, 6), tol = 1e-13)$root
  labs <- sub(" - .*$", "", names(sm$test$coefficients))
  dunnett_rows[[length(dunnett_rows) + 1]] <<- data.frame(
    dataset = dataset, alternative = alternative, control = control, treatment = labs,
    estimate = as.numeric(sm$test$coefficients), se = as.numeric(sm$test$sigma), t = tstat,
    p_glht = as.numeric(sm$test$pvalues), p_integrate = p_int, critical_glht = attr(ci$confint, "calpha"),
    critical_integrate = crit, stringsAsFactors = FALSE)
}
fit <- lm(yield ~ virus, data = sweetpotato)
dunnett("sweetpotato", fit, "virus", sweetpotato$yield, sweetpotato$virus, "cc", "two.sided")
fit <- lm(yield ~ rep + trt, data = disease)
dunnett("disease", fit, "trt", disease$yield, disease$trt, "T1", "two.sided")
fit <- lm(weight ~ group, data = pg)
for (alt in c("two.sided", "greater", "less")) dunnett("plantgrowth", fit, "group", pg$weight, pg$group, "ctrl", alt)
fit <- lm(weight ~ feed, data = cw)
dunnett("chickwts", fit, "feed", cw$weight, cw$feed, "casein", "two.sided")
write_ref(rows(dunnett_rows), "multcomp_dunnett.csv")

writeLines(capture.output(sessionInfo()), "multcomp_sessioninfo.txt")
