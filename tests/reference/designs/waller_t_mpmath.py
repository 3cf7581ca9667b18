"""Waller–Duncan critical t values in arbitrary precision (tests/test_regwq_waller.py).

Run from this directory:  python waller_t_mpmath.py   (needs mpmath; writes waller_t_mpmath.csv)

Independent of fertopt: solves Waller & Kemp's (1976) equation for t_B(K, F, q, f),

    K = ∫₁^∞ √(x−1) g(x) h(t b(x)) dx / ∫₁^∞ √(x−1) g(x) h(−t b(x)) dx,
    g(x) = x^(−(q+3)/2) (f + qF/x)^(−(f+q−1)/2),  b(x) = √((f+q)(x−1)/(f x + qF)),
    h(z) = (f+q+z²)/(f+q−1) · t_dens(z; f+q) + z · T(z; f+q),

(the equation of SAS MEANS / WALLER and agricolae::waller) with mpmath's tanh-sinh
quadrature at 30 significant digits (the integral split at x = 2, 5, 20) and its secant root
finder, and writes t_B to 17 significant digits.  R's integrate() is not used: on some
arguments (K = 100, q = 30, f = 200, F = 1.01) it is off by 7e-4 in t_B.
"""

import csv
import itertools


def log_ratio(mp, t, k_ratio, q, f, fval):
    nu = mp.mpf(f + q)
    c = mp.gamma((nu + 1) / 2) / mp.gamma(nu / 2) / mp.sqrt(nu * mp.pi)

    def h(z):
        dens = c * (1 + z * z / nu) ** (-(nu + 1) / 2)
        tail = mp.betainc(nu / 2, mp.mpf(1) / 2, 0, nu / (nu + z * z), regularized=True) / 2
        cdf = 1 - tail if z > 0 else tail
        return (nu + z * z) / (nu - 1) * dens + z * cdf

    def g(x):
        return x ** (-mp.mpf(q + 3) / 2) * (1 + q * fval / (f * x)) ** (-mp.mpf(f + q - 1) / 2)

    def b(x):
        return mp.sqrt(nu * (x - 1) / (f * x + q * fval))

    cuts = [1, 2, 5, 20, mp.inf]
    upper = mp.quad(lambda x: mp.sqrt(x - 1) * g(x) * h(t * b(x)), cuts)
    lower = mp.quad(lambda x: mp.sqrt(x - 1) * g(x) * h(-t * b(x)), cuts)
    return mp.log(upper / lower) - mp.log(k_ratio)


def main():
    import mpmath as mp

    mp.mp.dps = 30
    rows = []
    for k_ratio, q, f, fval in itertools.product(
        (50, 100, 500), (1, 3, 13), (4, 30, 120), (1.2, 10)
    ):
        args = (k_ratio, q, f, mp.mpf(fval))
        t = mp.findroot(lambda t, args=args: log_ratio(mp, t, *args), mp.mpf(2.5))
        rows.append((k_ratio, q, f, fval, mp.nstr(t, 17)))
    rows.append(
        (100, 4, 20, 5, mp.nstr(mp.findroot(lambda t: log_ratio(mp, t, 100, 4, 20, 5), 2.5), 17))
    )
    rows.append(
        (
            100,
            30,
            200,
            1.01,
            mp.nstr(mp.findroot(lambda t: log_ratio(mp, t, 100, 30, 200, 1.01), 4), 17),
        )
    )
    with open("waller_t_mpmath.csv", "w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["K", "q", "f", "fval", "waller_t"])
        out.writerows(rows)


if __name__ == "__main__":  # imported by pytest's doctest collection: run only as a script
    main()
