"""Billing reconciliation (Autotask BillingItems vs HaloPSA invoice lines): readers, matching, outputs, notebook."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from readiness.config import RECONCILIATION_NOTEBOOK, SAMPLE_DIR
from readiness.reconcile import (COLUMNS, STATUSES, ReconcileError, autotask_billing_lines, fold_names,
                                 make_paired_sample, read_client_map, read_halo_lines, reconcile_command,
                                 reconcile_lines, run_reconciliation, write_outputs)
from readiness.reconcile import explore

SAMPLE = SAMPLE_DIR / "reconcile"
HALO_HEADER = "invoicenumber,invoice_date,client_name,item_code,item_shortdescription,qty_order,unit_price,net_amount\n"


def lines(*rows, date="2025-06-01") -> pd.DataFrame:
    """Billing lines from (client, item, quantity, unit_price) tuples; amount = quantity * unit_price."""
    df = pd.DataFrame(rows, columns=["client", "item", "quantity", "unit_price"])
    return df.assign(amount=df["quantity"] * df["unit_price"], date=pd.Timestamp(date))


def status_of(rec, client: str, item: str) -> str:
    row = rec.lines[(rec.lines["client"] == client) & (rec.lines["item"] == item)]
    assert len(row) == 1, rec.lines
    return row["status"].iloc[0]


# --- classification -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("halo_row, expected", [
    (("Acme", "Managed Workstation", 10, 45.0), "match"),
    (("Acme", "Managed Workstation", 9, 45.0), "quantity"),
    (("Acme", "Managed Workstation", 10, 40.0), "price"),
    (("Acme", "Managed Workstation", 9, 40.0), "quantity_and_price"),
])
def test_each_classification_on_a_matched_pair(halo_row, expected):
    rec = reconcile_lines(lines(("Acme", "Managed Workstation", 10, 45.0)), lines(halo_row))
    assert status_of(rec, "Acme", "Managed Workstation") == expected
    row = rec.lines.iloc[0]
    assert row["difference"] == pytest.approx(halo_row[2] * halo_row[3] - 450.0)


def test_missing_on_either_side():
    rec = reconcile_lines(lines(("Acme", "Backup", 2, 60.0)), lines(("Acme", "Firewall", 1, 80.0)))
    assert status_of(rec, "Acme", "Backup") == "missing_in_halo"
    assert status_of(rec, "Acme", "Firewall") == "missing_in_autotask"
    backup = rec.lines[rec.lines["item"] == "Backup"].iloc[0]
    assert pd.isna(backup["halo_amount"]) and backup["difference"] == -120.0
    assert rec.summary["totals"]["difference"] == pytest.approx(80.0 - 120.0)


def test_rounding_within_tolerance_is_a_match_and_beyond_it_is_not():
    at = lines(("Alpine", "Backup", 3, 33.333))  # 99.999
    halo = lines(("Alpine", "Backup", 3, 33.33))  # 99.99
    assert status_of(reconcile_lines(at, halo), "Alpine", "Backup") == "match"
    assert status_of(reconcile_lines(at, halo, tolerance=0.001), "Alpine", "Backup") == "price"
    exactly = lines(("Alpine", "Backup", 1, 100.01))
    assert status_of(reconcile_lines(lines(("Alpine", "Backup", 1, 100.0)), exactly), "Alpine", "Backup") == "match"
    with pytest.raises(ReconcileError, match="tolerance"):
        reconcile_lines(at, halo, tolerance=-1)


def test_duplicate_lines_are_summed_before_comparing():
    at = lines(("Tailspin", "Managed Workstation", 20, 45.0), ("Tailspin", "Managed Workstation", 5, 45.0))
    halo = lines(("Tailspin", "Managed Workstation", 25, 45.0))
    rec = reconcile_lines(at, halo)
    row = rec.lines.iloc[0]
    assert (row["status"], row["autotask_qty"], row["autotask_amount"], row["autotask_unit_price"]) == \
        ("match", 25, 1125.0, 45.0)
    assert row["autotask_lines"] == 2 and len(rec.lines) == 1


def test_names_fold_case_space_punctuation_and_legal_forms():
    names = pd.Series(["Northwind Traders, Inc.", "NORTHWIND  traders inc", "Northwind Traders",
                       "Smith & Jones Ltd", "Smith and Jones Limited", "Co"])
    folded = fold_names(names, legal_forms=True)
    assert folded.iloc[0] == folded.iloc[1] == folded.iloc[2] == "northwindtraders"
    assert folded.iloc[3] == folded.iloc[4] == "smithandjones"
    assert folded.iloc[5] == "co"  # a bare legal word is the whole name, not a suffix
    assert fold_names(pd.Series(["Onsite visit - network survey"])).iloc[0] == \
        fold_names(pd.Series(["Onsite Visit \u2013 Network Survey"])).iloc[0]


def test_renamed_client_is_matched_through_the_client_map(tmp_path):
    at = lines(("Bright Dental Group Ltd", "Managed Workstation", 8, 45.0))
    halo = lines(("Bright Smiles Dental", "Managed Workstation", 8, 45.0))
    unmapped = reconcile_lines(at, halo)
    assert sorted(unmapped.lines["status"]) == ["missing_in_autotask", "missing_in_halo"]
    (tmp_path / "map.csv").write_text("autotask_name,halo_name\nBright Dental Group Ltd,Bright Smiles Dental\n"
                                      "Gone Client,Elsewhere\n")
    (tmp_path / "map.yaml").write_text("Bright Dental Group: Bright Smiles Dental\n")
    for name in ("map.csv", "map.yaml"):
        rec = reconcile_lines(at, halo, client_map=read_client_map(tmp_path / name))
        assert rec.lines["status"].tolist() == ["match"], name
        assert rec.lines["client"].iloc[0] == "Bright Dental Group Ltd"
        assert rec.summary["client_map"]["applied"] == 1
    csv_map = reconcile_lines(at, halo, client_map=read_client_map(tmp_path / "map.csv"))
    assert any("'Gone Client' has no billing lines" in w for w in csv_map.warnings)  # an unused map row is reported


def test_client_map_errors_name_file_and_row(tmp_path):
    (tmp_path / "map.csv").write_text("from,to\nA,B\n")
    with pytest.raises(ReconcileError, match=r"map\.csv: missing column\(s\) autotask_name, halo_name"):
        read_client_map(tmp_path / "map.csv")
    (tmp_path / "map2.csv").write_text("autotask_name,halo_name\nA,B\nC,\n")
    with pytest.raises(ReconcileError, match=r"map2\.csv row 3, column halo_name: is empty"):
        read_client_map(tmp_path / "map2.csv")


def test_csv_inputs_read_windows_encoding_and_name_an_unreadable_file(tmp_path):
    (tmp_path / "map.csv").write_bytes("autotask_name,halo_name\nCaf\u00e9 Ltd,Caf\u00e9\n".encode("cp1252"))
    assert read_client_map(tmp_path / "map.csv").values.tolist() == [["Caf\u00e9 Ltd", "Caf\u00e9"]]
    (tmp_path / "halo.csv").write_bytes((HALO_HEADER + "INV-1,2025-06-01,Caf\u00e9,MS,Server,1,x,\n").encode("cp1252"))
    with pytest.raises(ReconcileError, match=re.escape("halo.csv row 2, column unit_price: 'x' is not a number")):
        read_halo_lines(tmp_path / "halo.csv")
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "binary.csv").write_bytes(b"autotask_name,halo_name\n\x81\x8d\xff,x\n")  # neither UTF-8 nor cp1252
    for reader in (read_client_map, read_halo_lines):
        for name in ("empty.csv", "binary.csv"):
            with pytest.raises(ReconcileError, match=rf"^{re.escape(name)}: not a readable CSV file \(.+\)$"):
                reader(tmp_path / name)


def test_period_filter_keeps_only_that_month():
    at = pd.concat([lines(("Acme", "Server", 1, 95.0)), lines(("Acme", "Old project", 1, 500.0), date="2025-05-20")])
    halo = pd.concat([lines(("Acme", "Server", 1, 95.0), date="2025-06-30"),
                      lines(("Acme", "Late fee", 1, 10.0), date="2025-07-01")])
    rec = reconcile_lines(at, halo, period="2025-06")
    assert rec.lines["status"].tolist() == ["match"]
    assert rec.summary["source_lines"]["autotask"]["outside_period"] == 1
    assert rec.summary["source_lines"]["halo"]["outside_period"] == 1
    everything = reconcile_lines(at, halo)  # no period: every line of both files
    assert len(everything.lines) == 3 and everything.period == "all"
    assert any("several months" in w for w in everything.warnings)
    undated = pd.concat([at, lines(("Acme", "Mystery", 1, 1.0)).assign(date=pd.NaT)])
    assert any("1 Autotask line(s) have no date" in w for w in reconcile_lines(undated, halo, "2025-06").warnings)
    empty = reconcile_lines(at, halo, period="2025-08")
    assert empty.lines.empty and any("no Autotask billing items in 2025-08" in w for w in empty.warnings)
    with pytest.raises(ReconcileError, match="YYYY-MM"):
        reconcile_lines(at, halo, period="June 2025")


# --- Autotask side ---------------------------------------------------------------------------------------------

def test_autotask_items_are_named_by_service_product_or_description():
    tables = {
        "Companies": pd.DataFrame({"id": [1], "companyName": ["Acme Ltd"]}),
        "Services": pd.DataFrame({"id": [10], "name": ["Managed Server"]}),
        "Products": pd.DataFrame({"id": [20], "name": ["Antivirus Seat"]}),
        "BillingItems": pd.DataFrame({
            "id": [1, 2, 3, 4, 5], "companyID": [1, 1, 1, 1, 2],
            "serviceID": pd.array([10, None, None, None, None], dtype="Int64"),
            "productID": pd.array([None, 20, None, None, None], dtype="Int64"),
            "description": ["x", "y", "Onsite visit", "Warranty swap", "Z"],
            "quantity": [2.0, 5.0, 1.0, 1.0, 1.0], "rate": [95.0, 3.5, 120.0, 80.0, 10.0],
            "extendedPrice": [190.0, None, 120.0, 80.0, 10.0],
            "nonBillable": [False, False, False, True, False],
            "itemDate": pd.to_datetime(["2025-06-01"] * 5)}),
    }
    got, info = autotask_billing_lines(tables)
    assert got["item"].tolist() == ["Managed Server", "Antivirus Seat", "Onsite visit", "Z"]
    assert got["client"].tolist() == ["Acme Ltd"] * 3 + ["Autotask company #2"]
    assert got["amount"].tolist() == [190.0, 17.5, 120.0, 10.0]  # quantity * rate where extendedPrice is empty
    assert info["non_billable_skipped"] == 1 and info["unnamed_companies"] == 1
    with pytest.raises(ReconcileError, match=r"BillingItems: missing column\(s\) quantity"):
        autotask_billing_lines({"BillingItems": tables["BillingItems"].drop(columns="quantity")})
    with pytest.raises(ReconcileError, match="no BillingItems"):
        autotask_billing_lines({"Companies": tables["Companies"]})


def test_rejected_billing_item_stops_the_run_naming_file_row_and_column(tmp_path):
    at_dir, halo = make_paired_sample(tmp_path)
    bi = at_dir / "BillingItems.csv"
    rows = bi.read_text().splitlines()
    rows[4] = rows[4].replace(",45.0,", ",abc,", 1)
    bi.write_text("\n".join(rows) + "\n")
    with pytest.raises(ReconcileError, match=r"BillingItems\.csv row 5, column rate: .*'abc'"):
        run_reconciliation(at_dir, halo, "2025-06")


# --- HaloPSA side ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["json-invoices", "json-lines"])
def test_halo_json_shapes_give_the_same_result_as_csv(tmp_path, fmt):
    at_dir, csv_file = make_paired_sample(tmp_path / "csv")
    _, json_file = make_paired_sample(tmp_path / "json", halo_format=fmt)
    if fmt == "json-invoices":
        doc = json.loads(json_file.read_text())
        assert "lines" in doc["invoices"][0] and "client_name" not in doc["invoices"][0]["lines"][0]
    a = run_reconciliation(at_dir, csv_file, "2025-06", SAMPLE / "client_map.csv")
    b = run_reconciliation(at_dir, json_file, "2025-06", SAMPLE / "client_map.csv")
    pd.testing.assert_frame_equal(a.lines[COLUMNS], b.lines[COLUMNS])


def test_halo_header_list_with_lines_carries_header_fields_onto_lines(tmp_path):
    headers = [{"id": 1, "client_name": "Acme", "invoice_date": "2025-06-01T00:00:00", "invoicenumber": "INV-1",
                "lines": [{"id": 11, "ihid": 1, "item_shortdescription": "Server", "qty_order": 2, "unit_price": 95},
                          {"id": 12, "ihid": 1, "item_code": "AV", "qty_order": 5, "net_amount": 17.5}]},
               {"id": 2, "client_name": "Beta", "invoice_date": "2025-06-02", "invoicenumber": "INV-2", "lines": []}]
    (tmp_path / "h.json").write_text(json.dumps(headers))
    got = read_halo_lines(tmp_path / "h.json")
    assert got["client_name"].tolist() == ["Acme", "Acme"]
    assert got["invoicenumber"].tolist() == ["INV-1", "INV-1"]
    assert got["where"].tolist() == ["invoice 1 line 1", "invoice 1 line 2"]
    assert got["invoice_date"].dt.strftime("%Y-%m-%d").tolist() == ["2025-06-01", "2025-06-01"]


def test_halo_missing_columns_name_the_file_and_columns(tmp_path):
    (tmp_path / "halo.csv").write_text("client,quantity,price\nAcme,1,2\n")
    with pytest.raises(ReconcileError) as err:
        read_halo_lines(tmp_path / "halo.csv")
    msg = str(err.value)
    assert msg.startswith("halo.csv: missing required column(s)")
    for col in ("client_name", "invoice_date", "qty_order", "item_shortdescription", "unit_price"):
        assert col in msg


def test_halo_unparseable_number_names_file_row_and_column(tmp_path):
    good = "INV-1,2025-06-01,Acme,MS,Managed Server,1,95.00,95.00\n"
    bad = "INV-1,2025-06-01,Acme,MS,Managed Server,1,abc,\n"
    (tmp_path / "halo.csv").write_text(HALO_HEADER + good * 5 + bad)  # the bad line is spreadsheet row 7
    with pytest.raises(ReconcileError, match=re.escape("halo.csv row 7, column unit_price: 'abc' is not a number")):
        read_halo_lines(tmp_path / "halo.csv")
    (tmp_path / "halo2.csv").write_text(HALO_HEADER + "INV-1,31/13/2025,Acme,MS,Server,1,\"1,095.00\",\n")
    with pytest.raises(ReconcileError, match=r"halo2\.csv row 2, column invoice_date: '31/13/2025' is not a date"):
        read_halo_lines(tmp_path / "halo2.csv")


def test_halo_numbers_accept_separators_and_currency(tmp_path):
    (tmp_path / "halo.csv").write_text(HALO_HEADER + "INV-1,30/06/2025,Acme,MS,Server,\"1,000\",\u00a31.50,(12.50)\n")
    got = read_halo_lines(tmp_path / "halo.csv").iloc[0]
    assert (got["qty_order"], got["unit_price"], got["net_amount"]) == (1000, 1.5, -12.5)
    assert str(got["invoice_date"].date()) == "2025-06-30"


def test_command_returns_2_with_a_clear_message_for_bad_input(tmp_path, capsys):
    at_dir, _ = make_paired_sample(tmp_path)
    (tmp_path / "halo.csv").write_text(HALO_HEADER + "INV-1,2025-06-01,Acme,MS,Server,two,95,\n")
    assert reconcile_command(at_dir, tmp_path / "halo.csv", tmp_path / "out", period="2025-06") == 2
    assert "halo.csv row 2, column qty_order: 'two' is not a number" in capsys.readouterr().err
    assert reconcile_command(tmp_path / "nowhere", tmp_path / "halo.csv", tmp_path / "out") == 2
    assert "not found" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


# --- outputs ---------------------------------------------------------------------------------------------------

def test_sample_end_to_end_plants_one_difference_of_each_kind(tmp_path, capsys):
    out = tmp_path / "out"
    rc = reconcile_command(SAMPLE / "autotask", SAMPLE / "halo_invoice_lines.csv", out, period="2025-06",
                           client_map=SAMPLE / "client_map.csv")
    printed = capsys.readouterr().out
    assert rc == 0
    csv = pd.read_csv(out / "reconciliation.csv")
    assert list(csv.columns) == COLUMNS
    assert csv["status"].value_counts().to_dict() == {"match": 10, **{s: 1 for s in STATUSES[1:]}}
    summary = json.loads((out / "summary.json").read_text())
    assert summary["period"] == "2025-06" and summary["counts"]["match"] == 10
    assert summary["totals"]["difference"] == pytest.approx(csv["difference"].sum(), abs=0.01)
    assert summary["files_read"]["autotask"]["non_billable_skipped"] == 1
    totals = pd.read_csv(out / "client_totals.csv")
    assert {"client", "autotask_amount", "halo_amount", "difference", *STATUSES} <= set(totals.columns)
    assert len(totals) == 7
    assert "Bright Dental Group Ltd" in set(csv["client"])  # the renamed client matched through the map
    assert (out / "reconciliation.pdf").read_bytes()[:5] == b"%PDF-"
    html = (out / "reconciliation.html").read_text()
    assert "Billing administrator" in html and "@page" in html and "A4" in html
    assert not re.search(r"(src|href)=|url\(|https?://", html)  # self-contained
    assert "quantity_and_price" in printed and "Written to" in printed


def test_outputs_neutralise_formulas_and_escape_html(tmp_path):
    at = lines(("=HYPERLINK(\"http://evil\")", "+cmd|' /C calc'!A0", 1, 10.0), ("<script>x</script> Ltd", "@SUM", 1, 5))
    halo = lines(("=HYPERLINK(\"http://evil\")", "+cmd|' /C calc'!A0", 2, 10.0))
    rec = reconcile_lines(at, halo)
    write_outputs(rec, tmp_path, pdf=False)
    text = (tmp_path / "reconciliation.csv").read_text()
    assert "'=HYPERLINK" in text and "'+cmd" in text and "'@SUM" in text
    csv = pd.read_csv(tmp_path / "reconciliation.csv")
    assert not csv["client"].str.startswith(("=", "+", "-", "@")).any()
    assert csv["difference"].tolist() == pytest.approx([-5.0, 10.0])  # numbers stay numbers (negatives too)
    html = (tmp_path / "reconciliation.html").read_text()
    assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert not (tmp_path / "reconciliation.pdf").exists()


def test_generator_is_deterministic_and_matches_the_committed_sample(tmp_path):
    make_paired_sample(tmp_path / "a", seed=1)
    make_paired_sample(tmp_path / "b", seed=1)
    make_paired_sample(tmp_path / "c", seed=2)
    files = sorted(p.relative_to(SAMPLE) for p in SAMPLE.rglob("*.csv"))
    assert {str(f) for f in files} >= {"autotask/BillingItems.csv", "autotask/Companies.csv", "autotask/Services.csv",
                                       "autotask/Products.csv", "halo_invoice_lines.csv", "client_map.csv"}
    for f in files:
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() == (SAMPLE / f).read_bytes(), f
    assert (tmp_path / "c" / "halo_invoice_lines.csv").read_bytes() != (SAMPLE / "halo_invoice_lines.csv").read_bytes()


def test_notebook_filter_helpers():
    rec = explore.load()
    assert set(explore.filter_lines(rec)["status"]) == set(STATUSES[1:])
    assert len(explore.filter_lines(rec, "all")) == rec.summary["lines"]
    fab = explore.filter_lines(rec, "all", "Fabrikam Engineering Ltd")
    assert set(fab["status"]) == {"price", "missing_in_halo"}
    assert explore.filter_lines(rec, "price")["client"].tolist() == ["Fabrikam Engineering Ltd"]
    assert list(explore.differences_by_client(rec).index)[0] == "Fabrikam Engineering Ltd"


@pytest.mark.slow
def test_notebook_runs_headless_under_papermill(tmp_path):
    import nbformat
    import papermill

    src = RECONCILIATION_NOTEBOOK
    stored = nbformat.read(src, as_version=4)
    code = [c for c in stored.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)  # committed without outputs
    assert any("parameters" in c.metadata.get("tags", []) for c in code)
    params = {"autotask_dir": str(SAMPLE / "autotask"), "halo_file": str(SAMPLE / "halo_invoice_lines.csv"),
              "period": "2025-06", "client_map": str(SAMPLE / "client_map.csv"), "tolerance": 0.01}
    assert set(papermill.inspect_notebook(str(src))) == set(params)
    out = tmp_path / "run.ipynb"
    # Timeouts turn a kernel that never answers into a failure instead of a hung suite.
    papermill.execute_notebook(str(src), str(out), kernel_name="python3", parameters=params, progress_bar=False,
                               cwd=str(tmp_path), start_timeout=60, execution_timeout=120)
    ran = nbformat.read(out, as_version=4)
    texts = json.dumps([o for c in ran.cells if c.cell_type == "code" for o in c.outputs])
    assert "Fabrikam Engineering Ltd" in texts and "-108.94" in texts
    assert "application/vnd.jupyter.widget-view+json" in texts
    assert '"output_type": "error"' not in texts


# --- unusable numbers and repeated lines -----------------------------------------------------------------------

def test_non_finite_and_absurd_numbers_are_left_out_with_a_warning_naming_the_line():
    at = lines(("Acme", "Server", 1, 95.0), ("Acme", "Backup", 2, 60.0), ("Acme", "Firewall", 1, 80.0),
               ("Acme", "Antivirus", 10, 3.5), ("Acme", "Licence", 1, 20.0)).astype({"quantity": float})
    at.loc[1, "amount"] = float("inf")
    at.loc[2, "amount"] = 1e308
    at.loc[3, "quantity"] = float("-inf")
    at.loc[4, "amount"] = float("nan")
    at["source"] = [f"BillingItems.csv row {n}" for n in range(2, 7)]
    halo = lines(("Acme", "Server", 1, 95.0), ("Acme", "Backup", 2, 60.0), ("Acme", "Helpdesk", 1e13, 1.0))
    rec = reconcile_lines(at, halo)
    warned = "\n".join(rec.warnings)
    for expected in ("Autotask BillingItems.csv row 3: amount inf is not a finite number",
                     "Autotask BillingItems.csv row 4: amount 1e+308 is beyond any real invoice line (over 1e+12)",
                     "Autotask BillingItems.csv row 5: quantity -inf is not a finite number",
                     "Autotask BillingItems.csv row 6: amount is missing",
                     "HaloPSA line 3: quantity 1e+13 is beyond any real invoice line"):
        assert expected in warned
    assert warned.count("the line is left out of the comparison") == 5
    assert rec.summary["totals"] == {"autotask_amount": 95.0, "halo_amount": 215.0, "difference": 120.0}
    assert status_of(rec, "Acme", "Backup") == "missing_in_autotask"  # its Autotask line was left out
    assert rec.summary["source_lines"]["autotask"]["unusable"] == 4
    assert rec.summary["source_lines"]["halo"]["unusable"] == 1
    json.dumps(rec.summary, allow_nan=False)  # nothing infinite reached the totals


def test_unusable_numbers_in_either_file_are_warned_about_in_summary_report_and_terminal(tmp_path, capsys):
    at_dir, halo_file = make_paired_sample(tmp_path)
    halo = pd.read_csv(halo_file, dtype=str, keep_default_na=False)
    june = halo.index[halo["invoice_date"].str.startswith("2025-06")]
    halo.loc[june[0], "net_amount"] = "inf"
    halo.loc[june[1], "net_amount"] = "NaN"
    halo.loc[june[2], ["qty_order", "unit_price", "net_amount"]] = ["1", "1e308", ""]
    halo.to_csv(halo_file, index=False)
    items = pd.read_csv(at_dir / "BillingItems.csv", dtype=str, keep_default_na=False)
    assert (items.loc[:3, "itemDate"] >= "2025-06").all()
    items.loc[1, "extendedPrice"] = "inf"  # the loader may reject it or read it as infinity: a warning either way
    items.loc[3, "extendedPrice"] = "1e308"
    items.to_csv(at_dir / "BillingItems.csv", index=False)
    out = tmp_path / "out"
    assert reconcile_command(at_dir, halo_file, out, period="2025-06", pdf=False) == 0
    printed = capsys.readouterr().out
    rows = [f"halo_invoice_lines.csv row {n + 2}" for n in june[:3]]
    expected = [f"HaloPSA {rows[0]}: amount inf is not a finite number",
                f"HaloPSA {rows[1]}, column net_amount: 'NaN' is not a finite number",
                f"HaloPSA {rows[2]}: amount 1e+308 is beyond any real invoice line",
                f"Autotask BillingItems.csv row 5 (id {items.loc[3, 'id']}): amount 1e+308 is beyond any real"]
    summary = json.loads((out / "summary.json").read_text(), parse_constant=lambda c: pytest.fail(c))
    html = (out / "reconciliation.html").read_text()
    for text in expected:
        assert any(text in w for w in summary["warnings"]), text
        assert "Warning: " + text in printed
        assert text.replace("'", "&#39;") in html
    inf_item = [w for w in summary["warnings"] if w.startswith("Autotask BillingItems.csv row 3")]
    assert len(inf_item) == 1 and "inf is not a finite number" in inf_item[0].replace("'", "")
    assert inf_item[0].endswith("; the line is left out of the comparison")
    assert abs(summary["totals"]["autotask_amount"]) < 1e6 and abs(summary["totals"]["halo_amount"]) < 1e6
    assert summary["source_lines"]["halo"]["unusable"] == 3
    halo_side = summary["source_lines"]["halo"]
    assert halo_side["not_compared"]["not_finite"] == 2 and halo_side["not_compared"]["absurd"] == 1
    assert halo_side["read"] == halo_side["compared"] + sum(halo_side["not_compared"].values())
    assert "Not compared: with a number that is not finite (inf, NaN)" in html
    assert "named one by one in the warnings" in html


def test_a_line_repeated_exactly_on_one_side_is_named():
    at = lines(("Acme Ltd", "Backup", 2, 60.0), ("ACME Limited", "backup", 2, 60.0), ("Acme", "Server", 1, 95.0),
               ("Acme", "Server", 3, 95.0), ("Beta", "Backup", 2, 60.0))
    at["source"] = [f"BillingItems.csv row {n}" for n in range(2, 7)]
    halo = lines(("Acme", "Backup", 2, 60.0), ("Acme", "Server", 4, 95.0), ("Beta", "Backup", 2, 60.0))
    rec = reconcile_lines(at, halo)
    repeats = [w for w in rec.warnings if "appears" in w]
    assert repeats == ["Autotask line 'Acme Ltd' / 'Backup' (2 x 60 = 120 on 2025-06-01) appears 2 times "
                       "(BillingItems.csv row 2, BillingItems.csv row 3); they are summed: check the line is not "
                       "billed twice"]  # the same client and item by the match keys; Server differs in quantity
    assert rec.summary["source_lines"]["autotask"]["repeated"] == 2
    assert rec.summary["source_lines"]["halo"]["repeated"] == 0
    assert status_of(rec, "Acme Ltd", "Backup") == "quantity"  # still summed: 4 in Autotask against 2
    later = pd.concat([halo, lines(("Beta", "Backup", 2, 60.0), date="2025-06-15")])
    assert not [w for w in reconcile_lines(at.iloc[2:], later).warnings if "appears" in w]  # another day


def test_a_repeated_halo_invoice_line_names_both_rows(tmp_path):
    at_dir, halo_file = make_paired_sample(tmp_path)
    text = halo_file.read_text().splitlines()
    halo_file.write_text("\n".join([*text, text[1]]) + "\n")  # the first line again, at the end
    rec = run_reconciliation(at_dir, halo_file, "2025-06", SAMPLE / "client_map.csv")
    repeats = [w for w in rec.warnings if "appears" in w]
    assert len(repeats) == 1 and "appears 2 times" in repeats[0]
    assert f"(halo_invoice_lines.csv row 2, halo_invoice_lines.csv row {len(text) + 1})" in repeats[0]
    clean = run_reconciliation(SAMPLE / "autotask", SAMPLE / "halo_invoice_lines.csv", "2025-06",
                               SAMPLE / "client_map.csv")
    assert not [w for w in clean.warnings if "appears" in w or "left out of the comparison" in w]


def test_halo_json_nested_ten_thousand_deep_is_a_clear_error(tmp_path):
    from readiness.reconcile.errors import ReconcileError
    from readiness.reconcile.halo import read_halo_lines

    path = tmp_path / "halo.json"
    path.write_text("[" * 10_000 + "]" * 10_000)
    with pytest.raises(ReconcileError, match="halo.json: JSON nested too deeply"):
        read_halo_lines(path)


def test_autotask_lines_from_json_lines_are_named_by_row(tmp_path):
    import json

    from readiness.loader import load_export
    from readiness.reconcile.autotask import autotask_billing_lines

    items = [{"id": 70001 + i, "companyID": 1, "itemDate": "2025-06-0%dT00:00:00Z" % (i + 1), "description": "x",
              "quantity": 1, "rate": 10.0, "extendedPrice": 10.0} for i in range(2)]
    (tmp_path / "BillingItems.jsonl").write_text("\n".join(json.dumps(r) for r in items) + "\n")
    (tmp_path / "Companies.json").write_text('[{"id": 1, "companyName": "Acme"}]')
    lines, _ = autotask_billing_lines(load_export(tmp_path))
    assert list(lines["source"]) == ["BillingItems.jsonl row 1 (id 70001)", "BillingItems.jsonl row 2 (id 70002)"]
