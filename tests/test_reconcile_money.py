"""Reconciliation money and line accounting: exact half-up rounding to the currency's minor unit, the currency
shown in every output, and every line read either compared or counted under a reason."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readiness.config import SAMPLE_DIR
from readiness.reconcile import (NOT_COMPARED, ReconcileError, make_paired_sample, minor_unit, reconcile_command,
                                 reconcile_lines, resolve_currency, round_money, run_reconciliation, write_outputs)
from readiness.reconcile.money import to_decimal

SAMPLE = SAMPLE_DIR / "reconcile"


def lines(*rows, date="2025-06-01") -> pd.DataFrame:
    """Billing lines from (client, item, quantity, amount) tuples; unit price = amount / quantity."""
    df = pd.DataFrame(rows, columns=["client", "item", "quantity", "amount"])
    return df.assign(unit_price=df["amount"] / df["quantity"], date=pd.Timestamp(date))


def adds_up(side: dict) -> bool:
    return side["read"] == side["compared"] + sum(side["not_compared"].values())


# --- rounding -------------------------------------------------------------------------------------------------

def test_half_up_not_half_even_and_no_float_drift():
    assert round(0.105, 2) == 0.1  # what float rounding gives: 0.105 is 0.10499999999999999611... in binary
    assert round_money(to_decimal(0.105), 2) == Decimal("0.11")
    assert round_money(to_decimal(-0.105), 2) == Decimal("-0.11")  # halves go away from zero
    assert round_money(Decimal("0.125"), 2) == Decimal("0.13")  # banker's rounding would give 0.12
    assert round_money(Decimal("2.5"), 0) == Decimal("3")
    assert to_decimal(0.1) + to_decimal(0.2) == Decimal("0.3")


def test_three_lines_of_0_105_are_0_11_each_and_total_0_33_exactly(tmp_path):
    at = lines(*[("Acme", "Licence", 1, 0.105)] * 3)
    halo = lines(("Acme", "Licence", 3, 0.33))
    assert sum(round(x, 2) for x in at["amount"]) == pytest.approx(0.30)  # float rounding per line loses 3 cents
    rec = reconcile_lines(at, halo, currency="GBP", tolerance=0)
    row = rec.lines.iloc[0]
    assert row["autotask_amount"] == Decimal("0.33") and row["difference"] == 0 and row["status"] == "match"
    assert rec.totals["autotask_amount"] == Decimal("0.33")
    write_outputs(rec, tmp_path, pdf=False)
    csv = (tmp_path / "reconciliation.csv").read_text().splitlines()
    # Unit prices are rates, worked out from the unrounded amounts (0.315 / 3): 4 decimals at most.
    assert csv[1] == "Acme,Licence,3,0.105,0.33,3,0.11,0.33,match,0.00,GBP"
    assert '"autotask_amount": 0.33' in (tmp_path / "summary.json").read_text()


def test_sums_and_differences_are_exact():
    at = lines(("Acme", "Backup", 1, 0.1), ("Acme", "Backup", 1, 0.2), ("Acme", "Server", 1, 1234567.89))
    halo = lines(("Acme", "Backup", 2, 0.3), ("Acme", "Server", 1, 1234567.9))
    rec = reconcile_lines(at, halo, tolerance=0)
    by_item = rec.lines.set_index("item")
    assert by_item.loc["Backup", "status"] == "match"  # 0.1 + 0.2 == 0.3 exactly, even with no tolerance
    assert by_item.loc["Server", "difference"] == Decimal("0.01")
    assert rec.totals["difference"] == Decimal("0.01")
    assert rec.summary["totals"] == {"autotask_amount": 1234568.19, "halo_amount": 1234568.2, "difference": 0.01}


def test_jpy_has_no_decimals_and_a_tolerance_of_one_yen(tmp_path):
    assert minor_unit("JPY") == 0 and minor_unit("jpy") == 0 and minor_unit("KRW") == 0
    at = lines(("Sakura KK", "Managed Server", 3, 37500.4), ("Sakura KK", "Backup", 1, 1200.5))
    halo = lines(("Sakura KK", "Managed Server", 3, 37501), ("Sakura KK", "Backup", 1, 1203))
    rec = reconcile_lines(at, halo, currency="JPY")
    assert rec.tolerance == 1
    by_item = rec.lines.set_index("item")
    assert by_item.loc["Managed Server", "autotask_amount"] == 37500  # 37500.4 rounds down
    assert by_item.loc["Managed Server", "status"] == "match"  # 1 yen apart: within one minor unit
    assert by_item.loc["Backup", "autotask_amount"] == 1201  # 1200.5 rounds half up
    assert by_item.loc["Backup", "status"] == "price" and by_item.loc["Backup", "difference"] == 2
    write_outputs(rec, tmp_path, pdf=False)
    csv = pd.read_csv(tmp_path / "reconciliation.csv", dtype=str).set_index("item")
    assert csv.loc["Backup", "autotask_amount"] == "1201" and csv.loc["Backup", "difference"] == "2"
    assert csv.loc["Managed Server", "halo_amount"] == "37501" and set(csv["currency"]) == {"JPY"}
    assert json.loads((tmp_path / "summary.json").read_text())["totals"]["autotask_amount"] == 38701
    html = (tmp_path / "reconciliation.html").read_text()
    assert "38,701" in html and "38,701.00" not in html and '<span class="thcur">JPY</span>' in html


@pytest.mark.parametrize("code", ["BHD", "KWD", "OMR", "JOD", "TND"])
def test_three_decimal_currencies(tmp_path, code):
    assert minor_unit(code) == 3
    rec = reconcile_lines(lines(("Gulf Co", "Support", 1, 10.0005)), lines(("Gulf Co", "Support", 1, 10.001)),
                          currency=code)
    row = rec.lines.iloc[0]
    assert row["autotask_amount"] == Decimal("10.001") and row["status"] == "match"
    write_outputs(rec, tmp_path, pdf=False)
    totals = pd.read_csv(tmp_path / "client_totals.csv", dtype=str).iloc[0]
    assert (totals["autotask_amount"], totals["difference"], totals["currency"]) == ("10.001", "0.000", code)
    assert "10.001" in (tmp_path / "reconciliation.html").read_text()


def test_bad_currency_or_tolerance_is_a_clear_error():
    with pytest.raises(ReconcileError, match="three-letter ISO 4217"):
        reconcile_lines(lines(("A", "B", 1, 1.0)), lines(("A", "B", 1, 1.0)), currency="pounds")
    with pytest.raises(ReconcileError, match="tolerance"):
        reconcile_lines(lines(("A", "B", 1, 1.0)), lines(("A", "B", 1, 1.0)), tolerance="abc")


# --- where the currency comes from -----------------------------------------------------------------------------

def _sample_copy(tmp_path, client_yaml: str | None = None):
    at_dir = tmp_path / "autotask"
    shutil.copytree(SAMPLE / "autotask", at_dir)
    if client_yaml is not None:
        (at_dir / "client.yaml").write_text(client_yaml)
    return at_dir


def test_currency_from_client_yaml_is_shown_in_csv_html_terminal_and_summary(tmp_path, capsys):
    at_dir = _sample_copy(tmp_path, "name: Sample MSP\ncurrency: gbp\n")
    out = tmp_path / "out"
    assert reconcile_command(at_dir, SAMPLE / "halo_invoice_lines.csv", out, period="2025-06",
                             client_map=SAMPLE / "client_map.csv", pdf=False) == 0
    printed = capsys.readouterr().out
    assert "amounts in GBP" in printed and "difference (HaloPSA - Autotask) -108.94 GBP" in printed
    csv = pd.read_csv(out / "reconciliation.csv", dtype=str)
    assert set(csv["currency"]) == {"GBP"}
    assert set(pd.read_csv(out / "client_totals.csv", dtype=str)["currency"]) == {"GBP"}
    amounts = csv[["autotask_amount", "halo_amount", "difference"]].stack().dropna()
    assert len(amounts) == 3 * len(csv) - 2  # one line missing on each side
    assert amounts.str.fullmatch(r"[+-]?\d+\.\d{2}").all()  # exactly the minor unit's decimals, no float noise
    summary = json.loads((out / "summary.json").read_text())
    assert (summary["currency"], summary["currency_source"], summary["minor_unit"]) == ("GBP", "client.yaml", 2)
    assert "currency_note" not in summary
    html = (out / "reconciliation.html").read_text()
    assert html.count('<span class="thcur">GBP</span>') == 6  # every money column of both tables
    assert "-108.94 <span class=\"cur\">GBP</span>" in html and "Amounts in GBP from the Autotask export" in html


def test_currency_from_the_halo_file_when_client_yaml_has_none(tmp_path):
    at_dir, halo_json = make_paired_sample(tmp_path, halo_format="json-invoices")
    doc = json.loads(halo_json.read_text())
    for inv in doc["invoices"]:
        inv.update(currency="\u20ac", currency_code=2, currency_code_name="EUR")
    halo_json.write_text(json.dumps(doc))
    rec = run_reconciliation(at_dir, halo_json, "2025-06", SAMPLE / "client_map.csv")
    assert (rec.currency, rec.summary["currency_source"]) == ("EUR", "HaloPSA file")
    assert set(rec.lines["currency"]) == {"EUR"}
    (at_dir / "client.yaml").write_text("currency: GBP\n")  # client.yaml wins, and the clash is warned about
    rec = run_reconciliation(at_dir, halo_json, "2025-06", SAMPLE / "client_map.csv")
    assert rec.currency == "GBP" and any("HaloPSA invoice lines are in EUR" in w for w in rec.warnings)


def test_unknown_currency_shows_bare_numbers_with_a_note(tmp_path):
    out = tmp_path / "out"
    assert reconcile_command(SAMPLE / "autotask", SAMPLE / "halo_invoice_lines.csv", out, period="2025-06",
                             client_map=SAMPLE / "client_map.csv", pdf=False) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["currency"] is None and "currency unknown" in summary["currency_note"]
    html = (out / "reconciliation.html").read_text()
    assert "Note: currency unknown" in html and 'class="thcur"' not in html
    assert pd.read_csv(out / "reconciliation.csv")["currency"].isna().all()
    code, source, note, _ = resolve_currency(None, {}, pd.Series(["\u00a3", "\u00a3"]))
    assert code is None and source is None and "only '\u00a3'" in note
    code, _, note, warnings = resolve_currency(None, None, pd.Series(["GBP", "EUR"]))
    assert code is None and "several" in note and "2 currencies (GBP, EUR)" in warnings[0]
    with pytest.raises(ReconcileError, match="client.yaml: currency 'pounds'"):
        resolve_currency(None, {"currency": "pounds"})


def test_bad_client_yaml_currency_stops_the_command(tmp_path, capsys):
    at_dir = _sample_copy(tmp_path, "currency: sterling\n")
    assert reconcile_command(at_dir, SAMPLE / "halo_invoice_lines.csv", tmp_path / "out", period="2025-06") == 2
    assert "client.yaml: currency 'sterling' is not a three-letter ISO 4217 code" in capsys.readouterr().err


# --- every line read is compared or counted ---------------------------------------------------------------------

def test_sample_lines_read_are_compared_or_counted_with_a_reason(tmp_path, capsys):
    out = tmp_path / "out"
    assert reconcile_command(SAMPLE / "autotask", SAMPLE / "halo_invoice_lines.csv", out, period="2025-06",
                             client_map=SAMPLE / "client_map.csv") == 0
    printed = capsys.readouterr().out
    summary = json.loads((out / "summary.json").read_text())
    at, ha = summary["source_lines"]["autotask"], summary["source_lines"]["halo"]
    assert at["read"] == len(pd.read_csv(SAMPLE / "autotask" / "BillingItems.csv"))
    assert ha["read"] == len(pd.read_csv(SAMPLE / "halo_invoice_lines.csv"))
    assert at["not_compared"] == {"non_billable": 1, "outside_period": 2}
    assert ha["not_compared"] == {"outside_period": 2}
    assert adds_up(at) and adds_up(ha)
    lines_csv = pd.read_csv(out / "reconciliation.csv")
    rec = run_reconciliation(SAMPLE / "autotask", SAMPLE / "halo_invoice_lines.csv", "2025-06",
                             SAMPLE / "client_map.csv")
    assert rec.lines["autotask_lines"].sum() == at["compared"] and rec.lines["halo_lines"].sum() == ha["compared"]
    assert len(lines_csv) == summary["lines"]
    assert "Autotask lines read: 18, compared 15, not compared: 1 non-billable (never invoiced), 2 dated outside " \
           "2025-06" in printed
    html = (out / "reconciliation.html").read_text()
    for text in ("Lines read and compared", "Not compared: dated outside 2025-06",
                 "Not compared: non-billable (never invoiced)", "Autotask: 18 lines read, 15 compared, 3 not compared"):
        assert text in html


def test_every_reason_is_counted_once_on_both_sides(tmp_path):
    at_dir, halo_file = make_paired_sample(tmp_path)
    items = pd.read_csv(at_dir / "BillingItems.csv", dtype=str, keep_default_na=False)
    june = items.index[items["itemDate"].str.startswith("2025-06") & (items["nonBillable"] == "False")]
    items.loc[june[0], "itemDate"] = ""  # no date
    items.loc[june[1], "extendedPrice"] = "1e308"  # absurd
    items.loc[june[2], "extendedPrice"] = "inf"  # the loader rejects it or reads infinity: not finite either way
    items.to_csv(at_dir / "BillingItems.csv", index=False)
    halo = pd.read_csv(halo_file, dtype=str, keep_default_na=False)
    hj = halo.index[halo["invoice_date"].str.startswith("2025-06")]
    halo.loc[hj[0], ["net_amount", "unit_price"]] = ["", ""]  # no amount at all: the reader stops on it, so...
    halo = halo.drop(index=hj[0])  # ...it is not a line; NaN text is one
    halo.loc[hj[1], "net_amount"] = "NaN"
    halo.to_csv(halo_file, index=False)
    rec = run_reconciliation(at_dir, halo_file, "2025-06", SAMPLE / "client_map.csv")
    at, ha = rec.summary["source_lines"]["autotask"], rec.summary["source_lines"]["halo"]
    assert at["read"] == len(items) and ha["read"] == len(halo)
    assert at["not_compared"]["no_date"] == 1 and at["not_compared"]["absurd"] == 1
    assert at["not_compared"]["not_finite"] == 1 and at["not_compared"]["non_billable"] == 1
    assert ha["not_compared"]["not_finite"] == 1
    assert list(at["not_compared"]) == [k for k in NOT_COMPARED if k in at["not_compared"]]  # stated order
    assert adds_up(at) and adds_up(ha)
    assert rec.lines["autotask_lines"].sum() == at["compared"] and rec.lines["halo_lines"].sum() == ha["compared"]


_amounts = st.one_of(st.decimals(min_value=-10_000, max_value=10_000, places=3, allow_nan=False).map(float),
                     st.sampled_from([float("inf"), float("-inf"), float("nan"), None, 5e12]))
_quantities = st.one_of(st.integers(min_value=-5, max_value=50).map(float), st.sampled_from([None, float("inf")]))
_dates = st.sampled_from([pd.Timestamp("2025-06-01"), pd.Timestamp("2025-06-30"), pd.Timestamp("2025-05-31"),
                          pd.Timestamp("2025-07-01"), pd.NaT])
_line = st.tuples(st.sampled_from(["Acme Ltd", "ACME", "Beta", "Gamma"]), st.sampled_from(["Backup", "Server"]),
                  _quantities, _amounts, _dates)


def _frame(rows) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["client", "item", "quantity", "amount", "date"], dtype=object)
    df["unit_price"] = None
    df["date"] = pd.to_datetime(df["date"])
    return df


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_line, max_size=25), st.lists(_line, max_size=25), st.sampled_from(["2025-06", None]),
       st.sampled_from(["GBP", "JPY", "KWD", None]))
def test_generated_lines_are_all_compared_or_counted(at_rows, halo_rows, period, currency):
    rec = reconcile_lines(_frame(at_rows), _frame(halo_rows), period, currency=currency)
    for side, rows, col in (("autotask", at_rows, "autotask_lines"), ("halo", halo_rows, "halo_lines")):
        info = rec.summary["source_lines"][side]
        assert info["read"] == len(rows)
        assert adds_up(info), info
        assert int(rec.lines[col].sum()) == info["compared"]  # what was compared is what the lines hold
        assert set(info["not_compared"]) <= set(NOT_COMPARED) and all(v > 0 for v in info["not_compared"].values())
    # Totals are the exact sums of the rounded line amounts shown.
    exp = minor_unit(currency)
    for col in ("autotask_amount", "halo_amount", "difference"):
        shown = [v for v in rec.lines[col] if v is not None]
        assert all(v == round_money(v, exp) for v in shown)
        assert rec.totals[col] == sum(shown, Decimal(0))
