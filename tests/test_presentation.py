"""Numbers, order and figures as agronomists read them (issue 13, item 4).

One rounding policy (yields at the data's decimals, rates to 0.1, percentages to 0.1, p and
weights to 4 decimals or "< 0.0001", F to 2 decimals, no scientific notation in tables);
treatments in their natural order everywhere, the Duncan chart included; capital letters at
1 % beside the 5 % letters; figures at least 800 px wide with legible legends and contour
labels; one page style for the example report, its warnings shown once.
"""

from __future__ import annotations

import html
import re
import warnings

import numpy as np
import pandas as pd
import pytest

import fertopt as fo
from fertopt._core.document import Table
from fertopt._core.formatting import data_decimals, format_value
from fertopt._core.i18n import translate_message
from fertopt._core.validation import THREE414_ORDER, natural_order


def _quiet(build):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return build()


def _cells(table: Table, column: str) -> list[str]:
    headers, rows, _ = table.cells(4)
    i = list(table.frame.columns).index(column)
    return [row[i] for row in rows]


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


# ---------------------------------------------------------------------------
# one rounding policy
# ---------------------------------------------------------------------------
def test_the_rounding_policy_by_quantity():
    assert format_value(4.342e-06, kind="prob") == "< 0.0001"  # an Akaike weight
    assert format_value(0.0412345, kind="p") == "0.0412"
    assert format_value(7.574, kind="rate") == "7.6"  # rates to 0.1 kg
    assert format_value(7.5123, kind="pct") == "7.5 %"
    assert format_value(13.2034, kind="f") == "13.20"
    assert format_value(-0.00003606) == "-0.00003606"  # a coefficient: never 3.606e-05
    # yields at the decimals they were recorded with, at most 5 significant digits
    assert data_decimals([1657.7, 3107.3]) == 1 and data_decimals([45, 52]) == 0


def test_a_column_of_means_has_one_number_of_decimals():
    # the "SD 195.8 / 290 / 99.26": one column, three roundings
    df = fo.load_dataset("water_chestnut")
    aov = fo.anova(df, response="yield", treatment="treatment", block="block")
    means = fo.duncan(aov).summary_parts()["means"]
    for column in ("mean", "sd", "se"):
        cells = _cells(means, column)
        assert len({_decimals(c) for c in cells}) == 1, (column, cells)
    assert _cells(means, "sd") == ["195.8", "195.8", "290.0", "147.0", "99.3"]


def test_model_weights_are_never_in_scientific_notation():
    df = fo.load_dataset("minnesota_2012")
    cmp = _quiet(
        lambda: fo.compare_models(
            df, response="yld_grain_dry_kgha", rate="rate_n_applied_kgha", nutrient="N"
        )
    )
    table = cmp.summary_parts(4, "en")["table"]
    weights = _cells(table, "weight")
    assert not any("e-" in w or "e+" in w for w in weights), weights
    assert all(re.fullmatch(r"< 0\.0001|\d\.\d{4}", w) for w in weights), weights


def test_no_table_of_a_report_holds_scientific_notation():
    df = fo.load_dataset("minnesota_2012")
    rep = _quiet(
        lambda: fo.trial_report(
            df,
            response="yld_grain_dry_kgha",
            treatment="trt",
            block="rep",
            rates={"rate_n_applied_kgha": "N"},
            prices=fo.Prices(crop=0.157, N=0.88),
            figures=False,
        )
    )
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", rep.to_html())
    assert cells and not [c for c in cells if re.search(r"\de[-+]\d", c)]
    optima = next(
        b for b in rep.section("response").blocks if isinstance(b, Table) and "rate" in b.frame
    )
    assert all(_decimals(c) == 1 for c in _cells(optima, "rate"))  # rates to 0.1


# ---------------------------------------------------------------------------
# natural order
# ---------------------------------------------------------------------------
def _field_order_trial() -> pd.DataFrame:
    """An RCBD whose treatments CK, T1 … T10 are entered in random field order per block."""
    rng = np.random.default_rng(7)
    labels = ["CK"] + [f"T{i}" for i in range(1, 11)]
    rows = []
    for block in (1, 2, 3):
        for t in rng.permutation(labels):
            level = 0 if t == "CK" else int(t[1:])
            rows.append({"block": block, "trt": t, "yield": 30 + 2 * level + rng.normal(0, 1)})
    return pd.DataFrame(rows)


def test_natural_order_of_treatment_labels():
    assert natural_order(["T3", "T6", "T5", "CK", "T10", "T1"]) == [
        "CK",
        "T1",
        "T3",
        "T5",
        "T6",
        "T10",
    ]
    shuffled = list(THREE414_ORDER[::-1])
    assert natural_order(shuffled) == list(THREE414_ORDER)  # 3414 codes: treatments 1–14
    assert natural_order(["NPK", "PK", "CK", "NK"]) == ["CK", "NPK", "PK", "NK"]


def test_the_3414_codes_are_the_design_order():
    codes = ["".join(str(c) for c in code) for code in fo.design.THREE414_LEVELS]
    assert codes == list(THREE414_ORDER)


def test_treatments_in_natural_order_in_tables_and_on_the_duncan_chart(monkeypatch):
    import matplotlib.figure

    df = _field_order_trial()
    assert df["trt"].iloc[:3].tolist() != ["CK", "T1", "T2"]  # the field order is random
    ticks: list[list[str]] = []
    save = matplotlib.figure.Figure.savefig

    def savefig(self, *args, **kwargs):
        self.canvas.draw()
        ticks.extend([t.get_text() for t in ax.get_xticklabels()] for ax in self.axes)
        return save(self, *args, **kwargs)

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", savefig)
    rep = _quiet(lambda: fo.trial_report(df, response="yield", treatment="trt", block="block"))
    expected = ["CK"] + [f"T{i}" for i in range(1, 11)]
    data_table = next(b for b in rep.section("data").blocks if isinstance(b, Table))
    assert [str(t) for t in data_table.frame["trt"]] == expected
    letters = next(b for b in rep.section("comparisons").blocks if isinstance(b, Table))
    assert letters.frame["treatment"].tolist() == expected
    assert expected in ticks  # the Duncan chart


# ---------------------------------------------------------------------------
# capital letters at 1 %
# ---------------------------------------------------------------------------
def test_the_report_gives_1_percent_capitals_beside_the_5_percent_letters():
    df = fo.load_dataset("minnesota_2012")
    rep = _quiet(
        lambda: fo.trial_report(
            df, response="yld_grain_dry_kgha", treatment="trt", block="rep", figures=False
        )
    )
    table = next(b for b in rep.section("comparisons").blocks if isinstance(b, Table))
    aov = fo.anova(df, response="yld_grain_dry_kgha", treatment="trt", block="rep")
    groups = fo.duncan(aov, alpha_capitals=0.01).groups
    expected = groups.assign(treatment=groups["treatment"].astype(str)).set_index("treatment")
    shown = table.frame.set_index("treatment")
    assert shown["capitals"].tolist() == expected.loc[shown.index, "capitals"].tolist()
    assert all(c.isupper() for c in shown["capitals"])
    assert "α = 0.01" in table.labels["capitals"] and "α = 0.05" in table.labels["letters"]


# ---------------------------------------------------------------------------
# legible figures
# ---------------------------------------------------------------------------
def _png_width(data: bytes) -> int:
    return int.from_bytes(data[16:20], "big")


def test_report_figures_are_at_least_800_px_wide_with_legible_legends(monkeypatch):
    import matplotlib.figure
    import matplotlib.text

    sizes: list[float] = []
    save = matplotlib.figure.Figure.savefig

    def savefig(self, *args, **kwargs):
        for ax in self.axes:
            legend = ax.get_legend()
            if legend is not None:
                sizes.extend(t.get_fontsize() for t in legend.get_texts())
        return save(self, *args, **kwargs)

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", savefig)
    df = _3414()
    rep = _quiet(
        lambda: fo.trial_report(
            df,
            response="yield",
            treatment="treatment",
            block="block",
            rates=("N", "P2O5", "K2O"),
            prices=fo.Prices(crop=2.8, N=6.25, P2O5=4.67, K2O=10.4),
        )
    )
    assert len(rep.figures) >= 3  # means, 3414 and residual figures
    for fig in rep.figures:
        assert fig.width * 96 >= 800 and _png_width(fig.data) >= 800, fig.name
    widths = [int(w) for w in re.findall(r'<img src="data:[^"]+" width="(\d+)"', rep.to_html())]
    assert widths and min(widths) >= 800
    assert sizes and min(sizes) >= 9  # points, read at 96 px per inch on the page


def _3414() -> pd.DataFrame:
    from pathlib import Path

    return pd.read_csv(Path(__file__).parent / "reference" / "surface_3414_data.csv")


def test_contour_labels_stand_out_from_the_fill():
    import matplotlib.pyplot as plt

    surf = fo.surface_from_coefficients(
        {"intercept": 1688.61, "P2O5^2": -17.65, "N:K2O": 0.064, "P2O5:K2O": 16.99},
        bounds={"N": (0, 18), "P2O5": (0, 8), "K2O": (0, 19)},
    )
    ax = fo.plotting.plot_surface(surf, x="P2O5", y="K2O", at={"N": 18})
    labels = [t for t in ax.texts if re.fullmatch(r"-?[\d.]+", t.get_text())]
    assert labels
    for text in labels:
        assert text.get_fontsize() >= 8.5 and text.get_color() in ("black", "k", (0, 0, 0, 1))
        assert text.get_bbox_patch() is not None  # a light box behind the dark digits
    plt.close("all")


def test_example_figures_are_at_least_800_px_wide():
    audit = _quiet(lambda: fo.studies.water_chestnut.audit())
    page = _quiet(audit.to_html)
    widths = [int(w) for w in re.findall(r'<img src="data:[^"]+" width="(\d+)"', page)]
    assert len(widths) >= 6 and min(widths) >= 800


# ---------------------------------------------------------------------------
# one page style
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_example_page_has_one_style_and_its_warnings_once(lang):
    audit = _quiet(lambda: fo.studies.water_chestnut.audit(lang=lang))
    page = _quiet(audit.to_html)
    assert page.count("<style>") == 1
    # the audit and its embedded report share the report's classes (one look)
    assert 'class="fertopt-report fertopt-audit"' in page
    assert page.count('class="three-line') >= 5
    # one warnings section (the audit once appended a second, English list of its own)
    heading = {"en": "Warnings", "zh": "注意事项"}[lang]
    assert len(re.findall(rf"<h[1-4][^>]*>[^<]*{heading}", page)) == 1
    report = _quiet(audit.trial_report)
    for warning in report.warnings:
        assert page.count(html.escape(translate_message(warning, lang))) == 1, warning
