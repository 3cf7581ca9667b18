"""Small public trials bundled with fertopt, for examples, tutorials and tests.

:func:`load_dataset` returns one as a DataFrame (one row per plot) whose
``attrs["fertopt"]`` holds its description, units, roles, source and licence;
:func:`list_datasets` shows the index.

Examples
--------
>>> import fertopt as fo
>>> df = fo.load_dataset("minnesota_2012")
>>> df.shape
(32, 10)
>>> df.attrs["fertopt"]["licence"]
'MIT (tnigon/eonr)'
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from importlib import resources

import pandas as pd

from fertopt._core.validation import check_choice

__all__ = [
    "load_dataset",
    "list_datasets",
    "DatasetInfo",
    "DATASETS",
    "water_chestnut_published",
]


@dataclass(frozen=True)
class DatasetInfo:
    """Index entry of a bundled dataset."""

    name: str
    file: str
    description: str
    design: str
    units: dict[str, str]
    roles: dict[str, str]
    source: str
    licence: str
    notes: str = ""


DATASETS: dict[str, DatasetInfo] = {
    info.name: info
    for info in [
        DatasetInfo(
            name="minnesota_2012",
            file="minnesota_2012.csv",
            description=(
                "Corn grain yield response to pre-plant nitrogen, Minnesota 2012: "
                "8 N rates x 4 replicates."
            ),
            design="RCBD",
            units={
                "rate_n_applied_kgha": "kg/ha",
                "yld_grain_dry_kgha": "kg/ha",
                "nup_total_kgha": "kg/ha",
                "soil_plus_fert_n_kgha": "kg/ha",
            },
            roles={
                "response": "yld_grain_dry_kgha",
                "treatment": "trt",
                "block": "rep",
                "rate": "rate_n_applied_kgha",
            },
            source=(
                "tnigon/eonr, eonr/examples/data/minnesota_2012.csv (Nigon et al., EONR tutorial)"
            ),
            licence="MIT (tnigon/eonr)",
            notes="Tutorial prices: grain $0.157/kg, N $0.88/kg.",
        ),
        DatasetInfo(
            name="bachmaier_nitrogen",
            file="bachmaier_nitrogen.csv",
            description=(
                "Winter wheat yield at 11 N rates x 4 blocks in each of two fertility zones "
                "(Germany)."
            ),
            design="RCBD per zone (block labels not recorded)",
            units={"nitro": "kg/ha", "yield": "t/ha"},
            roles={"response": "yield", "rate": "nitro", "group": "zone"},
            source=(
                "kwstat/agridat, data/bachmaier.nitrogen.txt "
                "(Bachmaier 2009, Statistical Papers 50:649-660)"
            ),
            licence="MIT (kwstat/agridat)",
            notes=(
                "Prices in the source: N 0.60 EUR/kg, wheat 110 EUR/t "
                "(price ratio 0.005454 t per kg N)."
            ),
        ),
        DatasetInfo(
            name="welch_bermudagrass",
            file="welch_bermudagrass.csv",
            description=(
                "Coastal bermudagrass: 4 x 4 x 4 N x P x K factorial, "
                "means of 3 years x 3 replicates."
            ),
            design="factorial (means)",
            units={"n": "lb/acre", "p": "lb/acre", "k": "lb/acre", "yield": "t/acre"},
            roles={"response": "yield", "rates": "n,p,k"},
            source="kwstat/agridat, data/welch.bermudagrass.txt (Welch, Adams & Carmon 1963)",
            licence="MIT (kwstat/agridat)",
            notes="Prices used by Welch: grass $25/t; N $0.12, P $0.18, K $0.07 per lb.",
        ),
        DatasetInfo(
            name="cochran_factorial",
            file="cochran_factorial.csv",
            description=(
                "Beans: 2^4 factorial of dung, N, P, K in 2 replicates of two blocks of 8 plots."
            ),
            design="factorial in incomplete blocks (4-factor interaction confounded with blocks)",
            units={"yield": "unspecified"},
            roles={"response": "yield", "treatment": "trt", "block": "block"},
            source="kwstat/agridat, data/cochran.factorial.txt (Cochran & Cox 1957)",
            licence="MIT (kwstat/agridat)",
            notes="The 0/1 columns d, n, p, k are 0 when the factor IS applied; use trt.",
        ),
        DatasetInfo(
            name="hernandez_3sites",
            file="hernandez_3sites.csv",
            description=(
                "Corn yield at 7 N rates x 4 replicates at each of three Minnesota sites, 2006 "
                "(the sites of hernandez.nitrogen that share their N rates)."
            ),
            design="RCBD at each site (replicate labels R1-R4 repeat across sites)",
            units={"N": "kg/ha", "yield": "Mg/ha"},
            roles={"response": "yield", "treatment": "N", "block": "rep", "site": "site"},
            source=(
                "kwstat/agridat, data/hernandez.nitrogen.txt, sites S1-S3 "
                "(Hernandez & Mulla 2008, Agronomy Journal 100:1221-1229)"
            ),
            licence="MIT (kwstat/agridat)",
        ),
        DatasetInfo(
            name="water_chestnut",
            file="water_chestnut.csv",
            description=(
                "RECONSTRUCTED plot yields (not the original data) of a water-chestnut "
                "fertilizer formula-correction trial, Lipu, Guangxi, 2013: 5 treatments x 3 "
                "blocks, 20 m2 plots."
            ),
            design="RCBD",
            units={"N": "kg/mu", "P2O5": "kg/mu", "K2O": "kg/mu", "yield": "kg/mu"},
            roles={
                "response": "yield",
                "treatment": "treatment",
                "block": "block",
                "rates": "N,P2O5,K2O",
                "full": "formula",
                "control": "blank",
                "minus": "N=reduced N,P2O5=reduced P,K2O=reduced K",
            },
            source=(
                "Reconstructed by fertopt (data/water_chestnut/make_reconstruction.py) from the "
                "numbers published in 马蹄肥料配方校正试验 (Huadiao town agricultural service "
                "centre, Lipu county, 2013); see fertopt.datasets.water_chestnut_published()"
            ),
            licence="MIT (fertopt); the published numbers are facts quoted from the study",
            notes=(
                "The plot yields and the treatment rates are lost. The means reproduce the "
                "published differences (+233.4, -311.1, -177.8 kg/mu from the formula plot) and "
                "the treatment F = 29.58 on (4, 8) df; the rates 18-8-19 (formula), 20-8-17 "
                "(reduced K), 16-8-21 (reduced N), 18-6-19 (reduced P) are inferred, and the block "
                "and error components are constructed. mu = 667 m2. Prices: crop 2.8, N 6.25, "
                "P2O5 4.67, K2O 10.4 yuan/kg."
            ),
        ),
    ]
}


def list_datasets() -> pd.DataFrame:
    """The index of bundled datasets: ``name | description | design | source | licence``."""
    rows = [
        {
            k: v
            for k, v in asdict(info).items()
            if k in ("name", "description", "design", "source", "licence")
        }
        for info in DATASETS.values()
    ]
    return pd.DataFrame(rows)


def load_dataset(name: str) -> pd.DataFrame:
    """Load a bundled dataset (one row per plot).

    Parameters
    ----------
    name : str
        One of ``list_datasets()["name"]``.

    Returns
    -------
    DataFrame
        The data, with ``attrs["fertopt"]`` holding ``description``,
        ``design``, ``units``, ``roles`` (the columns to pass as response,
        treatment, block, rate), ``source``, ``licence`` and ``notes``.
    """
    check_choice(name, "name", list(DATASETS))
    info = DATASETS[name]
    with resources.files(__package__).joinpath(info.file).open("rb") as fh:
        frame = pd.read_csv(fh, keep_default_na=False, na_values=[""])
    frame.attrs["fertopt"] = {k: v for k, v in asdict(info).items() if k != "file"}
    return frame


# ---------------------------------------------------------------------------
# the water-chestnut study (reference study of the omission-plot analysis)
# ---------------------------------------------------------------------------
def water_chestnut_published() -> dict:
    """The numbers printed by the water-chestnut formula-correction study, as data.

    Exactly as printed, errors included: design, soil, fertilizers, prices,
    the ANOVA F and its two contradictory wordings, the ternary and
    single-nutrient equations with the optima the paper reports, and the
    economic differences against the formula plot.  Each call returns a fresh
    copy.

    Returns
    -------
    dict
        Keys ``about``, ``source``, ``design``, ``soil``, ``fertilizers``,
        ``prices`` (``crop``, ``N``, ``P2O5``, ``K2O`` in yuan/kg),
        ``anova`` (``F``, ``F_critical``, ``df_inferred`` and the wordings),
        ``equations`` (``ternary``, ``N``, ``P2O5``, ``K2O``: ``coefficients``
        named as in :func:`fertopt.response_from_coefficients` and
        :func:`fertopt.surface_from_coefficients`, ``reported_maximum``,
        ``reported_optimum``, fit statistics) and ``economics`` (``rows`` of
        ``treatment``, ``yield_change``, ``income_change``,
        ``income_change_pct``; the paper's ``claims``).  Yields and rates are
        per 667 m² (one mu).

    Examples
    --------
    >>> import fertopt as fo
    >>> pub = fo.datasets.water_chestnut_published()
    >>> pub["equations"]["P2O5"]["coefficients"]
    {'intercept': 1688.9, 'linear': 328.69, 'quadratic': -18.052}
    >>> pub["anova"]["F"], pub["prices"]["crop"]
    (29.58, 2.8)
    """
    import json

    with resources.files(__package__).joinpath("water_chestnut_published.json").open("rb") as fh:
        return json.load(fh)
