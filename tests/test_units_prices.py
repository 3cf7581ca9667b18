"""Prices: nutrient and product prices, forms, units, warnings."""

from __future__ import annotations

import dataclasses
import warnings

import pytest
from numpy.testing import assert_allclose

import fertopt as fo
from fertopt.exceptions import FertoptError, PriceWarning
from fertopt.units import PRODUCT_GRADES, product_grade


def test_prices_are_a_frozen_value():
    p = fo.Prices(crop=2.8, N=6.25, P2O5=4.67, K2O=10.4, currency="yuan")
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.crop = 3.0
    assert p == fo.Prices(crop=2.8, N=6.25, P2O5=4.67, K2O=10.4, currency="yuan")
    assert hash(p) == hash(fo.Prices(crop=2.8, N=6.25, P2O5=4.67, K2O=10.4, currency="yuan"))
    assert p.forms == ("N", "P2O5", "K2O")
    assert repr(p) == "Prices(crop 2.8 yuan/kg; N 6.25, P2O5 4.67, K2O 10.4 yuan/kg)"
    q = p.replace(crop=3.0)
    assert q.crop == 3.0 and p.crop == 2.8
    assert p.to_dict()["K2O"] == 10.4


def test_ratios_in_kg_per_kg():
    p = fo.Prices(crop=2.8, N=6.25, P2O5=4.67, K2O=10.4)
    # the reference study: 6.25/2.8, 4.67/2.8, 10.4/2.8 kg water chestnut per kg nutrient
    assert_allclose(
        [p.ratio("N"), p.ratio("P2O5"), p.ratio("K2O")],
        [6.25 / 2.8, 4.67 / 2.8, 10.4 / 2.8],
        rtol=1e-15,
    )


def test_oxide_and_element_forms():
    p = fo.Prices(crop=1.0, P2O5=4.67, K2O=10.4)
    # a kg of P is 2.2914 kg P2O5, a kg of K is 1.2046 kg K2O (standard atomic weights)
    assert_allclose(p.nutrient_price("P"), 4.67 * 141.9445 / (2 * 30.973762), rtol=1e-6)
    assert_allclose(p.nutrient_price("K"), 10.4 * 94.196 / (2 * 39.0983), rtol=1e-5)
    e = fo.Prices(crop=1.0, P=10.0)
    assert_allclose(e.nutrient_price("P2O5"), 10.0 * 2 * 30.973762 / 141.9445, rtol=1e-6)
    assert e.has("P2O5") and not e.has("N")
    with pytest.raises(FertoptError, match="either P= .* or P2O5="):
        fo.Prices(crop=1.0, P=10.0, P2O5=4.0)
    with pytest.raises(FertoptError, match="either K= .* or K2O="):
        fo.Prices(crop=1.0, K=10.0, K2O=4.0)
    with pytest.raises(FertoptError, match="no price for N"):
        e.nutrient_price("N")


def test_units_of_prices_and_data():
    wheat = fo.Prices(crop=110, crop_unit="t", N=0.60)
    # €0.60/kg N ÷ €0.110/kg wheat = 5.4545 kg/kg; with yields in t/ha: 0.0054545 t per kg N
    assert_allclose(wheat.ratio("N"), 0.6 / 0.11, rtol=1e-12)
    assert_allclose(
        wheat.ratio("N", response_unit="t/ha", rate_unit="kg/ha"), 0.6 / 110, rtol=1e-12
    )
    # yield in kg/mu, rate in kg/ha: one kg/ha of N is 1/15 kg/mu, so the ratio shrinks 15-fold
    assert_allclose(
        wheat.ratio("N", response_unit="kg/mu", rate_unit="kg/ha"), 0.6 / 0.11 / 15, rtol=1e-12
    )
    # prices per jin (0.5 kg) of crop
    jin = fo.Prices(crop=1.4, crop_unit="斤", N=6.25)
    assert_allclose(jin.crop_per_kg, 2.8, rtol=1e-15)
    with pytest.raises(FertoptError, match="give both response_unit and rate_unit"):
        wheat.ratio("N", response_unit="t/ha")
    with pytest.raises(FertoptError, match="crop_unit='bushel' is not a known mass unit"):
        fo.Prices(crop=5.0, crop_unit="bushel", N=1.0)
    with pytest.raises(FertoptError, match="area='field' is not a known area unit"):
        fo.Prices(crop=5.0, N=1.0, area="field")
    assert fo.Prices(crop=5.0, N=1.0, area="亩").area == "mu"


def test_net_return_area_basis():
    # yields per ha, returns reported per mu (1 mu = 1/15 ha)
    fit = fo.response_from_coefficients(
        "quadratic",
        intercept=5000,
        linear=40,
        quadratic=-0.1,
        rate_range=(0, 300),
        nutrient="N",
        units={"response": "kg/ha", "rate": "kg/ha"},
    )
    per_ha = fit.optimum(prices=fo.Prices(crop=2.0, N=5.0, currency="yuan"))
    per_mu = fit.optimum(prices=fo.Prices(crop=2.0, N=5.0, currency="yuan", area="mu"))
    assert per_ha.net_return_unit == "yuan/ha" and per_mu.net_return_unit == "yuan/mu"
    assert_allclose(per_mu.net_return * 15, per_ha.net_return, rtol=1e-12)
    assert per_mu.rate == per_ha.rate
    # x* = (5/2 − 40)/(2·−0.1) = 187.5; net = 2·(40·187.5 − 0.1·187.5²) − 5·187.5 = 7031.25
    assert_allclose(per_ha.rate, 187.5, rtol=1e-12)
    assert_allclose(per_ha.net_return, 7031.25, rtol=1e-12)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"crop": 0, "N": 1.0},
        {"crop": -2.8, "N": 1.0},
        {"crop": 2.8, "N": 0},
        {"crop": 2.8, "K2O": -1},
        {"crop": float("nan")},
        {"crop": "2,8"},
    ],
)
def test_prices_must_be_positive(kwargs):
    with pytest.raises(FertoptError, match="must be a positive number"):
        fo.Prices(**kwargs)


def test_product_prices_and_grades():
    p = fo.Prices.from_products(crop=2.8, N=(2.2, "urea"), P2O5=(0.6, "钙镁磷肥"), K2O=(3.5, 50))
    # urea 46 % N, calcium magnesium phosphate 12 % P2O5, potassium sulphate 50 % K2O
    assert_allclose([p.N, p.P2O5, p.K2O], [2.2 / 0.46, 0.6 / 0.12, 3.5 / 0.50], rtol=1e-15)
    assert p.sources == (
        "N: 2.2 per kg of urea at 46 % N",
        "P2O5: 0.6 per kg of calcium magnesium phosphate at 12 % P2O5",
        "K2O: 3.5 per kg of product at 50 % K2O",
    )
    assert product_grade("KCl", "K2O") == 0.60 and product_grade(0.46, "N") == 0.46
    assert set(PRODUCT_GRADES) >= {"urea", "potassium chloride", "potassium sulphate"}
    with pytest.raises(FertoptError, match="unknown fertilizer product 'guano'"):
        fo.Prices.from_products(crop=1.0, N=(1.0, "guano"))
    with pytest.raises(FertoptError, match="'urea' supplies N, not K2O"):
        fo.Prices.from_products(crop=1.0, K2O=(1.0, "urea"))
    with pytest.raises(FertoptError, match="must be a pair"):
        fo.Prices.from_products(crop=1.0, N=2.2)
    with pytest.raises(FertoptError, match="not a fraction"):
        fo.Prices.from_products(crop=1.0, N=(2.2, 146))
    assert "Converted from products" in str(p.summary())


def test_product_price_used_as_nutrient_price_warns():
    # superphosphate at 0.6 yuan/kg entered as the P2O5 price next to nutrient prices of N and K2O
    with pytest.warns(PriceWarning, match="P2O5 price 0.6 .* looks like the price of a product"):
        fo.Prices(crop=2.8, N=6.25, P2O5=0.6, K2O=10.4)
    # urea's price entered for N next to true nutrient prices
    with pytest.warns(PriceWarning, match="the N price 2.2"):
        fo.Prices(crop=2.8, N=2.2, P2O5=5.0, K2O=10.4)
    # the reference study's prices are nutrient prices: no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fo.Prices(crop=2.8, N=6.25, P2O5=4.67, K2O=10.4)
        fo.Prices(crop=2.8, N=2.2)  # one nutrient: nothing to compare


def test_summary_shows_ratios():
    text = str(fo.Prices(crop=2.8, N=6.25, P2O5=4.67, currency="yuan").summary())
    assert "kg crop per kg nutrient" in text and "2.232" in text and "1.668" in text
    assert "<table>" in fo.Prices(crop=2.8, N=6.25)._repr_html_()


def test_money_factors_for_other_modules():
    p = fo.Prices(crop=2.8, P2O5=4.67, currency="yuan")
    # yields and rates in kg/mu: 2.8 yuan per kg of yield, 4.67 per kg of P2O5, per mu
    assert p.money_factors("P2O5", response_unit="kg/mu", rate_unit="kg/mu") == (2.8, 4.67, "mu")
    # rates in kg/ha with yields in kg/mu: a kg/ha of P2O5 is 1/15 kg per mu
    value, cost, area = p.money_factors("P2O5", response_unit="kg/mu", rate_unit="kg/ha")
    assert_allclose([value, cost], [2.8, 4.67 / 15], rtol=1e-12)
    assert area == "mu"
    assert p.money_factors("P2O5") == (2.8, 4.67, "")
    with pytest.raises(FertoptError, match="not 'kg/plot'"):
        p.money_factors("P2O5", response_unit="kg/plot", rate_unit="kg/mu")


def test_return_factor_agrees_with_money_factors():
    p = fo.Prices(crop=110, crop_unit="t", N=0.6, area="mu")
    value, _, area = p.money_factors("N", response_unit="t/ha", rate_unit="kg/ha")
    # 110 per t of yield in t/ha, reported per mu (1/15 ha): 110 / 15 per (t/ha)
    assert_allclose(p.return_factor("t/ha")[0], 110 / 15, rtol=1e-12)
    assert p.return_factor("t/ha") == (value, area)
    assert p.return_factor() == (0.11, "mu")
