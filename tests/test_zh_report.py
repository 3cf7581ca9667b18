"""A Chinese report is all Chinese: each bundled dataset, a 3414 and a factorial trial, the example.

Each report is rendered to HTML with ``lang="zh"``; its visible text (tags, scripts, styles and
attribute values stripped) and the text drawn in its figures (every matplotlib text of every
figure saved while the report is built) may hold ASCII words only from a short whitelist: units,
nutrient symbols, statistical abbreviations and method names that Chinese papers write in Latin
letters, letter groups, and the user's own labels (column names and values of the data).
"""

from __future__ import annotations

import html.parser
import re
import warnings
from pathlib import Path

import matplotlib.figure
import pandas as pd
import pytest

import fertopt as fo
from fertopt import plotting

REF = Path(__file__).parent / "reference"

#: Latin words a Chinese report may show besides the user's own labels.
WHITELIST = {
    # units and currencies
    *("kg", "g", "t", "ha", "hm", "m", "USD", "EUR", "CNY"),
    # nutrient symbols and treatment codes of the Chinese literature
    *("N", "P", "K", "P2O5", "K2O", "CK", "NPK", "NP", "NK", "PK", "OPT"),
    # statistical abbreviations and symbols
    *("AIC", "AICc", "BIC", "CV", "LSD", "LSD0", "ANOVA", "SE", "SD", "df", "F", "p", "P", "R"),
    *(
        "REML",
        "Fmax",
        "LS",
        "MSE",
        "RMSE",
        "VCR",
        "MRTN",
        "EONR",
        "x",
        "y",
        "a",
        "b",
        "c",
        "r",
        "q",
        "t",
        "d",
        "n",
    ),
    *("max", "min", "exp", "ln", "sqrt", "log", "F0", "Q", "R2", "Df"),
    # symbols of formulas (a price ratio Px/Py, b + 2ax, Duncan's range R3)
    *("Px", "Py", "ax"),
    # names of methods and tests as Chinese papers write them
    *("Duncan", "Tukey", "Scheffé", "Dunnett", "SNK", "REGWQ", "Waller", "Duncan", "Fisher"),
    *("Shapiro", "Wilk", "Levene", "Brown", "Forsythe", "Bartlett", "Akaike", "Mitscherlich"),
    *("Kramer", "Bonferroni", "Holm", "Fieller", "Delta", "Wald", "Box", "Cox", "Hartley"),
    *("Satterthwaite", "Kenward", "Roger"),
    # the software, and the software whose letters fertopt reproduces
    *("fertopt", "agricolae", "Piepho"),
}
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def _is_letter_group(word: str) -> bool:
    """Letters of a multiple comparison: 'a', 'bc', 'ABC' (strictly ascending, one case)."""
    if not (word.islower() or word.isupper()) or len(word) > 8:
        return False
    low = word.lower()
    return all(c in "abcdefghijklmn" for c in low) and list(low) == sorted(set(low))


def user_words(data: pd.DataFrame, *extra: str) -> set[str]:
    """The ASCII words of the user's labels: column names, text values and ``extra`` names."""
    texts = [str(c) for c in data.columns] + list(extra)
    for col in data.columns:
        if not pd.api.types.is_numeric_dtype(data[col]):
            texts += [str(v) for v in data[col].dropna().unique()]
    return {w for t in texts for w in _WORD.findall(t)}


def foreign_words(text: str, allowed: set[str]) -> set[str]:
    """ASCII words of ``text`` outside the whitelist, the user's words and letter groups.

    A single letter, with or without digits (x, Y, R3), is a symbol.
    """
    return {
        w
        for w in _WORD.findall(text)
        if w not in WHITELIST
        and w not in allowed
        and not _is_letter_group(w)
        and not re.fullmatch(r"[A-Za-z][0-9]*", w)
        and not re.fullmatch(r"N[0-3]P[0-3]K[0-3]", w)  # 3414 treatment codes (N2P2K2)
    }


class _Text(html.parser.HTMLParser):
    """Visible text of a page: no tags, attribute values, scripts or styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1
        self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    parser.close()
    return "".join(parser.parts)


@pytest.fixture
def figure_texts(monkeypatch):
    """Every text drawn in a figure saved while the fixture is active."""
    texts: list[str] = []
    save = matplotlib.figure.Figure.savefig

    def savefig(self, *args, **kwargs):
        self.canvas.draw()  # tick labels exist once drawn
        texts.extend(t.get_text() for t in self.findobj(matplotlib.text.Text) if t.get_visible())
        return save(self, *args, **kwargs)

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", savefig)
    return texts


def _quiet(build):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # each analysis' warnings are tested where it lives
        return build()


def _minnesota():
    df = fo.load_dataset("minnesota_2012")
    kw = dict(response="yld_grain_dry_kgha", treatment="trt", block="rep")
    kw |= dict(rates={"rate_n_applied_kgha": "N"}, prices=fo.Prices(crop=0.157, N=0.88))
    return df, kw


def _bachmaier():
    df = fo.load_dataset("bachmaier_nitrogen")
    df = df.loc[df["zone"] == "high"].copy()
    return df, dict(response="yield", treatment="nitro", rates={"nitro": "N"})


def _welch():
    df = fo.load_dataset("welch_bermudagrass")
    return df, dict(
        response="yield", treatment=["n", "p", "k"], rates={"n": "N", "p": "P", "k": "K"}
    )


def _cochran():
    df = fo.load_dataset("cochran_factorial")
    return df, dict(response="yield", treatment=["n", "p", "k"], block="block")


def _water_chestnut():
    df = fo.load_dataset("water_chestnut").drop(columns="treatment_zh")
    kw = dict(response="yield", treatment="treatment", block="block")
    kw |= dict(rates=("N", "P2O5", "K2O"), prices=fo.Prices(crop=2.8, N=6.25, P2O5=4.67, K2O=10.4))
    return df, kw


def _trial_3414():
    df = pd.read_csv(REF / "surface_3414_data.csv")
    kw = dict(response="yield", treatment="treatment", block="block")
    prices = fo.Prices(crop=2.8, N=6.25, P2O5=4.67, K2O=10.4, currency="yuan")
    kw |= dict(rates=("N", "P2O5", "K2O"), prices=prices)
    return df, kw


TRIALS = {
    "minnesota_2012": _minnesota,
    "bachmaier_nitrogen": _bachmaier,
    "welch_bermudagrass": _welch,
    "cochran_factorial": _cochran,
    "water_chestnut": _water_chestnut,
    "3414": _trial_3414,
}


#: Bundled datasets of several sites, checked through the combined-analysis report.
COMBINED = {"hernandez_3sites": dict(response="yield", treatment="N", block="rep", site="site")}


def test_every_bundled_dataset_is_checked():
    assert set(fo.list_datasets()["name"]) <= set(TRIALS) | set(COMBINED)


@pytest.mark.parametrize("name", sorted(COMBINED))
def test_chinese_combined_report_has_no_english(name, figure_texts):
    data = fo.load_dataset(name)
    result = _quiet(lambda: fo.combined_anova(data, **COMBINED[name]))
    report = _quiet(lambda: fo.combined_report(result, posthoc="duncan", lang="zh"))
    allowed = user_words(data, name)
    page = visible_text(report.to_html())
    assert not foreign_words(page, allowed), sorted(foreign_words(page, allowed))


@pytest.mark.parametrize("name", sorted(TRIALS))
def test_chinese_report_has_no_english(name, figure_texts):
    if plotting.find_cjk_font() is None:
        pytest.skip("no CJK font: Chinese figure labels fall back to English")
    data, kw = TRIALS[name]()
    report = _quiet(lambda: fo.trial_report(data, lang="zh", posthoc="duncan", **kw))
    allowed = user_words(data, name)  # a bundled dataset is named by the user
    page = visible_text(report.to_html())
    assert not foreign_words(page, allowed), sorted(foreign_words(page, allowed))
    text = report.to_text()
    assert not foreign_words(text, allowed), sorted(foreign_words(text, allowed))
    assert figure_texts, "the report drew no figure"
    drawn = "\n".join(figure_texts)
    assert not foreign_words(drawn, allowed), sorted(foreign_words(drawn, allowed))


def test_chinese_example_has_no_english(figure_texts):
    if plotting.find_cjk_font() is None:
        pytest.skip("no CJK font: Chinese figure labels fall back to English")
    audit = _quiet(lambda: fo.studies.water_chestnut.audit(lang="zh"))
    page = visible_text(_quiet(audit.to_html))
    # the example shows the Chinese treatment names: of the data only the column names (the
    # design line names the block column as the user wrote it) and the dataset's name
    allowed = {"water_chestnut", *map(str, fo.load_dataset("water_chestnut").columns)}
    assert not foreign_words(page, allowed), sorted(foreign_words(page, allowed))
    drawn = "\n".join(figure_texts)
    assert not foreign_words(drawn, allowed), sorted(foreign_words(drawn, allowed))


def test_the_check_finds_english():
    page = "<p>处理 (treatment_zh)：<b>not significant</b></p><img alt='English alt'>"
    assert foreign_words(visible_text(page), set()) == {"treatment_zh", "not", "significant"}
    assert foreign_words("a ab bc ABC 5 % LSD0.05 kg/mu R3 x", set()) == {"mu"}
    assert foreign_words("区组 block", user_words(pd.DataFrame({"block": ["B1"]}))) == set()


# ---------------------------------------------------------------------------
# keyed messages
# ---------------------------------------------------------------------------
def test_a_keyed_message_is_its_english_text_and_renders_in_chinese():
    import json
    import pickle

    from fertopt._core.i18n import Items, message, translate_message

    m = message(
        "om_confounded",
        lbl="'reduced N'",
        full="'formula'",
        nut="N",
        diffs=Items([message("om_instead_of", nutrient="K2O", rate="21", full="19")]),
    )
    # the English text users have always read, from the same catalogue entry
    assert m == (
        "minus plot 'reduced N' differs from 'formula' not only in N but also in K2O 21 "
        "instead of 19: its yield difference mixes the effects, so the N indices are "
        "confounded with the other change."
    )
    assert translate_message(m, "zh").startswith("缺素处理 'reduced N' 与 'formula' 相比")
    assert "K2O（21，而非 19）" in m.render("zh")
    again = pickle.loads(pickle.dumps(m))  # batch workers pickle results
    assert again.render("zh") == m.render("zh") and json.loads(json.dumps([m])) == [str(m)]


def test_a_warning_issued_as_a_message_reads_in_chinese_in_the_report():
    data, kw = _minnesota()
    data = data.drop(index=[0, 5])  # two missing plots
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report = fo.trial_report(data, lang="zh", posthoc=None, figures=False, **kw)
    # issued in English, as users of the Python API read it
    assert any("missing plots: no plot for" in str(w.message) for w in caught)
    items = report.section("warnings").blocks[0].items
    assert any(w.startswith("缺区：") for w in items), items


def test_an_error_raised_as_a_message_reads_in_chinese_in_the_report():
    df = fo.load_dataset("water_chestnut")
    report = _quiet(
        lambda: fo.trial_report(
            df,
            response="yield",
            treatment="treatment",
            block="block",
            rates=("N", "P2O5", "K2O"),
            design="rate",  # a surface asked for, on a design that cannot identify one
            lang="zh",
            figures=False,
        )
    )
    surface = report.section("surface")
    assert surface.status == "failed"
    assert surface.reason.startswith("该试验设计无法确定三元二次肥料效应函数：")
    assert "截距" in surface.reason and "intercept" not in surface.reason


def test_units_and_statuses_read_as_chinese_papers_write_them():
    from fertopt._core.i18n import status_text, unit_text

    assert unit_text("kg/mu", "zh") == "kg/亩" and unit_text("yuan/mu", "zh") == "元/亩"
    assert unit_text("kg/ha", "zh") == "kg/hm²" and unit_text("kg/ha", "en") == "kg/ha"
    # a curve without a maximum does not bend down (∩); "不下凸" said the opposite
    text = status_text("no_maximum", "zh")
    assert "不下凸" not in text and "不向下弯曲" in text


def test_the_unit_trap_warning_reads_in_chinese_in_the_report():
    # yields per mu (kg/ha ÷ 15) with rates per ha and no units declared: the PriceWarning of
    # the unit trap is issued in English to Python users and shown in Chinese in the report
    # (plain column names: the bundled ones say kg/ha, which would declare the units)
    raw = fo.load_dataset("minnesota_2012")
    data = pd.DataFrame(
        {
            "yield": raw["yld_grain_dry_kgha"] / 15,
            "N": raw["rate_n_applied_kgha"],
            "rep": raw["rep"],
        }
    )
    kw = dict(response="yield", treatment="N", block="rep", rates={"N": "N"})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report = fo.trial_report(
            data, lang="zh", posthoc=None, figures=False, prices=fo.Prices(crop=0.157, N=0.88), **kw
        )
    assert any("unit mismatch" in str(w.message) for w in caught)
    items = report.section("warnings").blocks[0].items
    assert any(w.startswith("施肥不合算") and "单位" in w for w in items), items
