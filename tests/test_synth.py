"""The sample-export generator: deterministic, every entity in every shape, planted problems really in the files."""

from __future__ import annotations

import codecs
import json
import re

import pandas as pd
import pytest
import yaml

from readiness import synth
from readiness.config import CAPTURE_TEMPLATES_DIR, SAMPLE_DIR

SEED = 1
AS_OF = pd.Timestamp(str(synth.EXPORT_DATE))
STALE = AS_OF - pd.Timedelta(days=synth.STALE_DAYS)
COMMITTED = {"acme-it": ("rest-csv", 1, "Acme IT Services"), "northwind-grid": ("grid-csv", 2, "Northwind Managed IT"),
             "contoso-json": ("json", 3, "Contoso Networks")}


@pytest.fixture(scope="module")
def sample():
    return synth.build("small", SEED)


@pytest.fixture(scope="module")
def folders(sample, tmp_path_factory):
    base = tmp_path_factory.mktemp("synth")
    return {shape: synth.write(sample, base / shape, shape) for shape in synth.SHAPES}


def _files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# ------------------------------------------------------------------------------------------------ determinism
@pytest.mark.parametrize("shape", synth.SHAPES)
def test_same_seed_size_shape_gives_identical_bytes(folders, tmp_path, shape):
    again = synth.generate(tmp_path / "again", size="small", seed=SEED, shape=shape)
    assert _files(again) == _files(folders[shape])


def test_other_seed_gives_other_data(folders, tmp_path):
    other = synth.generate(tmp_path / "other", size="small", seed=SEED + 1, shape="rest-csv")
    assert _files(other)["Contracts.csv"] != _files(folders["rest-csv"])["Contracts.csv"]


# ------------------------------------------------------------------------------------------------ completeness
@pytest.mark.parametrize("shape", synth.SHAPES)
def test_every_entity_file_is_written(folders, shape):
    folder = folders[shape]
    for entity in synth.ENTITIES:
        found = [p for p in folder.glob(f"{entity}.*") if p.suffix in (".csv", ".json", ".jsonl")]
        assert len(found) == 1, f"{shape}: {entity} -> {found}"
        assert found[0].suffix == (".csv" if shape != "json" else found[0].suffix)
    for sheet in synth.CAPTURE_SHEETS:
        assert (folder / f"{sheet}.csv").is_file()
    client = yaml.safe_load((folder / "client.yaml").read_text(encoding="utf-8"))
    assert client["name"] == "Acme IT Services" and client["technicians"] > 0 and client["billing_day"] == 1
    assert "Acme Legacy Backup Portal" in client["integrations"] and "Datto RMM" in client["integrations"]
    assert ("date_format" in client) == (shape == "grid-csv")


def test_rest_csv_matches_the_built_tables(sample, folders):
    for entity in synth.ENTITIES:
        df = pd.read_csv(folders["rest-csv"] / f"{entity}.csv")
        assert list(df.columns) == list(sample.tables[entity].columns), entity
        assert len(df) == len(sample.tables[entity]) > 0, entity
    k = pd.read_csv(folders["rest-csv"] / "Contracts.csv", dtype=str)
    assert k["startDate"].str.fullmatch(r"\d{4}-\d\d-\d\dT00:00:00\.000Z").all()
    assert (k["endDate"] == "9999-12-31T00:00:00.000Z").any()  # evergreen contracts
    assert set(k["contractType"].astype(int)) == {1, 3, 4, 6, 7, 8}
    assert set(k["isCompliant"]) <= {"true", "false"}
    for col in ("id", "companyID"):
        assert k[col].str.fullmatch(r"\d+").all()


def test_capture_sheets_have_the_design_columns(folders):
    for shape, folder in folders.items():
        wf = pd.read_csv(folder / "WorkflowRules.csv", encoding="utf-8-sig")
        nt = pd.read_csv(folder / "NotificationTemplates.csv", encoding="utf-8-sig")
        assert list(wf.columns) == synth.WORKFLOW_COLUMNS and list(nt.columns) == synth.TEMPLATE_COLUMNS
        assert set(nt["recipients"]) == {"client", "internal"}
        assert wf["events"].str.contains("|", regex=False).any()
    for name, cols in (("WorkflowRules", synth.WORKFLOW_COLUMNS), ("NotificationTemplates", synth.TEMPLATE_COLUMNS)):
        blank = pd.read_csv(CAPTURE_TEMPLATES_DIR / f"{name}.csv")
        assert list(blank.columns) == cols and blank.empty


# ------------------------------------------------------------------------------------------------ planted problems
def _read(folder, entity):
    return pd.read_csv(folder / f"{entity}.csv")


def _date(s):
    return pd.to_datetime(s.astype("string").str.slice(0, 10), errors="coerce")


def _found(folder) -> dict[tuple[str, str], set]:
    """Recompute each planted condition from the raw REST CSV files."""
    R = lambda e: _read(folder, e)  # noqa: E731
    k = R("Contracts")
    act = k[k["status"] == 1]
    out = {("contract_type_mapping", "Contracts"): act.loc[act["contractType"] == 8, "id"]}
    out[("contract_block_hour_factors", "Contracts")] = act.loc[act["id"].isin(R("ContractBlockHourFactors")["contractID"]), "id"]
    prepaid = []
    for entity, bought, used in (("ContractBlocks", "hours", "hoursApproved"), ("ContractRetainers", "amount", "amountApproved"),
                                 ("ContractTicketPurchases", "ticketsPurchased", "ticketsUsed")):
        t = R(entity)
        prepaid += list(t.loc[(_date(t["endDate"]) >= AS_OF) & (t[used] < t[bought]), "contractID"])
    out[("contract_open_prepaid_balance", "Contracts")] = act.loc[act["id"].isin(prepaid), "id"]
    out[("contract_rate_overrides", "Contracts")] = act.loc[act["id"].isin(R("ContractRates")["contractID"]), "id"]
    set_roles = R("ContractExclusionSetExcludedRoles")["contractExclusionSetID"]
    set_types = R("ContractExclusionSetExcludedWorkTypes")["contractExclusionSetID"]
    roles = act[act["id"].isin(R("ContractExclusionRoles")["contractID"]) | act["contractExclusionSetID"].isin(set_roles)]
    out[("contract_role_exclusions", "Contracts")] = roles["id"]
    types = act[act["id"].isin(R("ContractExclusionBillingCodes")["contractID"]) | act["contractExclusionSetID"].isin(set_types)]
    out[("contract_worktype_exclusions", "Contracts")] = types.loc[~types["id"].isin(roles["id"]), "id"]
    out[("contract_exclusion_chain", "Contracts")] = k.loc[k["exclusionContractID"].notna(), "id"]
    out[("contract_setup_fee", "Contracts")] = k.loc[k["setupFee"] > 0, "id"]
    out[("contract_milestones", "Contracts")] = act.loc[(act["contractType"] == 3) & act["id"].isin(R("ContractMilestones")["contractID"]), "id"]
    out[("contract_billing_rule_units", "Contracts")] = act.loc[act["id"].isin(R("ContractBillingRules")["contractID"]), "id"]
    out[("contract_expired_active", "Contracts")] = act.loc[_date(act["endDate"]) < AS_OF, "id"]
    per_company = act.groupby("companyID").size()
    out[("contract_multiple_active", "Companies")] = per_company[per_company > 1].index.to_series()
    te, units, charges = R("TimeEntries"), R("ContractServiceUnits"), R("ContractCharges")
    busy = (set(te.loc[_date(te["dateWorked"]) >= STALE, "contractID"]) | set(units.loc[_date(units["startDate"]) >= STALE, "contractID"])
            | set(charges.loc[_date(charges["datePurchased"]) >= STALE, "contractID"]))
    out[("contract_no_activity", "Contracts")] = act.loc[~act["id"].isin(busy), "id"]
    sv, cs = R("Services"), R("ContractServices")
    on_active = cs.loc[cs["contractID"].isin(act["id"]), "serviceID"]
    out[("service_inactive_in_use", "Services")] = sv.loc[~sv["isActive"] & sv["id"].isin(on_active), "id"]
    billed = units.loc[_date(units["startDate"]) >= STALE, "serviceID"]
    out[("service_retired", "Services")] = sv.loc[~sv["id"].isin(on_active) & ~sv["id"].isin(billed), "id"]
    members = R("ServiceBundleServices")
    out[("service_bundle_inactive_member", "ServiceBundles")] = members.loc[
        members["serviceID"].isin(sv.loc[~sv["isActive"], "id"]), "serviceBundleID"]
    wf = R("WorkflowRules")
    out[("workflow_rule_inactive", "WorkflowRules")] = wf.loc[~wf["active"], "rule_name"]
    on = wf[wf["active"]]
    fired = pd.to_datetime(on["last_triggered"])
    flagged = on["audit_flags"].fillna("").str.contains("Has not triggered recently")
    out[("workflow_rule_stale", "WorkflowRules")] = on.loc[(fired < STALE) | fired.isna() | flagged, "rule_name"]
    key = wf["entity"] + "#" + wf["events"] + "#" + wf["conditions"]
    out[("workflow_rule_duplicate", "WorkflowRules")] = wf.loc[key.duplicated(keep=False), "rule_name"]
    nt, nh = R("NotificationTemplates"), R("NotificationHistory")
    sent = nh.loc[_date(nh["notificationSentTime"]) >= STALE, "templateName"]
    out[("notification_template_unused", "NotificationTemplates")] = nt.loc[~nt["template_name"].isin(sent), "template_name"]
    co = R("Companies")
    cust = co[(co["companyType"] == 1) & co["isActive"]]
    folded = cust["companyName"].str.lower().str.split().str.join(" ")
    out[("company_duplicate_name", "Companies")] = cust.loc[folded.duplicated(keep=False), "id"]
    ct = R("Contacts")
    live = ct[ct["isActive"] == 1]
    out[("contact_missing_email", "Contacts")] = live.loc[live["emailAddress"].isna(), "id"]
    email = live["emailAddress"].str.lower()
    out[("contact_duplicate_email", "Contacts")] = live.loc[email.notna() & email.duplicated(keep=False), "id"]
    ci = R("ConfigurationItems")
    out[("configuration_item_missing_serial", "ConfigurationItems")] = ci.loc[ci["isActive"] & ci["serialNumber"].isna(), "id"]
    tk, res = R("Tickets"), R("Resources")
    open_t = tk[tk["status"] != 5]
    out[("ticket_open_unassigned", "Tickets")] = open_t.loc[open_t["queueID"].isna() & open_t["assignedResourceID"].isna(), "id"]
    out[("ticket_open_inactive_resource", "Tickets")] = open_t.loc[
        open_t["assignedResourceID"].isin(res.loc[~res["isActive"], "id"]), "id"]
    out[("orphan_reference", "ContractServices")] = cs.loc[~cs["contractID"].isin(k["id"]), "id"]
    out[("orphan_reference", "Tickets")] = tk.loc[tk["contractID"].notna() & ~tk["contractID"].isin(k["id"]), "id"]
    out[("orphan_reference", "TimeEntries")] = te.loc[~te["ticketID"].isin(tk["id"]), "id"]
    return {key: set(pd.Series(v).tolist()) for key, v in out.items()}


def test_every_planted_problem_is_in_the_files_and_nothing_else(sample, folders):
    found = _found(folders["rest-csv"])
    for (rule, entity), ids in found.items():
        planted = set(sample.planted[rule][entity])
        assert planted, f"{rule}: nothing planted"
        assert ids == planted, f"{rule}/{entity}: missing {sorted(planted - ids)[:5]}, unplanted {sorted(ids - planted)[:5]}"
    assert set(synth.PLANTED) <= {rule for rule, _ in found}


def test_plants_are_spread_and_chains_have_every_kind(sample, folders):
    k = _read(folders["rest-csv"], "Contracts").set_index("id")
    for rule in ("contract_expired_active", "contract_no_activity", "contract_setup_fee", "contract_role_exclusions"):
        companies = k.loc[sample.planted[rule]["Contracts"], "companyID"]
        assert companies.nunique() == len(companies) > 1, rule
    nxt = k["exclusionContractID"].dropna().astype(int).to_dict()
    heads = sample.planted["contract_exclusion_chain"]["long"]
    assert heads and all(nxt.get(nxt[h]) in k.index and nxt.get(nxt[h]) != h for h in heads)  # A -> B -> C
    circular = sample.planted["contract_exclusion_chain"]["circular"]
    assert circular and all(nxt[nxt[c]] == c for c in circular)
    single = set(nxt) - set(heads) - set(circular)
    assert any(nxt[c] not in nxt for c in single)  # plain one-step links exist too
    assert sample.planted["integration_rebuild"]["Integrations"][-1:] != []


# ------------------------------------------------------------------------------------------------ shapes
def _has_dates(df):
    return [c for c in df.columns if "Date" in c or c.endswith("Time")]


def test_grid_shape_looks_like_an_autotask_grid_export(folders):
    folder = folders["grid-csv"]
    raw = (folder / "Companies.csv").read_bytes()
    assert not raw.startswith(codecs.BOM_UTF8)
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert "Café Société Ltd" in raw.decode("cp1252")
    for entity in synth.ENTITIES:
        path = folder / f"{entity}.csv"
        if entity != "Companies":
            assert path.read_bytes().startswith(codecs.BOM_UTF8), entity
        df = pd.read_csv(path, dtype=str, encoding="cp1252" if entity == "Companies" else "utf-8-sig")
        assert not [c for c in df.columns if re.search(r"[a-z][A-Z]", c)], f"{entity}: REST names in {list(df.columns)}"
        dates = _has_dates(df)
        if dates:
            values = pd.concat([df[c] for c in dates]).dropna()
            assert values.str.fullmatch(r"\d\d/\d\d/\d{4}( \d\d:\d\d)?").all(), entity
            assert (values.str.slice(0, 2).astype(int) > 12).any(), f"{entity}: no day above 12"
    k = pd.read_csv(folder / "Contracts.csv", dtype=str, encoding="utf-8-sig")
    for header in ("ID", "Contract Name", "Organization", "Contract Type", "Status", "Start Date", "End Date", "Setup Fee",
                   "Exclusion Contract ID", "Contract Exclusion Set ID"):
        assert header in k.columns
    assert "Company ID" not in k.columns and not k["Organization"].str.fullmatch(r"\d+").any()
    assert {"Recurring Service", "Time & Materials", "Per Ticket"} <= set(k["Contract Type"])
    assert set(k["Status"]) == {"Active", "Inactive"}
    assert k["Setup Fee"].str.fullmatch(r"-?\$\d{1,3}(,\d{3})*\.\d\d").all()
    assert k["Estimated Revenue"].str.contains(",").any()
    assert (k["End Date"] == "31/12/9999").any()
    assert set(k["Compliant"]) <= {"Yes", "No"}
    tk = pd.read_csv(folder / "Tickets.csv", dtype=str, encoding="utf-8-sig")
    assert {"Complete", "New"} <= set(tk["Status"]) and "Organization" in tk.columns
    ci = pd.read_csv(folder / "ConfigurationItems.csv", dtype=str, encoding="utf-8-sig")
    assert {"Organization", "Serial Number"} <= set(ci.columns)
    ct = pd.read_csv(folder / "Contacts.csv", dtype=str, encoding="utf-8-sig")
    assert set(ct["Active"]) == {"Yes", "No"}
    wf = pd.read_csv(folder / "WorkflowRules.csv", dtype=str, encoding="utf-8-sig")
    assert set(wf["active"]) == {"Yes", "No"} and wf["last_modified"].str.fullmatch(r"\d\d/\d\d/\d{4}").all()
    fields = json.loads((folder / "fields" / "Tickets.json").read_text(encoding="utf-8"))
    queue = next(f for f in fields["fields"] if f["name"] == "queueID")
    assert queue["isPickList"] and {"value": "29683325", "label": "Helpdesk Queue"}.items() <= queue["picklistValues"][2].items()


def test_grid_labels():
    assert synth._label("companyID") == "Company ID"
    assert synth._label("contractName") == "Contract Name"
    assert synth._label("isActive") == "Active"
    assert synth._label("startDate") == "Start Date"
    assert synth._label("id") == "ID"
    assert synth._label("excludedWorkTypeID") == "Excluded Work Type ID"
    text = synth._money_text([1250.0, -50.5, 1234567.891, 0.0, float("nan")]).to_pylist()
    assert text == ["$1,250.00", "-$50.50", "$1,234,567.89", "$0.00", None]


def _json_records(path):
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in text.splitlines()], "jsonl"
    data = json.loads(text)
    if isinstance(data, dict):
        return data["items"], "response"
    if data and isinstance(data[0], dict) and "pageDetails" in data[0]:
        assert all(len(p["items"]) <= synth.PAGE_SIZE for p in data)
        assert data[-1]["pageDetails"]["nextPageUrl"] is None
        return [r for p in data for r in p["items"]], "pages"
    return data, "list"


def test_json_shape_rotates_the_rest_forms(sample, folders):
    forms = set()
    for entity in synth.ENTITIES:
        (path,) = [p for p in folders["json"].glob(f"{entity}.*") if p.suffix in (".json", ".jsonl")]
        records, form = _json_records(path)
        forms.add(form)
        assert len(records) == len(sample.tables[entity]), entity
        if entity in ("Companies", "Contracts"):
            udf = records[0]["userDefinedFields"]
            assert isinstance(udf, list) and {"name", "value"} == set(udf[0])
    assert forms == {"response", "pages", "list", "jsonl"}
    contracts, _ = _json_records(folders["json"] / "Contracts.json")
    c = contracts[0]
    assert isinstance(c["id"], int) and isinstance(c["status"], int) and isinstance(c["setupFee"], float)
    assert isinstance(c["isCompliant"], bool) and "exclusionContractID" in c
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", c["startDate"])
    assert any(r["exclusionContractID"] is None for r in contracts)


# ------------------------------------------------------------------------------------------------ sizes
def test_size_table_is_monotone_and_small_stays_small(sample):
    assert list(synth.SIZES) == ["small", "medium", "large"]
    small, medium, large = (synth.SIZES[k] for k in synth.SIZES)
    for key in small:
        assert small[key] <= medium[key] <= large[key], key
    assert large["tickets"] == 1_000_000 and large["time_entries"] == 3_000_000 and large["contracts"] == 8000
    assert 8 * medium["tickets"] <= large["tickets"] <= 12 * medium["tickets"]
    assert all(len(df) <= 1000 for df in sample.tables.values())
    assert len(sample.tables["Tickets"]) == small["tickets"] and len(sample.tables["Contracts"]) == small["contracts"]
    with pytest.raises(ValueError):
        synth.build("huge")


def test_synth_command_prints_one_line(tmp_path, capsys):
    assert synth.synth_command(tmp_path / "x", size="small", seed=4, shape="rest-csv") == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "small" in out[0] and str(tmp_path / "x") in out[0]


# ------------------------------------------------------------------------------------------------ committed samples
@pytest.mark.parametrize("name", sorted(COMMITTED))
def test_committed_sample_is_current_and_light(name, tmp_path):
    shape, seed, client = COMMITTED[name]
    folder = SAMPLE_DIR / name
    assert folder.is_dir(), f"regenerate: synth.generate('{folder}', 'small', {seed}, '{shape}', '{client}')"
    assert sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) < 1.5e6
    fresh = synth.generate(tmp_path / name, size="small", seed=seed, shape=shape, client_name=client)
    assert _files(folder) == _files(fresh), "committed sample differs from the generator's output: regenerate it"


def test_committed_samples_load_cleanly():
    loader = pytest.importorskip("readiness.loader")
    for name, (shape, seed, _) in sorted(COMMITTED.items()):
        export = loader.load_export(SAMPLE_DIR / name)
        assert set(synth.ENTITIES) | set(synth.CAPTURE_SHEETS) <= set(export.tables), name
        assert export.problems == [], name
        led = export.ledger
        assert (led["read"] == led["loaded"] + led["rejected"]).all()
        rej = export.rejects
        if shape == "grid-csv" and len(rej):
            # A grid export names the company, and the planted duplicate names (differing only in case or
            # spacing) can make that name ambiguous; no other row may be rejected.
            dup_ids = synth.build("small", seed).planted["company_duplicate_name"]["Companies"]
            co = export.tables["Companies"]
            dup = co.loc[co["id"].isin(dup_ids), "companyName"].str.lower().str.split().str.join(" ")
            assert rej["value"].str.lower().str.split().str.join(" ").isin(set(dup)).all(), rej.head().to_dict("records")
        else:
            assert rej.empty, f"{name}: {rej.head().to_dict('records')}"
