"""Small vectorised numpy/pandas helpers the table builders share (ids, draws, dates, text, frames)."""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd


def _rng(seed: int, part: str) -> np.random.Generator:
    """One generator per table, so changing one table's recipe does not reshuffle the others."""
    return np.random.default_rng([int(seed), zlib.crc32(part.encode())])


def _ids(rng: np.random.Generator, n: int, start: int, max_gap: int = 3) -> np.ndarray:
    """Increasing Autotask-style ids from `start`, with small random gaps (deleted records)."""
    return start + np.cumsum(rng.integers(1, max_gap + 1, n)).astype(np.int64)


def _exact(rng: np.random.Generator, values, p, n: int) -> np.ndarray:
    """`n` values in exactly the proportions `p` (rounded), shuffled: stable plant counts for every seed."""
    p = np.asarray(p, float) / np.sum(p)
    counts = np.floor(p * n).astype(int)
    counts[np.argmax(p)] += n - counts.sum()
    return rng.permutation(np.repeat(np.asarray(values), counts))


def _expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For owners with `counts` children: each child's owner index and position within its owner."""
    counts = np.asarray(counts, dtype=np.int64)
    owner = np.repeat(np.arange(len(counts)), counts)
    starts = np.cumsum(counts) - counts
    return owner, np.arange(counts.sum()) - np.repeat(starts, counts)


def _groups(owner: np.ndarray, n_owners: int):
    """Members of each owner: (member order, start, count) for `_member`."""
    owner = np.asarray(owner, dtype=np.int64)
    order = np.argsort(owner, kind="stable")
    counts = np.bincount(owner, minlength=n_owners)[:n_owners]
    return order, np.cumsum(counts) - counts, counts


def _member(rng: np.random.Generator, groups, owners: np.ndarray) -> np.ndarray:
    """A random member index of each owner in `owners` (-1 when the owner has none)."""
    order, starts, counts = groups
    owners = np.asarray(owners, dtype=np.int64)
    c = counts[owners]
    if len(order) == 0:
        return np.full(len(owners), -1)
    pick = starts[owners] + (rng.random(len(owners)) * np.maximum(c, 1)).astype(np.int64)
    return np.where(c > 0, order[np.minimum(pick, len(order) - 1)], -1)


def _spread(rng: np.random.Generator, cand, group, k: int) -> np.ndarray:
    """Pick `k` of the candidate indices, one per group (company, contract ...) while groups last."""
    cand = np.asarray(cand, dtype=np.int64)
    if k <= 0 or len(cand) == 0:
        return np.array([], dtype=np.int64)
    c = cand[rng.permutation(len(cand))]
    _, first = np.unique(np.asarray(group)[c], return_index=True)
    firsts = c[np.sort(first)]
    rest = c[~np.isin(c, firsts)]
    return np.concatenate([firsts, rest])[:k]


def _topk(rng: np.random.Generator, k: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each row i, k[i] distinct choices among len(weights) items (Gumbel top-k): (row, choice) pairs."""
    k = np.minimum(np.asarray(k), len(weights))
    keys = rng.gumbel(size=(len(k), len(weights))) + np.log(np.asarray(weights, float))
    order = np.argsort(-keys, axis=1)
    rows, cols = np.nonzero(np.arange(len(weights))[None, :] < k[:, None])
    return rows, order[rows, cols]


def _month(d: np.ndarray) -> np.ndarray:
    """First day of each date's month."""
    return d.astype("datetime64[M]").astype("datetime64[D]")


def _add_months(d: np.ndarray, k) -> np.ndarray:
    """Month start `k` months after the month of `d`."""
    return (d.astype("datetime64[M]") + np.asarray(k).astype("timedelta64[M]")).astype("datetime64[D]")


def _days(n) -> np.ndarray:
    return np.asarray(n).astype(np.int64).astype("timedelta64[D]")


def _secs(n) -> np.ndarray:
    return np.asarray(n).astype(np.int64).astype("timedelta64[s]")


def _uniform_days(rng: np.random.Generator, lo, hi, n: int | None = None) -> np.ndarray:
    """Uniform dates in [lo, hi] (arrays or scalars)."""
    lo = np.asarray(lo, dtype="datetime64[D]")
    hi = np.asarray(hi, dtype="datetime64[D]")
    span = np.maximum((hi - lo).astype(np.int64), 0)
    size = n if n is not None else np.broadcast(lo, hi).shape
    return lo + _days(np.floor(rng.random(size) * (span + 1)))


def _at(day: np.ndarray, seconds) -> np.ndarray:
    """Datetime from a date plus seconds after midnight."""
    return day.astype("datetime64[s]") + _secs(seconds)


def _work_seconds(rng: np.random.Generator, n: int) -> np.ndarray:
    """Time of day: mostly business hours (07:30-18:00), 8% after hours; whole minutes."""
    business = rng.integers(450, 1080, n) * 60
    anytime = rng.integers(0, 1440, n) * 60
    return np.where(rng.random(n) < 0.92, business, anytime)


def _money(x) -> np.ndarray:
    return np.round(np.asarray(x, float), 2)


def _opt_int(values, missing=None) -> pd.arrays.IntegerArray:
    """Nullable Int64 from ints; `missing` (bool mask) or negative values mark nulls."""
    v = np.asarray(values, dtype=np.int64)
    m = (v < 0) if missing is None else np.asarray(missing, bool)
    return pd.arrays.IntegerArray(np.where(m, 0, v), m)


def _opt_text(values: np.ndarray, missing) -> np.ndarray:
    out = np.asarray(values, dtype=object).copy()
    out[np.asarray(missing, bool)] = None
    return out


def _cat(*parts) -> np.ndarray:
    """Element-wise string concatenation of arrays and str scalars; a missing piece makes the result missing."""
    n = max((len(p) for p in parts if not isinstance(p, str)), default=1)
    out = None
    for p in parts:
        piece = p if isinstance(p, str) else pd.Series(np.asarray(p, dtype=object), dtype="string")
        if out is None:
            out = pd.Series([piece] * n, dtype="string") if isinstance(piece, str) else piece
        else:
            out = out + piece
    return out.to_numpy(dtype=object, na_value=None)


def _slug(names: np.ndarray) -> np.ndarray:
    """ASCII lowercase letters/digits only: e-mail domains and user names from names."""
    s = pd.Series(np.asarray(names, dtype=object), dtype="string").str.normalize("NFKD")
    s = s.str.encode("ascii", "ignore").str.decode("ascii").str.lower().str.replace(r"[^a-z0-9]", "", regex=True)
    return s.to_numpy(dtype=object, na_value="")


def _frame(cols: dict) -> pd.DataFrame:
    """DataFrame with datetimes at millisecond precision (9999-12-31 fits) and text as pandas strings."""
    out = {}
    for k, v in cols.items():
        if isinstance(v, np.ndarray) and v.dtype.kind == "M":
            v = v.astype("datetime64[ms]")
        elif isinstance(v, np.ndarray) and v.dtype == object:
            v = pd.array(v, dtype="string")
        out[k] = v
    return pd.DataFrame(out)


def _n(size_value: int, frac: float, minimum: int) -> int:
    return max(minimum, int(round(size_value * frac)))
