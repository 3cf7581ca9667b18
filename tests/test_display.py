"""Display of every result: one-line repr, text summary, Jupyter HTML with the key finding first."""

from __future__ import annotations

import html.parser
import json
import re
import warnings

import numpy as np
import pandas as pd
import pytest

import fertopt as fo
from fertopt._core.document import Facts, Notes, Summary, Table
from fertopt._core.formatting import ResultBase


def _minnesota():
    return fo.load_dataset("minnesota_2012")


def _aov():
    return fo.anova(_minnesota(), response="yld_grain_dry_kgha", treatment="trt", block="rep")


def _report():
    return fo.trial_report(
        _minnesota(),
        response="yld_grain_dry_kgha",
        treatment="trt",
        block="rep",
        posthoc=None,
        figures=False,
    )


def _fit(model="quadratic"):
    return fo.fit_response(
        _minnesota(),
        response="yld_grain_dry_kgha",
        rate="rate_n_applied_kgha",
        nutrient="N",
        model=model,
    )


PRICES = fo.Prices(crop=0.157, N=0.88, currency="USD")


def _pooled():
    df = fo.load_dataset("bachmaier_nitrogen")
    fits = {
        zone: fo.fit_response(part, response="yield", rate="nitro", nutrient="N")
        for zone, part in df.groupby("zone")
    }
    return fo.pool_sites(fits, prices=fo.Prices(crop=110, crop_unit="t", N=0.60, currency="EUR"))


def _welch():
    return fo.fit_surface(
        fo.load_dataset("welch_bermudagrass"),
        response="yield",
        rates={"N": "n", "P": "p", "K": "k"},
    )


WELCH_PRICES = {"crop": 25, "N": 0.12, "P": 0.18, "K": 0.07}


def _three414():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from test_reports import concave, trial_3414

    return fo.three414(trial_3414(concave), response="yield", treatment="trt", block="rep")


# one builder per public result class; each returns a result made from bundled data
RESULTS = {
    "SurfaceFit": _welch,
    "CanonicalResult": lambda: _welch().canonical(),
    "SurfaceOptimum": lambda: _welch().optimum(prices=WELCH_PRICES),
    "TypicalityResult": lambda: _welch().typicality(),
    "SurfacePoint": lambda: _welch().assess({"N": 200, "P": 50, "K": 100}),
    "Three414Result": _three414,
    "FieldBook": lambda: fo.design.rcbd(["CK", "N", "NP", "NPK"], reps=3, rng=1),
    "MultCompResult": lambda: fo.duncan(_aov()),
    "AnovaResult": _aov,
    "LSMeansResult": lambda: fo.lsmeans(_aov(), term="trt"),
    "TrialReport": _report,
    "ResponseFit": _fit,
    "ModelComparison": lambda: fo.compare_models(
        _minnesota(), response="yld_grain_dry_kgha", rate="rate_n_applied_kgha", nutrient="N"
    ),
    "Optimum": lambda: _fit().optimum(prices=PRICES),
    "NetReturnCurve": lambda: _fit().net_return_curve(prices=PRICES),
    "PriceSensitivity": lambda: _fit().price_sensitivity(prices=PRICES),
    "PooledSites": _pooled,
    "AnalysisPlan": lambda: fo.plan_analysis(
        _minnesota(),
        response="yld_grain_dry_kgha",
        treatment="trt",
        block="rep",
        rates={"rate_n_applied_kgha": "N"},
    ),
}
if hasattr(fo, "omission"):  # merged from the omission-plot branch
    RESULTS["OmissionResult"] = lambda: fo.omission(
        fo.load_dataset("water_chestnut"),
        response="yield",
        treatment="treatment",
        block="block",
        full="formula",
        minus={"P2O5": "reduced P"},
        control="blank",
    )

RESULTS["StudyAudit"] = lambda: fo.studies.water_chestnut.audit()
RESULTS["AuditResult"] = lambda: fo.audit(fo.studies.water_chestnut.SPEC)


def _combined():
    return fo.combined_anova(
        fo.load_dataset("hernandez_3sites"),
        response="yield",
        treatment="N",
        block="rep",
        site="site",
    )


RESULTS["CombinedAnovaResult"] = _combined
RESULTS["HomogeneityResult"] = lambda: _combined().homogeneity
RESULTS["MixedModelResult"] = lambda: fo.mixed_model(
    fo.load_dataset("hernandez_3sites"),
    response="yield",
    fixed="N",
    random=["site", "site:rep", "site:N"],
)


def _network():
    # 10 simulated sites (a network of fewer than 8 sites warns)
    rng = np.random.default_rng(1)
    site = np.repeat(np.arange(10), 14)
    n = np.tile(np.repeat([0.0, 40, 80, 120, 160, 200, 240], 2), 10)
    a, b = 8 + rng.normal(0, 1, 10), 0.06 + rng.normal(0, 0.008, 10)
    y = a[site] + b[site] * n - 0.00018 * n * n + rng.normal(0, 0.6, len(n))
    d = pd.DataFrame({"site": [f"s{i}" for i in site], "N": n, "yield": y})
    return fo.fit_network(
        d, response="yield", rate="N", site="site", units={"response": "t/ha", "rate": "kg/ha"}
    )


RESULTS["NetworkFit"] = _network
RESULTS["NewSiteOptimum"] = lambda: _network().optimum(
    prices=fo.Prices(crop=200, crop_unit="t", N=1.1), new_site=True, n_draws=500, rng=1
)


def _recommendation():
    # 10 simulated quadratic sites, 3 blocks (fo.recommend; the network method is tested in
    # test_recommend.py)
    rng = np.random.default_rng(2)
    site = np.repeat(np.arange(10), 18)
    n = np.tile([0.0, 50, 100, 150, 200, 250], 30)
    rep = np.tile(np.repeat([1, 2, 3], 6), 10)
    b = 40 + rng.normal(0, 3, 10)
    y = 6000 + b[site] * n - 0.12 * n * n + rng.normal(0, 120, len(n))
    d = pd.DataFrame({"site": [f"s{i}" for i in site], "rep": rep, "N": n, "yield": y})
    return fo.recommend(
        d,
        response="yield",
        rate="N",
        site="site",
        block="rep",
        prices=fo.Prices(crop=0.2, N=1.0),
        model="quadratic",
        methods=("mrtn", "class_regression", "site_mean"),
        price_grid={"crop": [0.2], "N": [1.0]},
        rng=1,
    )


RESULTS["Recommendation"] = _recommendation


def _pooled_three414():
    # 6 simulated 3414 trials sharing one concave surface (fo.pool_three414)
    from fertopt.design import THREE414_LEVELS

    rng = np.random.default_rng(4)
    rows = []
    for trial in range(6):
        for t, lv in enumerate(THREE414_LEVELS, start=1):
            n, p, k = np.asarray(lv) * (90.0, 45.0, 60.0)
            y = 4000 + 20 * n - 0.06 * n * n + 30 * p - 0.2 * p * p + 10 * k - 0.05 * k * k
            for rep in (1, 2, 3):
                rows.append((trial, f"T{t}", rep, y + rng.normal(0, 80), n, p, k))
    d = pd.DataFrame(rows, columns=["trial", "trt", "rep", "yield", "N", "P2O5", "K2O"])
    prices = fo.Prices(crop=2.0, N=5.0, P2O5=6.0, K2O=5.0)
    batch = fo.run_batch(
        d, by="trial", response="yield", treatment="trt", block="rep",
        rates=("N", "P2O5", "K2O"), surface="full", prices=prices,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a regional equation on 6 trials warns of few trials
        return fo.pool_three414(batch, data=d)


RESULTS["PooledThree414"] = _pooled_three414

if hasattr(fo, "run_batch"):  # merged from the batch branch
    RESULTS["BatchResult"] = lambda: fo.run_batch(
        _minnesota(), by="year", response="yld_grain_dry_kgha", treatment="trt", block="rep"
    )
    RESULTS["TrialResult"] = lambda: fo.run_batch(
        _minnesota(), by="year", response="yld_grain_dry_kgha", treatment="trt", block="rep"
    ).results[2012]

if hasattr(fo, "cate_nelson_1971"):  # the soil-test correlation methods

    def _freitas():
        from pathlib import Path

        return pd.read_csv(Path(__file__).parent / "reference" / "soiltest" / "freitas1966.csv")

    def _alcc():
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", fo.DataWarning)  # RY > 100 and leverage: expected
            return fo.mod_alcc(_freitas(), stv="STK", ry="RY")

    RESULTS["CateNelsonResult"] = lambda: fo.cate_nelson_1971(
        _freitas(), stv="STK", ry="RY", n_boot=100, rng=1
    )
    RESULTS["CalibrationFit"] = lambda: fo.fit_calibration(
        _freitas(), stv="STK", ry="RY", model="quadratic_plateau", n_boot=100, rng=1
    )
    RESULTS["ALCCResult"] = _alcc
    RESULTS["AbundanceClasses"] = lambda: fo.abundance_classes(_freitas(), stv="STK", ry="RY")


class _Html(html.parser.HTMLParser):
    """Collects the text of the page in order, and checks that tags nest."""

    def __init__(self):
        super().__init__()
        self.text: list[str] = []
        self.stack: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag not in ("br", "img", "meta", "hr", "input"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (self.stack[-3:], tag)
        self.stack.pop()

    def handle_data(self, data):
        if data.strip() and (not self.stack or self.stack[-1] != "style"):
            self.text.append(data.strip())


@pytest.fixture(params=sorted(RESULTS), scope="module")
def result(request):
    return RESULTS[request.param]()


def test_repr_is_one_line(result):
    text = repr(result)
    assert "\n" not in text and text.startswith(f"<{type(result).__name__} ") and text.endswith(">")


def test_text_summary(result):
    text = str(result)
    assert text.count("\n") > 5


def test_repr_html_is_a_table_with_the_key_finding_first(result):
    page = result._repr_html_()
    assert isinstance(page, str)
    parser = _Html()
    parser.feed(page)
    parser.close()
    assert not parser.stack, "unclosed tags"
    assert "table" in parser.tags and "script" not in parser.tags
    first_table = page.index("<table")
    if isinstance(result, fo.TrialReport):
        finding = result.key_findings[0]
    else:
        finding = result.summary().headline
    assert finding and page.index(_escaped(finding)) < first_table


def test_to_dict_is_json(result):
    out = json.loads(json.dumps(result.to_dict()))
    assert out["result"] == type(result).__name__ and out["fertopt_version"] == fo.__version__


def _escaped(text):
    import html as _h

    return _h.escape(text)


def test_summary_html_escapes_labels_and_keeps_numbers_right_aligned():
    frame = pd.DataFrame({"treatment": ["<b>NPK</b>", "CK & co"], "mean": [3020.5, 1688.25]})
    s = Summary(
        "Means",
        [Facts([("Design", "RCBD")]), Table(frame), Notes(["check <this>"])],
        headline="NPK > CK",
    )
    page = s.as_html()
    assert "<b>NPK</b>" not in page and "&lt;b&gt;NPK&lt;/b&gt;" in page and "CK &amp; co" in page
    assert re.search(r'<td class="num">3020</td>', page)
    assert page.index("NPK &gt; CK") < page.index("<table>")
    assert "background:rgba(" in page  # readable in dark notebook themes as well
    assert not re.search(r"(src|href)=", page)


def test_every_public_result_class_is_covered():
    import inspect

    classes = {
        name
        for name, obj in vars(fo).items()
        if inspect.isclass(obj) and issubclass(obj, ResultBase)
    }
    assert classes <= set(RESULTS), classes - set(RESULTS)


@pytest.mark.parametrize("name", sorted(RESULTS))
def test_summary_in_english_is_the_default(name):
    result = RESULTS[name]()
    default, english = result.summary(), result.summary(lang="en")
    assert english.as_text() == default.as_text()
    assert english.as_markdown() == default.as_markdown()
    assert english.as_html() == default.as_html()


def test_summary_rejects_an_unknown_language():
    with pytest.raises(fo.FertoptError, match="lang='fr' is not available"):
        _aov().summary(lang="fr")


def test_text_tables_align_chinese_by_display_width():
    from fertopt._core.document import text_table, text_width

    lines = text_table(["处理", "产量"], [["对照", "1"], ["N", "12"]], [False, True])
    assert len({text_width(line) for line in lines}) == 1


# ---------------------------------------------------------------------------
# Chinese summaries
# ---------------------------------------------------------------------------
#: Latin words a Chinese summary may show: names from the fixture data (columns,
#: treatments, nutrients, units, sites), and the abbreviations and method names
#: that Chinese papers write in Latin script.
ALLOWED_LATIN = {
    # column names and labels of the fixture data
    *("yld_grain_dry_kgha", "rate_n_applied_kgha", "trt", "rep", "yield", "year"),
    *("formula", "reduced", "blank", "high", "low", "nitro", "zone", "treatment", "block"),
    *("CK", "NPK", "kg", "mu", "ha", "USD", "EUR", "site"),
    # mixed models and combined analyses: method names
    *("REML", "Kenward", "Roger", "Satterthwaite", "Hartley", "Fmax"),
    # conventional abbreviations and names of methods
    *("Duncan", "LSD", "Tukey", "SNK", "Scheffé", "Dunnett", "AIC", "AICc", "BIC", "CV"),
    *("RMSE", "HSD", "Akaike", "Shapiro", "Wilk", "Levene", "Brown", "Forsythe", "Bartlett"),
    *(
        "Kramer",
        "agricolae",
        "SAS",
        "MRTN",
        "fertopt",
        "Delta",
        "Fieller",
        "Mitscherlich",
        "exp",
        "min",
        "OLS",
        "statsmodels",
        "Wald",
    ),
    # the error mean square and the least significant difference as Chinese papers write them
    *("MSE", "LSD0"),
    # soil-test correlation: the fixture's column and the method names papers write in Latin
    *("STK", "CSTV", "CSTV90", "CSTV100", "Cate", "Nelson", "ALCC", "SMA", "Correndo", "STV"),
    *("Pearson", "asin", "remove2x", "n_boot", "True"),  # an argument as the user types it
    "III",  # quadrant III: Cate–Nelson quadrants are numbered in Roman numerals
}
#: ASCII words are N, P2O5 … (nutrient names), single letters (symbols) and the
#: two-letter words above; runs of 3 or more letters must be allowed by name.
_LATIN_RUN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def latin_words(text):
    """Runs of 3 or more ASCII letters in ``text`` that are not allowed."""
    words = {match.group() for match in _LATIN_RUN.finditer(text)}
    return {w for w in words if re.search("[A-Za-z]{3}", w) and w not in ALLOWED_LATIN}


def _zh_summary(name):
    if name == "TrialReport":  # a report's language is chosen when it is built
        return _report_zh().summary(lang="zh")
    return RESULTS[name]().summary(lang="zh")


def _report_zh():
    import warnings

    from fertopt import plotting

    with warnings.catch_warnings():
        if plotting.find_cjk_font() is None:
            warnings.simplefilter("ignore", fo.DisplayWarning)
        return fo.trial_report(
            _minnesota(),
            response="yld_grain_dry_kgha",
            treatment="trt",
            block="rep",
            posthoc=None,
            figures=False,
            lang="zh",
        )


@pytest.mark.parametrize("name", sorted(RESULTS))
def test_summary_in_chinese_renders(name):
    summary = _zh_summary(name)
    assert summary.as_text().count("\n") > 3
    assert summary.as_markdown() and summary.as_html()


@pytest.mark.parametrize("name", sorted(RESULTS))
def test_summary_in_chinese_has_no_english_words(name):
    text = _zh_summary(name).as_text()
    assert not latin_words(text), latin_words(text)


def test_the_latin_word_check_can_fail():
    assert latin_words("方差分析表 Analysis of variance") == {"Analysis", "variance"}
    assert latin_words("Duncan 新复极差法，N 与 P2O5，trt 8 个处理，CV 10.09 %") == set()


def test_surface_findings_beyond_the_fixtures_read_in_chinese():
    # a published third-order surface: a saddle held by its bounds, a numerical optimum,
    # an unassessed regression and an outside point, each with its own stored texts
    surf = fo.surface_from_coefficients(
        {"intercept": 10, "N": 0.05, "P": 0.1, "K": 0.02, "N^2": -0.0001, "P^2": -0.0005}
        | {"K^2": -0.0001, "N:P": 0.0002, "N:P:K": 0.00001},
        bounds={"N": (0, 300), "P": (0, 100), "K": (0, 150)},
    )
    results = [
        surf.maximum(),
        surf.optimum(prices={"crop": 2, "N": 0.01, "P": 0.02, "K": 0.01}),
        surf.typicality(),
        surf.assess({"N": 400, "P": 50, "K": 50}),
        _welch().maximum(),
    ]
    for result in results:
        text = result.summary(lang="zh").as_text()
        assert not latin_words(text), (type(result).__name__, latin_words(text))
