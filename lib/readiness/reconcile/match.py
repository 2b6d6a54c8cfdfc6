"""Match Autotask billing lines with HaloPSA invoice lines for one period and classify every pair.

Both sides arrive as *billing lines*: ``client, item, quantity, unit_price, amount, date`` (amount in the invoice
currency, before tax). Lines are matched on folded client + folded item; duplicates on either side are summed
first (quantity and amount; unit price = amount / quantity), because one service billed in two pieces (a mid-month
addition, a split invoice) is still one charge to compare.

Every line given is either compared or counted under one reason it was not (NOT_COMPARED: dated outside the period,
without a date, without a quantity or amount, a number that is not finite, a number beyond any real invoice), so
``read == compared + sum(not_compared)`` for each side (summary ``source_lines``). Lines left out for their numbers
also get a warning naming their file and row. Lines that repeat another line of their side exactly are warned about
too (they are still summed).

Money is exact (:mod:`readiness.reconcile.money`): each line's amount is rounded half-up to the currency's minor unit
as an invoice prints it, then summed and subtracted as Decimals. Unit prices (amount / quantity) are worked out from
the unrounded amounts and kept to 4 decimals.

Name folding: case, accents, spaces and punctuation are ignored and ``&`` reads as ``and``. Client names also drop
trailing legal-form words (Ltd, Limited, Inc, LLC, LLP, PLC, Corp, GmbH, Pty, ...): the same customer is often
"Acme Ltd" in one system and "Acme Limited" or "Acme" in the other, while two different customers of one MSP that
differ only by legal form are rare — and when two names do fold together the run says so in its warnings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd

from readiness.reconcile.errors import ReconcileError
from readiness.reconcile.money import (check_code, json_number, minor_unit, quantum, round_money, round_price,
                                       to_decimal)

STATUSES = ["match", "quantity", "price", "quantity_and_price", "missing_in_halo", "missing_in_autotask"]
COLUMNS = ["client", "item", "autotask_qty", "autotask_unit_price", "autotask_amount", "halo_qty", "halo_unit_price",
           "halo_amount", "status", "difference", "currency"]
MONEY_COLUMNS = ["autotask_amount", "halo_amount", "difference"]
PRICE_COLUMNS = ["autotask_unit_price", "halo_unit_price"]
QTY_COLUMNS = ["autotask_qty", "halo_qty"]
LINE_FIELDS = ["client", "item", "quantity", "unit_price", "amount", "date"]
# Optional per line: where it was read ("halo.csv row 7"; default "line N") and why it cannot be compared (a reader
# finding, e.g. the text "NaN" in an amount cell, which reads as empty once parsed).
SOURCE_FIELDS = ["source", "problem"]
# No real invoice line has an absolute quantity, unit price or amount above a trillion units of the invoice
# currency; a bigger value is a corrupt cell, an overflow or a unit mix-up (1e308 is the largest float), and would
# swamp every total it is added to.
ABSURD_AMOUNT = 1e12
_SHOWN_REPEATS = 10  # repeated lines named one by one in the warnings; the rest are counted
DEFAULT_TOLERANCE = 0.01  # one minor unit of a 2-decimal currency; a tolerance of None means one minor unit
# Why a line given to the comparison was not compared, in the order the reasons are checked (a line is counted
# under the first that applies). "non_billable" and the loader's "not_finite" rows are counted by the Autotask
# reader before the lines get here (readiness.reconcile.command adds them).
NOT_COMPARED = ["non_billable", "no_date", "outside_period", "no_quantity", "no_amount", "not_finite", "absurd"]
_LEGAL_FORMS = ("ltd", "limited", "inc", "incorporated", "llc", "llp", "lp", "plc", "corp", "corporation", "co",
                "gmbh", "ag", "bv", "nv", "pty", "pte", "sa", "sarl", "srl")
_LEGAL_TAIL = r"(?:\s+(?:" + "|".join(_LEGAL_FORMS) + r"))+$"


@dataclass
class Reconciliation:
    """One period's comparison. `lines` has COLUMNS plus detail columns (client keys, Halo client name, how many
    source lines were summed); `client_totals` one row per client; `summary` is what summary.json holds."""

    period: str
    tolerance: Decimal
    lines: pd.DataFrame
    client_totals: pd.DataFrame
    summary: dict
    warnings: list[str] = field(default_factory=list)
    currency: str | None = None  # ISO 4217 code; None when no input names it
    minor_unit: int = 2  # decimals of the currency's minor unit (ISO 4217)
    totals: dict = field(default_factory=dict)  # autotask_amount, halo_amount, difference as exact Decimals

    def differences(self) -> pd.DataFrame:
        """Lines that are not a match, largest absolute difference first."""
        diff = self.lines[self.lines["status"] != "match"]
        return diff.reindex(diff["difference"].abs().sort_values(ascending=False, kind="stable").index)


def fold_names(names: pd.Series, legal_forms: bool = False) -> pd.Series:
    """Comparable key for names: lowercase ASCII letters and digits only; `legal_forms` drops trailing Ltd/Inc/..."""
    text = (names.astype("string").fillna("").str.normalize("NFKD").str.encode("ascii", "ignore").str.decode("ascii")
            .str.lower().str.replace("&", " and ", regex=False).str.replace(r"[^a-z0-9]+", " ", regex=True).str.strip())
    if legal_forms:
        # The pattern needs a word before the legal form, so a name that is only "Co" or "Ltd" keeps it.
        text = text.str.replace(_LEGAL_TAIL, "", regex=True)
    return text.str.replace(" ", "", regex=False)


def check_period(period: str | None) -> pd.Period | None:
    """Parse a YYYY-MM period; None means every line in both files."""
    if period in (None, ""):
        return None
    try:
        if not pd.Series([str(period)]).str.fullmatch(r"\d{4}-\d{2}").iloc[0]:
            raise ValueError
        return pd.Period(str(period), freq="M")
    except ValueError as exc:
        raise ReconcileError(f"period {period!r} is not a month in the form YYYY-MM (e.g. 2025-06)") from exc


def reconcile_lines(autotask: pd.DataFrame, halo: pd.DataFrame, period: str | None = None,
                    client_map: pd.DataFrame | None = None, tolerance=None,
                    currency: str | None = None) -> Reconciliation:
    """Compare two sets of billing lines (LINE_FIELDS). `client_map` has columns autotask_name, halo_name.
    `currency` is the ISO 4217 code both sides invoice in (None: unknown, amounts get 2 decimals). `tolerance`
    (currency units; None = one minor unit of the currency, 0.01 for GBP, 1 for JPY) applies to unit price and
    amount: smaller differences are rounding."""
    try:
        currency = check_code(currency, "currency")
    except ValueError as exc:
        raise ReconcileError(str(exc)) from None
    exponent = minor_unit(currency)
    tol = _tolerance(tolerance, exponent)
    per = check_period(period)
    warnings: list[str] = []
    at, at_side = _in_period(autotask, per)
    ha, ha_side = _in_period(halo, per)
    warnings += [f"{side['not_compared']['no_date']} {name} line(s) have no date and are left out of {per}"
                 for name, side in (("Autotask", at_side), ("HaloPSA", ha_side)) if side["not_compared"]["no_date"]]
    at, at_unusable = _usable(at, "Autotask", at_side)
    ha, ha_unusable = _usable(ha, "HaloPSA", ha_side)
    warnings += at_unusable + ha_unusable
    at, ha = _exact(at, exponent), _exact(ha, exponent)
    at["client_key"] = fold_names(at["client"], legal_forms=True)
    ha["client_key"] = fold_names(ha["client"], legal_forms=True)
    at["client_key"], mapped, map_warnings = _apply_client_map(at, ha, client_map)
    warnings += map_warnings
    warnings += _collisions(at, "Autotask") + _collisions(ha, "HaloPSA")
    at["item_key"] = fold_names(at["item"])
    ha["item_key"] = fold_names(ha["item"])
    at_repeats, at_repeated = _repeats(at, "Autotask")
    ha_repeats, ha_repeated = _repeats(ha, "HaloPSA")
    warnings += at_repeats + ha_repeats
    lines = _classify(_aggregate(at), _aggregate(ha), tol, exponent)
    lines["currency"] = pd.Series(currency, index=lines.index, dtype="string")
    label = str(per) if per is not None else _label_for(autotask, halo)
    if per is None and label == "all":
        warnings.append("no period given and the files cover several months: each client + item is compared "
                        "summed over all of them; give a period (YYYY-MM) to compare one billing cycle")
    for side, df in (("Autotask billing items", at), ("HaloPSA invoice lines", ha)):
        if df.empty:
            where = f"in {label}" if per is not None else "at all"
            warnings.append(f"no {side} {where}: check the period and the file")
    totals = client_totals(lines)
    exact = {c: dsum(lines[c]) for c in MONEY_COLUMNS}
    at_side.update(compared=int(len(at)), repeated=at_repeated)
    ha_side.update(compared=int(len(ha)), repeated=ha_repeated)
    summary = {
        "period": label,
        "currency": currency,
        "minor_unit": exponent,
        "rounding": "each line's amount rounded half-up (ROUND_HALF_UP) to the currency's minor unit, then summed "
                    "exactly",
        "tolerance": float(tol),
        "totals": {c: json_number(v, exponent) for c, v in exact.items()},
        "counts": {s: int((lines["status"] == s).sum()) for s in STATUSES},
        "lines": int(len(lines)),
        "clients": int(lines["client_key"].nunique()),
        "clients_with_differences": int((totals[STATUSES[1:]].sum(axis=1) > 0).sum()),
        "source_lines": {"autotask": _side_summary(at_side), "halo": _side_summary(ha_side)},
        "client_map": {"entries": 0 if client_map is None else int(len(client_map)), "applied": mapped},
        "warnings": warnings,
    }
    return Reconciliation(label, tol, lines, totals, summary, warnings, currency, exponent, exact)


def _tolerance(value, exponent: int) -> Decimal:
    """The tolerance as a Decimal (a float is read back through its repr, so 0.01 is exactly 0.01)."""
    if value is None:
        return quantum(exponent)
    tol = to_decimal(value)
    if tol is None or tol < 0:
        raise ReconcileError(f"tolerance {value!r} must be a number of currency units >= 0 (e.g. 0.01)")
    return tol


def _side_summary(side: dict) -> dict:
    """One side's line accounting for summary.json: read = compared + every not-compared reason, plus the
    counts earlier versions gave (in_period, outside_period, unusable)."""
    reasons = {k: int(v) for k, v in side["not_compared"].items() if v}
    reasons = {k: reasons[k] for k in sorted(reasons, key=_reason_order)}
    unusable = sum(reasons.get(k, 0) for k in ("no_quantity", "no_amount", "not_finite", "absurd"))
    return {"read": int(side["read"]), "compared": int(side["compared"]), "not_compared": reasons,
            "in_period": int(side["compared"]) + unusable, "outside_period": reasons.get("outside_period", 0)
            + reasons.get("no_date", 0), "unusable": unusable, "repeated": int(side["repeated"])}


def add_not_compared(side: dict, reason: str, n: int) -> None:
    """Count `n` more lines of one side (a summary ``source_lines`` entry) read and not compared for `reason`
    (lines a reader dropped before the comparison saw them), keeping read = compared + not compared."""
    if not n:
        return
    side["read"] += int(n)
    reasons = {**side["not_compared"], reason: side["not_compared"].get(reason, 0) + int(n)}
    side["not_compared"] = {k: reasons[k] for k in sorted(reasons, key=_reason_order)}
    if reason in ("no_quantity", "no_amount", "not_finite", "absurd"):
        side["unusable"] += int(n)


def _reason_order(key: str) -> int:
    return NOT_COMPARED.index(key) if key in NOT_COMPARED else len(NOT_COMPARED)


def _in_period(lines: pd.DataFrame, per: pd.Period | None) -> tuple[pd.DataFrame, dict]:
    """Lines of the period (all lines when no period) and the side's line accounting so far: lines read, and
    not compared because undated or dated outside the period."""
    missing = [c for c in LINE_FIELDS if c not in lines]
    if missing:
        raise ReconcileError(f"billing lines lack column(s) {', '.join(missing)}")
    df = lines[LINE_FIELDS + [c for c in SOURCE_FIELDS if c in lines]].copy()
    if "source" not in df:
        df["source"] = "line " + pd.Series(range(1, len(df) + 1), index=df.index).astype(str)
    side = {"read": int(len(df)), "not_compared": dict.fromkeys(NOT_COMPARED, 0)}
    if per is None:
        return df.reset_index(drop=True), side
    months = pd.to_datetime(df["date"]).dt.to_period("M")
    keep = (months == per).fillna(False).astype(bool)
    undated = int(months.isna().sum())
    side["not_compared"].update(no_date=undated, outside_period=int((~keep).sum()) - undated)
    return df[keep].reset_index(drop=True), side


def _usable(df: pd.DataFrame, side_name: str, side: dict) -> tuple[pd.DataFrame, list[str]]:
    """The lines that can be compared, and one warning per line left out: a reader's `problem`, or a quantity,
    unit price or amount that is missing, not a finite number or above ABSURD_AMOUNT (a unit price may be
    missing). Each line left out is counted in `side` under its first reason."""
    problem = df["problem"].astype("string") if "problem" in df else pd.Series(pd.NA, index=df.index, dtype="string")
    reason = pd.Series(pd.NA, index=df.index, dtype="string").mask(problem.notna(), "not_finite")
    for col, label in (("quantity", "quantity"), ("amount", "amount"), ("unit_price", "unit price")):
        values = pd.to_numeric(df[col], errors="coerce").astype(float)
        given = df[col].notna().to_numpy()
        with np.errstate(invalid="ignore"):
            absurd = given & (np.abs(values.to_numpy()) > ABSURD_AMOUNT)
        nonfinite = given & ~np.isfinite(values.to_numpy())
        text = values.map("{:g}".format).astype("string")
        shown = df["source"].astype("string") + ": " + label + " "
        checks = [(shown + text + " is not a finite number", nonfinite, "not_finite"),
                  (shown + text + f" is beyond any real invoice line (over {ABSURD_AMOUNT:g})", absurd, "absurd")]
        if col != "unit_price":  # HaloPSA lines may give a net amount without a unit price
            checks.insert(0, (shown + "is missing", ~given, "no_" + col))
        for message, mask, key in checks:
            new = problem.isna().to_numpy() & mask
            problem = problem.mask(new, message)
            reason = reason.mask(new, key)
    bad = problem.notna().to_numpy()
    for key, n in reason[bad].value_counts().items():
        side["not_compared"][key] += int(n)
    warnings = (side_name + " " + problem[bad] + "; the line is left out of the comparison").tolist()
    return df[~bad].reset_index(drop=True), warnings


def _exact(df: pd.DataFrame, exponent: int) -> pd.DataFrame:
    """`df` with quantity and amount as exact Decimals: ``amount_exact`` as given, ``amount`` rounded half-up to
    the minor unit (the line as an invoice prints it), ``quantity`` as given."""
    df = df.copy()
    df["quantity"] = pd.Series([to_decimal(v) for v in df["quantity"]], index=df.index, dtype=object)
    exact = [to_decimal(v) for v in df["amount"]]
    df["amount_exact"] = pd.Series(exact, index=df.index, dtype=object)
    df["amount"] = pd.Series([round_money(v, exponent) for v in exact], index=df.index, dtype=object)
    return df


def dsum(values) -> Decimal:
    """Exact sum of Decimals, skipping missing values (None, NaN)."""
    return sum((v for v in map(to_decimal, values) if v is not None), Decimal(0))


def _repeats(df: pd.DataFrame, side: str) -> tuple[list[str], int]:
    """Warnings for lines that repeat another line of their side exactly, and how many lines do.

    "The same line" is the same client and item (the match keys, after folding and the client map), quantity, unit
    price, amount and day. Such lines are still summed like any two pieces of one charge, but an exact repeat is
    more often one line exported or invoiced twice, which would double that charge on one side."""
    keys = ["client_key", "item_key", "quantity", "unit_price", "amount", "day"]
    df = df.assign(day=pd.to_datetime(df["date"]).dt.normalize())
    repeated = df[df.duplicated(keys, keep=False)]
    if repeated.empty:
        return [], 0
    groups = repeated.groupby(keys, dropna=False, sort=False).agg(
        client=("client", "first"), item=("item", "first"), sources=("source", list), n=("source", "size"))
    warnings = [f"{side} line {g.client!r} / {g.item!r} ({_g(g.quantity)} x {_g(g.unit_price)} = {_g(g.amount)} on "
                f"{_day(g.day)}) appears {g.n} times ({', '.join(map(str, g.sources))}); they are summed: check the "
                "line is not billed twice" for g in groups.reset_index().head(_SHOWN_REPEATS).itertuples()]
    if len(groups) > _SHOWN_REPEATS:
        warnings.append(f"{side}: {len(groups) - _SHOWN_REPEATS} more repeated line(s) not listed here")
    return warnings, int(len(repeated))


def _g(x) -> str:
    return "?" if pd.isna(x) else f"{float(x):g}"


def _day(x) -> str:
    return "no date" if pd.isna(x) else pd.Timestamp(x).date().isoformat()


def _label_for(autotask: pd.DataFrame, halo: pd.DataFrame) -> str:
    """The single month both files cover, else "all"."""
    months = pd.concat([pd.to_datetime(autotask["date"]), pd.to_datetime(halo["date"])]).dropna().dt.to_period("M")
    return str(months.iloc[0]) if months.nunique() == 1 else "all"


def _apply_client_map(at: pd.DataFrame, ha: pd.DataFrame,
                      client_map: pd.DataFrame | None) -> tuple[pd.Series, int, list[str]]:
    """Autotask client keys with renamed clients replaced by their HaloPSA key; count applied; warn on unused."""
    if client_map is None or client_map.empty:
        return at["client_key"], 0, []
    src = fold_names(client_map["autotask_name"], legal_forms=True)
    dst = fold_names(client_map["halo_name"], legal_forms=True)
    mapping = dict(zip(src, dst))
    keys = at["client_key"].replace(mapping)
    used = src.isin(at["client_key"])
    found = dst.isin(ha["client_key"])
    warnings = ("client map: Autotask client " + client_map.loc[~used, "autotask_name"].astype(str).map(repr)
                + " has no billing lines in the period").tolist()
    warnings += ("client map: HaloPSA client " + client_map.loc[used & ~found, "halo_name"].astype(str).map(repr)
                 + " has no invoice lines in the period").tolist()
    return keys, int(at["client_key"].isin(src[used]).sum()), warnings


def _collisions(df: pd.DataFrame, side: str) -> list[str]:
    """Warn when different spellings fold to one client key: their lines are compared as one client."""
    names = df.groupby("client_key")["client"].unique()
    multi = names[names.map(len) > 1]
    return [f"{side} client names {', '.join(map(repr, sorted(map(str, v))))} are treated as one client"
            for v in multi]


def _aggregate(df: pd.DataFrame) -> pd.DataFrame:
    """One row per client + item: first spelling of the names, exact sums of quantity, rounded amount and
    unrounded amount, line count."""
    g = df.groupby(["client_key", "item_key"], sort=False)
    out = g.agg(client=("client", "first"), item=("item", "first"), source_lines=("item", "size"))
    for col, src in (("qty", "quantity"), ("amount", "amount"), ("exact", "amount_exact")):
        out[col] = g[src].agg(dsum) if len(df) else pd.Series(dtype=object)
    return out.reset_index()


def _classify(at: pd.DataFrame, ha: pd.DataFrame, tol: Decimal, exponent: int) -> pd.DataFrame:
    """Outer-join both sides on client + item keys and give each pair its status and difference.

    Quantities are compared exactly; amounts (rounded per line) and unit prices (from the unrounded amounts) are
    equal within `tol`, a difference of exactly `tol` included."""
    m = at.merge(ha, on=["client_key", "item_key"], how="outer", suffixes=("_at", "_ha"), indicator=True)
    side = m["_merge"].astype(str).tolist()
    aq, hq = _dec(m["qty_at"]), _dec(m["qty_ha"])
    aa, ha_ = _dec(m["amount_at"]), _dec(m["amount_ha"])
    ap = [_unit(x, q) for x, q in zip(_dec(m["exact_at"]), aq)]
    hp = [_unit(x, q) for x, q in zip(_dec(m["exact_ha"]), hq)]
    status = [_status(*row, tol) for row in zip(side, aq, hq, aa, ha_, ap, hp)]
    # A client present on both sides keeps its Autotask spelling on every line, its HaloPSA-only lines included.
    at_name = at.drop_duplicates("client_key").set_index("client_key")["client"]
    obj = lambda values: pd.Series(values, index=m.index, dtype=object)  # noqa: E731 - Decimals or None
    out = pd.DataFrame({
        "client": m["client_key"].map(at_name).astype("string").fillna(m["client_ha"].astype("string")),
        "item": m["item_at"].astype("string").fillna(m["item_ha"].astype("string")),
        "autotask_qty": obj(aq), "autotask_unit_price": obj([round_price(x, exponent) for x in ap]),
        "autotask_amount": obj(aa),
        "halo_qty": obj(hq), "halo_unit_price": obj([round_price(x, exponent) for x in hp]), "halo_amount": obj(ha_),
        "status": pd.Series(status, index=m.index, dtype="string"),
        "difference": obj([(h or Decimal(0)) - (a or Decimal(0)) for a, h in zip(aa, ha_)]),
    })
    out["halo_client"] = m["client_ha"].astype("string")
    out["autotask_lines"] = m["source_lines_at"].fillna(0).astype(int)
    out["halo_lines"] = m["source_lines_ha"].fillna(0).astype(int)
    out["client_key"] = m["client_key"].astype("string")
    out["item_key"] = m["item_key"].astype("string")
    order = out.assign(_c=out["client"].str.lower(), _i=out["item"].str.lower()).sort_values(["_c", "_i"]).index
    return out.loc[order].reset_index(drop=True)


def _status(side: str, aq, hq, aa, ha, ap, hp, tol: Decimal) -> str:
    if side == "left_only":
        return "missing_in_halo"
    if side == "right_only":
        return "missing_in_autotask"
    qty_same = aq == hq
    if qty_same and abs(ha - aa) <= tol:
        return "match"
    if qty_same:
        return "price"
    price_same = (ap is None and hp is None) or (ap is not None and hp is not None and abs(ap - hp) <= tol)
    return "quantity" if price_same else "quantity_and_price"


def client_totals(lines: pd.DataFrame) -> pd.DataFrame:
    """Per client: both sides' totals (exact sums of the rounded line amounts), the difference (HaloPSA -
    Autotask) and the number of lines per status."""
    g = lines.groupby("client_key", sort=False)
    totals = g.agg(client=("client", "first"), lines=("status", "size"))
    for col in MONEY_COLUMNS:
        totals[col] = g[col].agg(dsum) if len(lines) else pd.Series(dtype=object)
    counts = pd.crosstab(lines["client_key"], lines["status"]).reindex(columns=STATUSES, fill_value=0)
    out = totals.join(counts).fillna({s: 0 for s in STATUSES}).reset_index(drop=True)
    out = out[["client", *MONEY_COLUMNS, "lines", *STATUSES]]
    out[STATUSES] = out[STATUSES].astype(int)
    return out.sort_values("client", key=lambda s: s.str.lower(), kind="stable").reset_index(drop=True)


def _dec(s: pd.Series) -> list:
    return [to_decimal(v) for v in s]


def _unit(amount: Decimal | None, qty: Decimal | None) -> Decimal | None:
    """Unit price = amount / quantity; undefined (None) for a missing side or a zero quantity."""
    if amount is None or qty is None or qty == 0:
        return None
    return amount / qty
