"""Three-point estimates as Beta-PERT distributions, and their sums as P10/P50/P90.

Why PERT: a ledger line says low / likely / high; Beta-PERT (lambda 4) puts most weight near
`likely`, stays inside [low, high] and has the closed-form mean (low + 4 likely + high) / 6,
so tests can check the simulation against arithmetic.

Why this Monte Carlo: portfolio totals are sums of many lines, in many groupings at once
(category, service, customer, year, cumulative month). `group_quantiles` draws each line once
(seeded, 10,000 draws) and sums the draws through a weights matrix (groups x lines), so every
grouping comes from the same draws. Lines are not independent: estimates made by the same PMO
with the same methods err together, and summing 150 independent lines would shrink the range
to false precision. A Gaussian copula with one shared factor gives every pair of lines the
correlation `rho` (default `CORRELATION`, 0.5; 0 = independent, 1 = all err the same way);
each line keeps its exact PERT marginal through a tabulated inverse CDF. Beyond `EXACT_LINES` lines only the
widest lines are sampled; the rest (individually small against the total) enter each group as a
normal with their exact PERT mean and variance (central limit), which keeps 1M lines to seconds.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy import stats

LAMBDA = 4.0
DRAWS = 10_000
SEED = 20_240
EXACT_LINES = 1_000  # lines sampled exactly; beyond this the smallest are approximated
_CHUNK = 250  # lines per sampling chunk (250 x 10,000 float64 = 20 MB)
CORRELATION = 0.5  # shared-error correlation between any two lines' estimates
_GRID = 401  # points of the tabulated inverse CDF per line (step 0.0025 in probability)


def clean(low, likely, high) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(a, m, b, reordered): missing low/high fall back to likely; missing likely to the mid
    of low and high (or to 0 when all three are missing); out-of-order triples are sorted
    and flagged in `reordered`."""
    lo, mid, hi = (np.asarray(v, dtype=float) for v in (low, likely, high))
    half = np.where(np.isnan(lo), hi, np.where(np.isnan(hi), lo, (lo + hi) / 2))
    mid = np.nan_to_num(np.where(np.isnan(mid), half, mid), nan=0.0)
    lo, hi = np.where(np.isnan(lo), mid, lo), np.where(np.isnan(hi), mid, hi)
    reordered = (lo > mid) | (mid > hi)
    trio = np.sort(np.vstack([lo, mid, hi]), axis=0)
    return trio[0], trio[1], trio[2], reordered


def _shapes(a, m, b) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    width = b - a
    safe = np.where(width > 0, width, 1.0)
    alpha = 1 + LAMBDA * (m - a) / safe
    beta = 1 + LAMBDA * (b - m) / safe
    return alpha, beta, width


def mean(a, m, b) -> np.ndarray:
    """PERT mean (a + 4m + b) / 6."""
    return (np.asarray(a) + LAMBDA * np.asarray(m) + np.asarray(b)) / (LAMBDA + 2)


def variance(a, m, b) -> np.ndarray:
    """PERT variance (mu - a)(b - mu) / (lambda + 3); 0 for a degenerate line."""
    mu = mean(a, m, b)
    return np.maximum((mu - np.asarray(a)) * (np.asarray(b) - mu), 0.0) / (LAMBDA + 3)


def quantile(q: float, a, m, b) -> np.ndarray:
    """The q-quantile of each line (exact, through the Beta inverse CDF)."""
    a, m, b = (np.asarray(v, dtype=float) for v in (a, m, b))
    alpha, beta, width = _shapes(a, m, b)
    return np.where(width > 0, a + width * stats.beta.ppf(q, alpha, beta), a)


def sample(
    a,
    m,
    b,
    draws: int,
    rng: np.random.Generator,
    shared: np.ndarray | None = None,
    rho: float = 0.0,
) -> np.ndarray:
    """A (lines x draws) matrix of PERT draws; a degenerate line (low == high) is constant.

    With `rho` > 0, `shared` (draws,) is the common standard-normal factor: each line's
    uniform is Phi(sqrt(rho) shared + sqrt(1 - rho) own), mapped through its inverse CDF.
    """
    a, m, b = (np.asarray(v, dtype=float)[:, None] for v in (a, m, b))
    alpha, beta, width = _shapes(a, m, b)
    if rho <= 0 or shared is None:
        return a + width * rng.beta(alpha, beta, size=(a.shape[0], draws))
    z = np.sqrt(rho) * shared[None, :] + np.sqrt(1 - rho) * rng.standard_normal((a.shape[0], draws))
    u = stats.norm.cdf(z)
    # inverse CDF tabulated per line on a probability grid, linearly interpolated
    grid = np.linspace(0.0, 1.0, _GRID)
    table = stats.beta.ppf(grid[None, :], alpha, beta)  # lines x _GRID
    pos = u * (_GRID - 1)
    k = np.minimum(pos.astype(int), _GRID - 2)
    frac = pos - k
    rows = np.arange(a.shape[0])[:, None]
    x = table[rows, k] * (1 - frac) + table[rows, k + 1] * frac
    return a + width * x


def group_quantiles(
    a,
    m,
    b,
    weights,
    qs: tuple[float, ...] = (0.1, 0.5, 0.9),
    draws: int = DRAWS,
    seed: int = SEED,
    exact_lines: int = EXACT_LINES,
    mix=None,
    rho: float = 0.0,
) -> np.ndarray:
    """Quantiles (groups x len(qs)) of each group's total, sum_j weights[g, j] x line_j.

    `weights` is a (groups x lines) array or sparse matrix (1 for membership, a fraction for
    a share of a line). With `mix` (outputs x groups) the outputs are mix @ group totals; then
    each line must sit in one group only (e.g. lines grouped by period, mixed into cumulative
    months), which keeps time series of a million lines small. `rho`: shared-error
    correlation between lines (see the module docstring). Same inputs, same result.
    """
    a, m, b = (np.asarray(v, dtype=float) for v in (a, m, b))
    w = sp.csr_matrix(weights, dtype=float)
    mx = None if mix is None else np.asarray(mix, dtype=float)
    groups = w.shape[0] if mx is None else mx.shape[0]

    def mixed(v):
        return v if mx is None else mx @ v

    if groups == 0:
        return np.zeros((0, len(qs)))
    rng = np.random.default_rng(seed)
    var = variance(a, m, b)
    if len(a) > exact_lines:  # sample the widest lines; the rest by their exact moments
        order = np.argsort(-var, kind="stable")
        exact, rest = np.sort(order[:exact_lines]), order[exact_lines:]
    else:
        exact, rest = np.arange(len(a)), np.array([], dtype=int)
    totals = np.zeros((groups, draws))
    shared = rng.standard_normal(draws) if rho > 0 else None
    for start in range(0, len(exact), _CHUNK):
        idx = exact[start : start + _CHUNK]
        x = sample(a[idx], m[idx], b[idx], draws, rng, shared, rho)
        totals += mixed(w[:, idx] @ x)
    if len(rest):
        wr = w[:, rest]
        sd_line = np.sqrt(var[rest])
        mu = mixed(wr @ mean(a[rest], m[rest], b[rest]))
        own = wr.multiply(wr) @ (var[rest] * (1 - rho))  # the independent part
        sd = np.sqrt(own if mx is None else mx**2 @ own)
        common = mixed(wr @ sd_line) * np.sqrt(rho)  # the shared part adds up linearly
        totals += mu[:, None] + sd[:, None] * rng.standard_normal((groups, draws))
        if shared is not None:
            totals += common[:, None] * shared[None, :]
    return np.quantile(totals, qs, axis=1).T
