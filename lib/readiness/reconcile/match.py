"""Match Autotask billing lines with HaloPSA invoice lines for one period and classify every pair.

Both sides arrive as *billing lines*: ``client, item, quantity, unit_price, amount, date`` (amount in the invoice
currency, before tax). Lines are matched on folded client + folded item; duplicates on either side are summed
first (quantity and amount; unit price = amount / quantity), because one service billed in two pieces (a mid-month
addition, a split invoice) is still one charge to compare.

Lines that cannot be compared are left out with a warning naming their file and row: a quantity, unit price or
amount that is not a finite number (inf, NaN) or beyond any real invoice (ABSURD_AMOUNT). Lines that repeat another
line of their side exactly are warned about too (they are still summed).

Name folding: case, accents, spaces and punctuation are ignored and ``&`` reads as ``and``. Client names also drop
trailing legal-form words (Ltd, Limited, Inc, LLC, LLP, PLC, Corp, GmbH, Pty, ...): the same customer is often
"Acme Ltd" in one system and "Acme Limited" or "Acme" in the other, while two different customers of one MSP that
differ only by legal form are rare — and when two names do fold together the run says so in its warnings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from readiness.reconcile.errors import ReconcileError

STATUSES = ["match", "quantity", "price", "quantity_and_price", "missing_in_halo", "missing_in_autotask"]
COLUMNS = ["client", "item", "autotask_qty", "autotask_unit_price", "autotask_amount", "halo_qty", "halo_unit_price",
           "halo_amount", "status", "difference"]
LINE_FIELDS = ["client", "item", "quantity", "unit_price", "amount", "date"]
# Optional per line: where it was read ("halo.csv row 7"; default "line N") and why it cannot be compared (a reader
# finding, e.g. the text "NaN" in an amount cell, which reads as empty once parsed).
SOURCE_FIELDS = ["source", "problem"]
# No real invoice line has an absolute quantity, unit price or amount above a trillion units of the invoice
# currency; a bigger value is a corrupt cell, an overflow or a unit mix-up (1e308 is the largest float), and would
# swamp every total it is added to.
ABSURD_AMOUNT = 1e12
_SHOWN_REPEATS = 10  # repeated lines named one by one in the warnings; the rest are counted
DEFAULT_TOLERANCE = 0.01
_QTY_EPSILON = 1e-6  # quantities are compared exactly; this only absorbs float noise from summing
_LEGAL_FORMS = ("ltd", "limited", "inc", "incorporated", "llc", "llp", "lp", "plc", "corp", "corporation", "co",
                "gmbh", "ag", "bv", "nv", "pty", "pte", "sa", "sarl", "srl")
_LEGAL_TAIL = r"(?:\s+(?:" + "|".join(_LEGAL_FORMS) + r"))+$"


@dataclass
class Reconciliation:
    """One period's comparison. `lines` has COLUMNS plus detail columns (client keys, Halo client name, how many
    source lines were summed); `client_totals` one row per client; `summary` is what summary.json holds."""

    period: str
    tolerance: float
    lines: pd.DataFrame
    client_totals: pd.DataFrame
    summary: dict
    warnings: list[str] = field(default_factory=list)

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
                    client_map: pd.DataFrame | None = None, tolerance: float = DEFAULT_TOLERANCE) -> Reconciliation:
    """Compare two sets of billing lines (LINE_FIELDS). `client_map` has columns autotask_name, halo_name.
    `tolerance` (currency units, default 0.01) applies to unit price and amount: smaller differences are rounding."""
    if tolerance is None or not np.isfinite(tolerance) or tolerance < 0:
        raise ReconcileError(f"tolerance {tolerance!r} must be a number of currency units >= 0 (e.g. 0.01)")
    per = check_period(period)
    warnings: list[str] = []
    at, at_out, at_undated = _in_period(autotask, per)
    ha, ha_out, ha_undated = _in_period(halo, per)
    warnings += [f"{n} {side} line(s) have no date and are left out of {per}"
                 for side, n in (("Autotask", at_undated), ("HaloPSA", ha_undated)) if n]
    at, at_unusable = _usable(at, "Autotask")
    ha, ha_unusable = _usable(ha, "HaloPSA")
    warnings += at_unusable + ha_unusable
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
    lines = _classify(_aggregate(at), _aggregate(ha), tolerance)
    label = str(per) if per is not None else _label_for(autotask, halo)
    if per is None and label == "all":
        warnings.append("no period given and the files cover several months: each client + item is compared "
                        "summed over all of them; give a period (YYYY-MM) to compare one billing cycle")
    for side, df in (("Autotask billing items", at), ("HaloPSA invoice lines", ha)):
        if df.empty:
            where = f"in {label}" if per is not None else "at all"
            warnings.append(f"no {side} {where}: check the period and the file")
    totals = client_totals(lines)
    summary = {
        "period": label,
        "tolerance": tolerance,
        "totals": {"autotask_amount": _money(lines["autotask_amount"].sum()),
                   "halo_amount": _money(lines["halo_amount"].sum()),
                   "difference": _money(lines["difference"].sum())},
        "counts": {s: int((lines["status"] == s).sum()) for s in STATUSES},
        "lines": int(len(lines)),
        "clients": int(lines["client_key"].nunique()),
        "clients_with_differences": int((totals[STATUSES[1:]].sum(axis=1) > 0).sum()),
        "source_lines": {"autotask": {"in_period": int(len(at)) + len(at_unusable), "outside_period": at_out,
                                      "unusable": len(at_unusable), "repeated": at_repeated},
                         "halo": {"in_period": int(len(ha)) + len(ha_unusable), "outside_period": ha_out,
                                  "unusable": len(ha_unusable), "repeated": ha_repeated}},
        "client_map": {"entries": 0 if client_map is None else int(len(client_map)), "applied": mapped},
        "warnings": warnings,
    }
    return Reconciliation(label, tolerance, lines, totals, summary, warnings)


def _in_period(lines: pd.DataFrame, per: pd.Period | None) -> tuple[pd.DataFrame, int, int]:
    """Lines of the period (all lines when no period), how many were left out, how many of those had no date."""
    missing = [c for c in LINE_FIELDS if c not in lines]
    if missing:
        raise ReconcileError(f"billing lines lack column(s) {', '.join(missing)}")
    df = lines[LINE_FIELDS + [c for c in SOURCE_FIELDS if c in lines]].copy()
    if "source" not in df:
        df["source"] = "line " + pd.Series(range(1, len(df) + 1), index=df.index).astype(str)
    if per is None:
        return df.reset_index(drop=True), 0, 0
    months = pd.to_datetime(df["date"]).dt.to_period("M")
    keep = (months == per).fillna(False).astype(bool)
    return df[keep].reset_index(drop=True), int((~keep).sum()), int(months.isna().sum())


def _usable(df: pd.DataFrame, side: str) -> tuple[pd.DataFrame, list[str]]:
    """The lines that can be compared, and one warning per line left out: a reader's `problem`, or a quantity,
    unit price or amount that is not a finite number or above ABSURD_AMOUNT (a unit price may be missing)."""
    problem = df["problem"].astype("string") if "problem" in df else pd.Series(pd.NA, index=df.index, dtype="string")
    for col, label in (("quantity", "quantity"), ("amount", "amount"), ("unit_price", "unit price")):
        values = pd.to_numeric(df[col], errors="coerce").astype(float)
        given = df[col].notna().to_numpy()
        with np.errstate(invalid="ignore"):
            absurd = given & (np.abs(values.to_numpy()) > ABSURD_AMOUNT)
        nonfinite = given & ~np.isfinite(values.to_numpy())
        text = values.map("{:g}".format).astype("string")
        shown = df["source"].astype("string") + ": " + label + " "
        if col != "unit_price":  # HaloPSA lines may give a net amount without a unit price
            problem = problem.fillna((shown + "is missing").where(~given))
        problem = problem.fillna((shown + text + " is not a finite number").where(nonfinite))
        problem = problem.fillna((shown + text + f" is beyond any real invoice line (over {ABSURD_AMOUNT:g})")
                                 .where(absurd))
    bad = problem.notna().to_numpy()
    warnings = (side + " " + problem[bad] + "; the line is left out of the comparison").tolist()
    return df[~bad].reset_index(drop=True), warnings


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
    """One row per client + item: first spelling of the names, summed quantity and amount, line count."""
    return (df.groupby(["client_key", "item_key"], sort=False)
            .agg(client=("client", "first"), item=("item", "first"), qty=("quantity", "sum"),
                 amount=("amount", "sum"), source_lines=("item", "size"))
            .reset_index())


def _classify(at: pd.DataFrame, ha: pd.DataFrame, tol: float) -> pd.DataFrame:
    """Outer-join both sides on client + item keys and give each pair its status and difference."""
    m = at.merge(ha, on=["client_key", "item_key"], how="outer", suffixes=("_at", "_ha"), indicator=True)
    both = (m["_merge"] == "both").to_numpy()
    aq, hq = _f(m["qty_at"]), _f(m["qty_ha"])
    aa, ha_ = _f(m["amount_at"]), _f(m["amount_ha"])
    ap, hp = _unit(aa, aq), _unit(ha_, hq)
    slack = tol + 1e-9  # a difference of exactly the tolerance is rounding, not a float artefact
    qty_same = np.abs(aq - hq) <= _QTY_EPSILON
    amount_same = np.abs(aa - ha_) <= slack
    price_same = (np.abs(ap - hp) <= slack) | (np.isnan(ap) & np.isnan(hp))
    status = np.select(
        [~both & (m["_merge"] == "left_only").to_numpy(), ~both, qty_same & amount_same, qty_same, price_same],
        ["missing_in_halo", "missing_in_autotask", "match", "price", "quantity"],
        default="quantity_and_price")
    # A client present on both sides keeps its Autotask spelling on every line, its HaloPSA-only lines included.
    at_name = at.drop_duplicates("client_key").set_index("client_key")["client"]
    out = pd.DataFrame({
        "client": m["client_key"].map(at_name).fillna(m["client_ha"]).astype("string"),
        "item": m["item_at"].fillna(m["item_ha"]).astype("string"),
        "autotask_qty": aq, "autotask_unit_price": ap, "autotask_amount": aa,
        "halo_qty": hq, "halo_unit_price": hp, "halo_amount": ha_,
        "status": status,
        "difference": np.nan_to_num(ha_) - np.nan_to_num(aa),
    })
    for col in COLUMNS[2:8] + ["difference"]:
        out[col] = pd.array(np.round(out[col].to_numpy(dtype=float), 4), dtype="Float64")
    out["status"] = out["status"].astype("string")
    out["halo_client"] = m["client_ha"].astype("string")
    out["autotask_lines"] = m["source_lines_at"].fillna(0).astype(int)
    out["halo_lines"] = m["source_lines_ha"].fillna(0).astype(int)
    out["client_key"] = m["client_key"].astype("string")
    out["item_key"] = m["item_key"].astype("string")
    order = out.assign(_c=out["client"].str.lower(), _i=out["item"].str.lower()).sort_values(["_c", "_i"]).index
    return out.loc[order].reset_index(drop=True)


def client_totals(lines: pd.DataFrame) -> pd.DataFrame:
    """Per client: both sides' totals, the difference (HaloPSA - Autotask) and the number of lines per status."""
    g = lines.groupby("client_key", sort=False)
    totals = g.agg(client=("client", "first"), autotask_amount=("autotask_amount", "sum"),
                   halo_amount=("halo_amount", "sum"), difference=("difference", "sum"), lines=("status", "size"))
    counts = pd.crosstab(lines["client_key"], lines["status"]).reindex(columns=STATUSES, fill_value=0)
    out = totals.join(counts).fillna({s: 0 for s in STATUSES}).reset_index(drop=True)
    for col in ("autotask_amount", "halo_amount", "difference"):
        out[col] = out[col].astype("Float64").round(4)
    out[STATUSES] = out[STATUSES].astype(int)
    return out.sort_values("client", key=lambda s: s.str.lower(), kind="stable").reset_index(drop=True)


def _f(s: pd.Series) -> np.ndarray:
    return pd.to_numeric(s, errors="coerce").astype(float).to_numpy()


def _unit(amount: np.ndarray, qty: np.ndarray) -> np.ndarray:
    """Unit price = amount / quantity; undefined (NaN) for a zero quantity."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(qty != 0, amount / qty, np.nan)


def _money(x: float) -> float:
    return round(float(x), 2)
