# Reference ANOVA tables for tests/test_anova.py, computed with base R (aov, anova),
# car::Anova (types II and III) and nlme's Oats data.
#
# Run from this folder:  Rscript make_anova_reference.R
# Writes anova_reference.csv (one row per dataset x case x source) and the inputs that
# come from R itself (npk.csv, oats.csv, plantgrowth.csv), plus sessionInfo.txt.
#
# Inputs: the agricolae 1.3-7 datasets converted to CSV (files 01..16 here, GPL, used only
# to generate and check reference values) and base R / nlme datasets.

suppressPackageStartupMessages({
  library(car)
  library(nlme)
})
options(contrasts = c("contr.treatment", "contr.poly"))

rows <- list()
add <- function(dataset, case, tab) {
  tab <- as.data.frame(tab)
  src <- trimws(rownames(tab))
  df <- tab[["Df"]]
  ss <- if ("Sum Sq" %in% names(tab)) tab[["Sum Sq"]] else tab[["Sum of Sq"]]
  ms <- if ("Mean Sq" %in% names(tab)) tab[["Mean Sq"]] else ss / df
  f <- if ("F value" %in% names(tab)) tab[["F value"]] else tab[["F"]]
  p <- tab[["Pr(>F)"]]
  rows[[length(rows) + 1]] <<- data.frame(dataset = dataset, case = case, source = src,
                                          df = df, ss = ss, ms = ms, f = f, p = p)
}

# -- CRD, balanced: sweetpotato -------------------------------------------------------
sp <- read.csv("01_compare_sweetpotato_crd.csv")
sp$virus <- factor(sp$virus)
add("sweetpotato", "I", anova(aov(yield ~ virus, data = sp)))

# -- CRD, unbalanced: corn -----------------------------------------------------------
corn <- read.csv("02_compare_corn_crd_unbalanced.csv")
corn$method <- factor(corn$method)
add("corn", "I", anova(aov(observation ~ method, data = corn)))

# -- RCBD: disease ---------------------------------------------------------------------
dis <- read.csv("03_compare_disease_rcbd.csv")
dis$rep <- factor(dis$rep); dis$trt <- factor(dis$trt)
add("disease", "I", anova(aov(yield ~ rep + trt, data = dis)))
# one missing plot (T3 in block 2): unbalanced RCBD, treatments after blocks
dis_m <- dis[!(dis$rep == "2" & dis$trt == "T3"), ]
add("disease_missing", "I", anova(aov(yield ~ rep + trt, data = dis_m)))

# -- Latin square: melon -----------------------------------------------------------------
mel <- read.csv("07_compare_melon_latin_square.csv")
mel$row <- factor(mel$row); mel$col <- factor(mel$col); mel$variety <- factor(mel$variety)
add("melon", "I", anova(aov(yield ~ row + col + variety, data = mel)))

# -- factorial RCBD: Chz2006 ------------------------------------------------------------
chz <- read.csv("14_factorial_chz2006_rcbd.csv")
chz$block <- factor(chz$block); chz$amendment <- factor(chz$amendment, levels = unique(chz$amendment))
chz$crop <- factor(chz$crop, levels = unique(chz$crop))
add("chz2006", "I", anova(aov(health ~ block + amendment * crop, data = chz)))
# unbalanced version (three plots removed) for types II and III
chz_u <- chz[-c(2, 17, 30), ]
add("chz2006_unbalanced", "I", anova(lm(health ~ block + amendment * crop, data = chz_u)))
add("chz2006_unbalanced", "II", Anova(lm(health ~ block + amendment * crop, data = chz_u), type = 2))
op <- options(contrasts = c("contr.sum", "contr.poly"))
add("chz2006_unbalanced", "III", Anova(lm(health ~ block + amendment * crop, data = chz_u), type = 3))
options(op)

# -- factorial CRD, 3 factors, unbalanced: npk without blocks, two rows removed --------
data(npk)
write.csv(npk, "npk.csv", row.names = FALSE)
add("npk", "I", anova(aov(yield ~ block + N * P * K, data = npk)))
add("npk_2way", "II", Anova(lm(yield ~ block + (N + P + K)^2, data = npk), type = 2))
npk_u <- npk[-c(3, 14), ]
add("npk_crd_unbalanced", "I", anova(lm(yield ~ N * P * K, data = npk_u)))
add("npk_crd_unbalanced", "II", Anova(lm(yield ~ N * P * K, data = npk_u), type = 2))
op <- options(contrasts = c("contr.sum", "contr.poly"))
add("npk_crd_unbalanced", "III", Anova(lm(yield ~ N * P * K, data = npk_u), type = 3))
options(op)

# -- split-plot: agricolae plots and nlme Oats -----------------------------------------
# sequential fit block + A + block:A + B + A:B; the strata of aov(... + Error(block/A))
# give the same sums of squares for balanced data (checked below).
pl <- read.csv("16_splitplot_plots.csv")
pl$block <- factor(pl$block); pl$A <- factor(pl$A); pl$B <- factor(pl$B)
add("plots", "I", anova(aov(yield ~ block + A + block:A + B + A:B, data = pl)))
strata <- summary(aov(yield ~ A * B + Error(block / A), data = pl))
stopifnot(abs(strata[["Error: block:A"]][[1]][["Sum Sq"]][2] -
              anova(aov(yield ~ block + A + block:A + B + A:B, data = pl))["block:A", "Sum Sq"]) < 1e-9)

oats <- as.data.frame(Oats)
oats$Block <- factor(as.character(oats$Block), levels = c("I", "II", "III", "IV", "V", "VI"))
oats$Variety <- factor(as.character(oats$Variety))
oats$nitro <- factor(oats$nitro)
write.csv(data.frame(Block = as.character(oats$Block), Variety = as.character(oats$Variety),
                     nitro = oats$nitro, yield = oats$yield), "oats.csv", row.names = FALSE)
add("oats", "I", anova(aov(yield ~ Block + Variety + Block:Variety + nitro + Variety:nitro, data = oats)))

# -- PlantGrowth (CRD) -------------------------------------------------------------------
data(PlantGrowth)
write.csv(PlantGrowth, "plantgrowth.csv", row.names = FALSE)
add("plantgrowth", "I", anova(aov(weight ~ group, data = PlantGrowth)))

out <- do.call(rbind, rows)
write.csv(format(out, digits = 17), "anova_reference.csv", row.names = FALSE, quote = TRUE)
writeLines(capture.output(sessionInfo()), "sessionInfo.txt")
cat("wrote", nrow(out), "rows\n")
