# References for fertopt.combined_anova and fertopt.mixed_model.
#
# Run from this folder:  Rscript mixed_reference.R
# Needs lme4, lmerTest, pbkrtest, emmeans (Debian r-cran-*).  Writes the CSV files next to it
# (17 significant digits) and mixed_sessioninfo.txt.
#
# Data (see sources.md): hernandez3.csv (agridat hernandez.nitrogen, sites S1-S3, which share
# seven N rates) and gomez_multilocsplitplot.csv (agridat gomez.multilocsplitplot, replications
# rebuilt).  The unbalanced sets delete the plots listed below from them.
suppressMessages({
  library(lme4)
  library(lmerTest)
  library(pbkrtest)
  library(emmeans)
})
options(contrasts = c("contr.sum", "contr.poly"))
emm_options(pbkrtest.limit = 100000, lmerTest.limit = 100000)

w <- function(x, file) {
  x[] <- lapply(format(x, digits = 17), trimws)
  write.csv(x, file, row.names = FALSE, quote = TRUE)
}

# tight convergence so that the REML optimum itself is accurate to well under 1e-6
ctrl <- lmerControl(optimizer = "bobyqa", optCtrl = list(rhoend = 1e-13, maxfun = 1e6),
                    check.conv.grad = "ignore")

hern <- read.csv("hernandez3.csv", stringsAsFactors = FALSE)
hern$N <- factor(format(hern$nitro, nsmall = 1, trim = TRUE),
                 levels = format(sort(unique(hern$nitro)), nsmall = 1, trim = TRUE))
hern$site <- factor(hern$site)
hern$rep <- factor(hern$rep)
drop_h <- with(hern, (site == "S1" & rep == "R2" & nitro == 67.2) |
                     (site == "S2" & rep == "R4" & nitro == 0) |
                     (site == "S3" & rep == "R1" & nitro == 201.6) |
                     (site == "S3" & rep == "R3" & nitro == 100.8) |
                     (site == "S1" & rep == "R4" & nitro == 134.4))
hern_miss <- droplevels(hern[!drop_h, ])
write.csv(hern[!drop_h, c("site", "loc", "rep", "nitro", "yield")], "hernandez3_missing.csv",
          row.names = FALSE)

gom <- read.csv("gomez_multilocsplitplot.csv", stringsAsFactors = FALSE)
gom$nf <- factor(gom$nitro, levels = sort(unique(gom$nitro)))
gom$loc <- factor(gom$loc); gom$rep <- factor(gom$rep); gom$gen <- factor(gom$gen)
drop_g <- with(gom, (loc == "L1" & rep == "R2" & nitro == 60 & gen == "G2") |
                    (loc == "L2" & rep == "R3" & nitro == 0 & gen == "G1") |
                    (loc == "L3" & rep == "R1" & nitro == 150 & gen == "G2"))
gom_miss <- droplevels(gom[!drop_g, ])
write.csv(gom[!drop_g, c("loc", "rep", "nitro", "gen", "yield")],
          "gomez_multilocsplitplot_missing.csv", row.names = FALSE)

# ---------------------------------------------------------------------------
# mixed models: anova (Satterthwaite, Kenward-Roger), variance components, fixed effects,
# LS-means (emmeans with either df method)
# ---------------------------------------------------------------------------
fit_case <- function(name, formula, data, specs) {
  m <- lmer(formula, data = data, REML = TRUE, control = ctrl)
  rows <- list()
  for (ddf in c("Satterthwaite", "Kenward-Roger")) {
    a <- anova(m, type = 3, ddf = ddf)
    rows[[ddf]] <- data.frame(case = name, ddf = ddf, term = rownames(a), num_df = a$NumDF,
                              den_df = a$DenDF, f = a[["F value"]], p = a[["Pr(>F)"]])
  }
  an <- do.call(rbind, rows)
  # pbkrtest on the same hypotheses with lmerTest's rounding noise (zapsmall) removed: for a
  # one-df term whose A1 = A2 the KR df is 0/0 and a 1e-7 entry moves it
  tests <- show_tests(anova(m, type = 3))
  kr <- lapply(names(tests), function(t) {
    x <- KRmodcomp(m, round(tests[[t]], 6))$test
    data.frame(case = name, term = t, den_df = x["Ftest", "ddf"],
               f = x["Ftest", "stat"], p = x["Ftest", "p.value"])
  })
  kr_clean[[name]] <<- do.call(rbind, kr)
  vc <- as.data.frame(VarCorr(m))
  vc <- data.frame(case = name, group = vc$grp, variance = vc$vcov)
  fe <- data.frame(case = name, name = names(fixef(m)), estimate = unname(fixef(m)),
                   se = sqrt(diag(as.matrix(vcov(m)))))
  ls <- list()
  for (mode in c("satterthwaite", "kenward-roger")) {
    for (s in specs) {
      e <- summary(emmeans(m, s, lmer.df = mode))
      lvl <- do.call(paste, c(lapply(s, function(v) as.character(e[[v]])), sep = ":"))
      ls[[paste(mode, paste(s, collapse = ":"))]] <- data.frame(
        case = name, ddf = mode, term = paste(s, collapse = ":"), level = lvl,
        lsmean = e$emmean, se = e$SE, df = e$df, ci_low = e$lower.CL, ci_high = e$upper.CL)
    }
  }
  lsm <- do.call(rbind, ls)
  fit <- data.frame(case = name, reml_criterion = unname(REMLcrit(m)), sigma = sigma(m),
                    n = nobs(m))
  list(anova = an, vc = vc, fe = fe, ls = lsm, fit = fit)
}

kr_clean <- list()
cases <- list(
  fit_case("hernandez", yield ~ N + (1 | site) + (1 | site:rep) + (1 | site:N), hern,
           list("N")),
  fit_case("hernandez_missing", yield ~ N + (1 | site) + (1 | site:rep) + (1 | site:N),
           hern_miss, list("N")),
  fit_case("gomez", yield ~ nf * gen + (1 | loc) + (1 | loc:rep) + (1 | loc:rep:nf) +
             (1 | loc:nf) + (1 | loc:gen) + (1 | loc:nf:gen), gom,
           list("nf", "gen", c("nf", "gen"))),
  fit_case("gomez_missing", yield ~ nf * gen + (1 | loc) + (1 | loc:rep) + (1 | loc:rep:nf) +
             (1 | loc:nf) + (1 | loc:gen) + (1 | loc:nf:gen), gom_miss,
           list("nf", "gen", c("nf", "gen"))),
  # sites fixed: only blocks within sites random
  fit_case("hernandez_missing_fixed", yield ~ site * N + (1 | site:rep), hern_miss,
           list("N"))
)
for (part in c("anova", "vc", "fe", "ls", "fit")) {
  w(do.call(rbind, lapply(cases, `[[`, part)), paste0("mixed_", part, ".csv"))
}

w(do.call(rbind, kr_clean), "mixed_kr_clean.csv")

# ---------------------------------------------------------------------------
# combined analysis: sequential sums of squares of site + site:rep + N + site:N, each tested
# against the error of the textbook combined analysis (Gomez & Gomez 1984, ch. 8)
# ---------------------------------------------------------------------------
combined <- function(name, data) {
  # blocks nested in sites as a factor of their own: R's `site:rep` without `rep` would code
  # the reps as crossed with sites
  data$block <- interaction(data$site, data$rep, drop = TRUE)
  a <- anova(lm(yield ~ site + block + N + site:N, data = data))
  src <- c("site", "site:rep", "N", "site:N", "Residuals")
  df <- a$Df; ss <- a[["Sum Sq"]]; ms <- ss / df
  names(df) <- names(ss) <- names(ms) <- src
  ft <- function(t, e) c(ms[[t]] / ms[[e]], pf(ms[[t]] / ms[[e]], df[[t]], df[[e]],
                                               lower.tail = FALSE))
  rnd <- rbind(ft("site", "site:rep"), ft("site:rep", "Residuals"), ft("N", "site:N"),
               ft("site:N", "Residuals"), c(NA, NA))
  fix <- rbind(ft("site", "site:rep"), ft("site:rep", "Residuals"), ft("N", "Residuals"),
               ft("site:N", "Residuals"), c(NA, NA))
  data.frame(case = name, source = src, df = df, ss = ss, ms = ms,
             f_random = rnd[, 1], p_random = rnd[, 2], f_fixed = fix[, 1], p_fixed = fix[, 2])
}
w(rbind(combined("hernandez", hern), combined("hernandez_missing", hern_miss)),
  "combined_tables.csv")

# each site's own RCBD analysis and the homogeneity of their error variances
site_rows <- list(); hom_rows <- list()
for (nm in c("hernandez", "hernandez_missing")) {
  d <- if (nm == "hernandez") hern else hern_miss
  s2 <- c(); nu <- c()
  for (s in levels(d$site)) {
    a <- anova(lm(yield ~ rep + N, data = droplevels(d[d$site == s, ])))
    site_rows[[paste(nm, s)]] <- data.frame(case = nm, site = s, source = rownames(a),
                                            df = a$Df, ss = a[["Sum Sq"]],
                                            f = a[["F value"]], p = a[["Pr(>F)"]])
    nu <- c(nu, a$Df[3]); s2 <- c(s2, a[["Mean Sq"]][3])
  }
  # Bartlett's statistic for k variances with nu_i df (Snedecor & Cochran 1989, 13.4)
  k <- length(s2); sp <- sum(nu * s2) / sum(nu)
  M <- sum(nu) * log(sp) - sum(nu * log(s2))
  C <- 1 + (sum(1 / nu) - 1 / sum(nu)) / (3 * (k - 1))
  hom_rows[[nm]] <- data.frame(case = nm, bartlett = M / C, df = k - 1,
                               p = pchisq(M / C, k - 1, lower.tail = FALSE),
                               fmax = max(s2) / min(s2), pooled = sp)
}
w(do.call(rbind, site_rows), "combined_sites.csv")
w(do.call(rbind, hom_rows), "combined_homogeneity.csv")

writeLines(capture.output(sessionInfo()), "mixed_sessioninfo.txt")
