"""A deterministic paired sample: one billing period in Autotask and the same period invoiced by HaloPSA.

Seven clients, monthly recurring services and products, with one planted difference of each kind:

============================  ====================================================================
Northwind Traders, Inc.        Microsoft 365: 30 x 18.50 in Autotask, 28 x 19.80 in HaloPSA (quantity_and_price)
Contoso Legal LLP              Managed Workstation: 12 in Autotask, 11 in HaloPSA (quantity)
Fabrikam Engineering Ltd       Managed Server: 95.00 in Autotask, 90.00 in HaloPSA (price);
                               Offsite Backup only in Autotask (missing_in_halo)
Bright Dental Group Ltd        renamed "Bright Smiles Dental" in HaloPSA, resolved by client_map.csv (match)
Tailspin Logistics             Managed Workstation posted as 20 + 5 in Autotask, one line of 25 in HaloPSA
                               (match after aggregation); Firewall Management only in HaloPSA (missing_in_autotask)
Alpine Ski House               Offsite Backup 3 x 33.333 = 99.999 (100.00 rounded) vs 3 x 33.33 = 99.99 (match);
                               a description-only labour line spelled differently on each side (match)
Woodgrove Accountants          clean; a non-billable warranty item in Autotask that HaloPSA rightly does not bill
============================  ====================================================================

Both files also hold lines of the previous month (one only in HaloPSA, one only in Autotask) that the period
filter must leave out. `seed` only varies the quantities of the clean lines; the planted differences stay.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from readiness.safe import write_csv

COMPANIES = pd.DataFrame({
    "id": [1001, 1002, 1003, 1004, 1005, 1006, 1007],
    "companyName": ["Northwind Traders, Inc.", "Contoso Legal LLP", "Fabrikam Engineering Ltd",
                    "Bright Dental Group Ltd", "Tailspin Logistics", "Alpine Ski House", "Woodgrove Accountants"],
    "companyType": 1,
    "isActive": True,
})
# How each client is spelled in HaloPSA: folding handles all but the real rename (Bright Dental).
HALO_NAMES = {1001: "Northwind Traders Inc", 1002: "Contoso Legal LLP", 1003: "Fabrikam Engineering Limited",
              1004: "Bright Smiles Dental", 1005: "TAILSPIN  LOGISTICS", 1006: "Alpine Ski House",
              1007: "Woodgrove Accountants"}
SERVICES = pd.DataFrame({
    "id": [2001, 2002, 2003, 2004, 2005],
    "name": ["Managed Workstation", "Managed Server", "Offsite Backup (per TB)", "Firewall Management",
             "Helpdesk Unlimited (per user)"],
    "unitPrice": [45.0, 95.0, 33.333, 80.0, 35.0],
    "periodType": 2,
    "isActive": True,
})
PRODUCTS = pd.DataFrame({
    "id": [3001, 3002],
    "name": ["Microsoft 365 Business Premium", "Endpoint Antivirus Seat"],
    "unitPrice": [18.5, 3.5],
    "billingType": 1,
    "periodType": 2,
    "isActive": True,
})
ITEM_CODES = {"Managed Workstation": "MS-WKS", "Managed Server": "MS-SRV", "Offsite Backup (per TB)": "BKP-TB",
              "Firewall Management": "FW-MGT", "Helpdesk Unlimited (per user)": "HD-USR",
              "Microsoft 365 Business Premium": "M365-BP", "Endpoint Antivirus Seat": "AV-SEAT"}
CLIENT_MAP = pd.DataFrame({"autotask_name": ["Bright Dental Group Ltd"], "halo_name": ["Bright Smiles Dental"]})
_ONSITE = "Onsite visit - network survey"


def make_paired_sample(out_dir: str | Path, seed: int = 1, period: str = "2025-06",
                       halo_format: str = "csv") -> tuple[Path, Path]:
    """Write ``autotask/`` (Companies, Services, Products, BillingItems as REST CSV), the HaloPSA invoice lines and
    ``client_map.csv`` under `out_dir`; return (autotask_dir, halo_file).

    `halo_format`: "csv" (flat lines, header fields repeated), "json-lines" (list of lines) or "json-invoices"
    (``{"invoices": [header with lines, ...]}`` as ``GET /Invoice?includelines=true`` returns)."""
    out = Path(out_dir)
    autotask_dir = out / "autotask"
    rng = np.random.default_rng(seed)
    month = pd.Period(period, freq="M")
    at, halo = _plan(rng, month)
    write_csv(COMPANIES, autotask_dir / "Companies.csv")
    write_csv(SERVICES, autotask_dir / "Services.csv")
    write_csv(PRODUCTS, autotask_dir / "Products.csv")
    write_csv(at, autotask_dir / "BillingItems.csv")
    write_csv(CLIENT_MAP, out / "client_map.csv")
    halo_file = _write_halo(halo, out, halo_format)
    return autotask_dir, halo_file


def _plan(rng: np.random.Generator, month: pd.Period) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(Autotask BillingItems, HaloPSA invoice lines) for `month` and the month before."""
    q = rng.integers(8, 40, size=6)  # quantities of the clean lines
    this, prev = month.start_time.strftime("%Y-%m-%d"), (month - 1).start_time.strftime("%Y-%m-%d")
    svc = dict(zip(SERVICES["name"], SERVICES["id"]))
    prd = dict(zip(PRODUCTS["name"], PRODUCTS["id"]))
    wks, srv, bkp, fw, hd = (svc[n] for n in SERVICES["name"])
    m365, av = prd["Microsoft 365 Business Premium"], prd["Endpoint Antivirus Seat"]
    # company, serviceID, productID, description, quantity, rate, date, nonBillable
    at = pd.DataFrame([
        (1001, wks, None, None, q[0], 45.0, this, False),
        (1001, srv, None, None, 3, 95.0, this, False),
        (1001, None, m365, None, 30, 18.5, this, False),
        (1002, wks, None, None, 12, 45.0, this, False),
        (1002, hd, None, None, q[1], 35.0, this, False),
        (1003, srv, None, None, 2, 95.0, this, False),
        (1003, bkp, None, None, 4, 33.333, this, False),
        (1004, wks, None, None, q[2], 45.0, this, False),
        (1004, hd, None, None, q[3], 35.0, this, False),
        (1005, wks, None, None, 20, 45.0, this, False),
        (1005, wks, None, None, 5, 45.0, this, False),
        (1006, bkp, None, None, 3, 33.333, this, False),
        (1006, None, None, _ONSITE, 2, 120.0, this, False),
        (1007, wks, None, None, q[4], 45.0, this, False),
        (1007, None, av, None, q[5], 3.5, this, False),
        (1007, None, None, "Replacement power supply (warranty)", 1, 89.0, this, True),
        (1001, wks, None, None, q[0] - 1, 45.0, prev, False),
        (1002, bkp, None, None, 2, 33.333, prev, False),
    ], columns=["companyID", "serviceID", "productID", "description", "quantity", "rate", "itemDate", "nonBillable"])
    names = pd.concat([SERVICES.set_index("id")["name"], PRODUCTS.set_index("id")["name"]])
    at["description"] = at["description"].fillna(at["serviceID"].fillna(at["productID"]).map(names))
    at["extendedPrice"] = (at["quantity"] * at["rate"]).round(4)
    at.insert(0, "id", range(70001, 70001 + len(at)))
    at["contractID"] = (at["companyID"] + 3000).where(at["serviceID"].notna() | at["productID"].notna())
    at["invoiceID"] = 5000 + (at["companyID"] - 1000) * 10 + (at["itemDate"] == this).astype(int)
    at["postedDate"] = at["itemDate"]
    at = at.astype({"serviceID": "Int64", "productID": "Int64", "contractID": "Int64"})

    # company, item (as HaloPSA prints it), qty_order, unit_price, date
    halo = pd.DataFrame([
        (1001, "Managed Workstation", q[0], 45.0, this),
        (1001, "Managed Server", 3, 95.0, this),
        (1001, "Microsoft 365 Business Premium", 28, 19.8, this),
        (1002, "Managed Workstation", 11, 45.0, this),
        (1002, "Helpdesk Unlimited (per user)", q[1], 35.0, this),
        (1003, "Managed Server", 2, 90.0, this),
        (1004, "Managed Workstation", q[2], 45.0, this),
        (1004, "Helpdesk Unlimited (per user)", q[3], 35.0, this),
        (1005, "Managed Workstation", 25, 45.0, this),
        (1005, "Firewall Management", 1, 80.0, this),
        (1006, "Offsite Backup (per TB)", 3, 33.33, this),
        (1006, "Onsite Visit \u2013 Network Survey", 2, 120.0, this),
        (1007, "Managed Workstation", q[4], 45.0, this),
        (1007, "Endpoint Antivirus Seat", q[5], 3.5, this),
        (1001, "Managed Workstation", q[0] - 1, 45.0, prev),
        (1007, "Project block - server migration", 10, 110.0, prev),
    ], columns=["client_id", "item_shortdescription", "qty_order", "unit_price", "date"])
    halo["client_name"] = halo["client_id"].map(HALO_NAMES)
    halo["item_code"] = halo["item_shortdescription"].map(ITEM_CODES).fillna("LABOUR")
    halo["net_amount"] = (halo["qty_order"] * halo["unit_price"]).round(2)
    halo["tax_amount"] = (halo["net_amount"] * 0.2).round(2)
    halo["invoice_date"] = halo["date"] + "T00:00:00"
    seq = halo.groupby(["client_id", "date"], sort=False).ngroup()
    halo["ihid"] = 800 + seq
    halo["invoicenumber"] = "INV-" + (10400 + seq).astype(str)
    halo["id"] = range(91001, 91001 + len(halo))
    halo = halo[["id", "ihid", "invoicenumber", "invoice_date", "client_id", "client_name", "item_code",
                 "item_shortdescription", "qty_order", "unit_price", "net_amount", "tax_amount"]]
    return at, halo


def _write_halo(halo: pd.DataFrame, out: Path, fmt: str) -> Path:
    """The HaloPSA lines in the requested export shape."""
    if fmt == "csv":
        return write_csv(halo, out / "halo_invoice_lines.csv")
    out.mkdir(parents=True, exist_ok=True)
    records = json.loads(halo.to_json(orient="records"))
    if fmt == "json-lines":
        path = out / "halo_invoice_lines.json"
        path.write_text(json.dumps(records, indent=1), encoding="utf-8")
        return path
    if fmt != "json-invoices":
        raise ValueError(f"halo_format must be csv, json-lines or json-invoices, not {fmt!r}")
    header_cols = ["ihid", "invoicenumber", "invoice_date", "client_id", "client_name"]
    heads = halo.drop_duplicates("ihid")[header_cols].rename(columns={"ihid": "id"})
    line_cols = [c for c in halo.columns if c not in header_cols[1:]]
    lines = {ih: json.loads(g[line_cols].to_json(orient="records")) for ih, g in halo.groupby("ihid")}
    invoices = [{**h, "lines": lines[h["id"]]} for h in json.loads(heads.to_json(orient="records"))]
    path = out / "halo_invoices.json"
    path.write_text(json.dumps({"record_count": len(invoices), "invoices": invoices}, indent=1), encoding="utf-8")
    return path
