"""Loading: one entity file into a typed table (load_entity), and a whole export folder into an Export
(load_export) with what the folder says besides its tables: client.yaml, fields/, pull.json, files not read."""

from __future__ import annotations

import difflib
import re
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import yaml

from readiness import entities as ents
from readiness import textfiles
from readiness.entities import ENTITIES, fold, fold_series
from readiness.loader.headers import _map_headers
from readiness.loader.model import LEDGER_COLUMNS, REJECT_COLUMNS, Export, LoadContext, export_date
from readiness.loader.picklists import _read_field_info
from readiness.loader.readers import Source, read, suffixes
from readiness.loader.typed import _cell_values, _drop_damaged, _type_frame, _validate
from readiness.textfiles import FileProblem


def load_entity(path: Path, entity: str, ctx: LoadContext | None = None,
                lean: dict | None = None) -> tuple[pd.DataFrame | None, dict, pd.DataFrame]:
    """Load one entity file. Returns (typed table or None when unusable, ledger row, rejects).

    `lean` ({history table: columns}, rules.lean_columns()) reads only those columns of the history tables;
    every row is still accounted for."""
    ctx = ctx or LoadContext(None, {}, [], {})
    name = path.name
    ledger = {"entity": entity, "file": name, "read": 0, "loaded": 0, "rejected": 0, "read_as": ""}
    empty_rejects = pd.DataFrame(columns=REJECT_COLUMNS)
    t0 = time.perf_counter()
    try:
        got = read(Source(path, entity, lean, ctx.history, ctx.kinds))  # by the reader of its shape
        ctx.problems.extend(got.problems)
        t0 = ctx.clock("read", t0)
    except FileProblem as exc:
        ctx.problems.append(str(exc))
        return None, ledger, empty_rejects
    except (OSError, ValueError, pa.ArrowException) as exc:  # UnicodeError is a ValueError
        ctx.problems.append(f"{name}: could not be read ({type(exc).__name__}: {exc})")
        return None, ledger, empty_rejects
    raw, rows, malformed, fmt = got.frame, got.rows, got.malformed, got.fmt
    ledger["read_as"] = fmt.describe()
    if fmt.encoding not in ("utf-8", "utf-8-sig") or fmt.delimiter not in ("", ","):
        ctx.notes.append(f"{name}: read as {fmt.describe()}")
    if fmt.encoding in textfiles.REPLACING:
        raw, rows, malformed = _drop_damaged(raw, rows, malformed)
    rej = [pd.DataFrame([{"entity": entity, "file": name, "row": b["row"], "column": b.get("column", "-"),
                          "value": b["value"], "reason": b["reason"]} for b in malformed],
                        columns=REJECT_COLUMNS)] if malformed else []
    ledger["read"] = len(raw) + len(malformed)
    raw.columns = [str(c) for c in raw.columns]
    raw = raw.rename(columns=_map_headers(entity, list(raw.columns), raw))
    raw.index = rows
    missing = [c for c in ENTITIES[entity].required if c not in raw.columns]
    if missing:
        msg = (f"{name}: missing required column {', '.join(repr(m) for m in missing)}; "
               f"columns found: {', '.join(map(str, raw.columns[:12]))}")
        if len(raw.columns) == 1 and re.search(r"[,;\t|]", str(raw.columns[0])):
            msg += " (one column holding separators: the file may use a delimiter other than , ; or tab)"
        ctx.problems.append(msg)
        rej.append(pd.DataFrame({"entity": entity, "file": name, "row": rows, "column": missing[0], "value": "",
                                 "reason": f"missing required column '{missing[0]}'"}))
        rejects = pd.concat(rej, ignore_index=True)
        ledger["rejected"] = len(rejects)
        return None, ledger, rejects
    typed, bad_col, bad_reason = _type_frame(entity, raw, ctx, name)
    key = ENTITIES[entity].key
    # masked writes rebuild a whole text column, so each is made only when some row is hit
    for req in ENTITIES[entity].required:
        blank = typed[req].isna() & bad_col.isna()
        if blank.any():
            bad_col[blank], bad_reason[blank] = req, f"required {req} is empty"
    dup = typed[key].duplicated(keep="first") & typed[key].notna() & bad_col.isna()
    if dup.any():
        bad_col[dup], bad_reason[dup] = key, "duplicate " + key + " '" + typed.loc[dup, key].astype(str) + "'"
    bad = bad_col.notna()
    if bad.any():
        rej.append(pd.DataFrame({"entity": entity, "file": name, "row": typed.index[bad], "column": bad_col[bad].values,
                                 "value": _cell_values(raw, bad_col[bad]), "reason": bad_reason[bad].values}))
    if bad.any():  # filtering copies every column: only pay for it when a row is rejected
        typed = typed[~bad]
    t0 = ctx.clock("type", t0)
    schema_fail = _validate(entity, typed, ctx.kinds)
    t0 = ctx.clock("validate", t0)
    if len(schema_fail):
        first = schema_fail.drop_duplicates("index")
        rej.append(pd.DataFrame({"entity": entity, "file": name, "row": first["index"].values,
                                 "column": first["column"].values, "value": first["value"].values,
                                 "reason": first["reason"].values}))
        typed = typed.drop(index=first["index"].values)
    rejects = pd.concat(rej, ignore_index=True) if rej else empty_rejects
    typed = typed.reset_index(drop=True)
    ledger["loaded"], ledger["rejected"] = len(typed), len(rejects)
    return typed, ledger, rejects


def _find_file(folder: Path, entity: str, problems: list[str]) -> Path | None:
    known = suffixes()
    found = [p for p in folder.iterdir() if p.is_file() and p.stem.lower() == entity.lower()
             and p.suffix.lower() in known]
    if not found:
        return None
    found.sort(key=lambda p: known.index(p.suffix.lower()))
    if len(found) > 1:
        problems.append(f"{entity}: several files ({', '.join(p.name for p in found)}); read {found[0].name}")
    return found[0]


def _read_client(folder: Path, problems: list[str]) -> dict:
    path = folder / "client.yaml"
    if not path.exists():
        path = folder / "client.yml"
        if not path.exists():
            return {}
    try:
        data = textfiles.load_yaml(path) or {}
    except FileProblem as exc:
        problems.append(f"{exc}; client details ignored")
        return {}
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError) as exc:
        problems.append(f"{path.name}: not valid YAML ({exc}); client details ignored")
        return {}
    if not isinstance(data, dict):
        problems.append(f"{path.name}: expected keys such as name, technicians, integrations; ignored")
        return {}
    if "integrations" in data and not isinstance(data["integrations"], list):
        problems.append(f"{path.name}: integrations should be a list of names")
        data["integrations"] = [str(data["integrations"])]
    if "technicians" in data:
        try:
            data["technicians"] = int(data["technicians"])
        except (TypeError, ValueError):
            problems.append(f"{path.name}: technicians '{data['technicians']}' is not a number; ignored")
            data.pop("technicians")
    return data


def _pull_caveats(folder: Path) -> list[str]:
    """What `readiness pull` recorded in pull.json that limits what the export can show: history pulled from a
    date on only, and entities it could not pull completely."""
    path = folder / "pull.json"
    if not path.is_file():
        return []
    try:
        record = textfiles.load_json(path)
        since = record.get("history_since")
        entities = record.get("entities") or {}
        caveats = [f"pull.json: the history tables ({', '.join(ents.HISTORY_TABLES)}) were pulled from "
                   f"{since} on only: activity before that date is not in this export"] if since else []
        caveats += [f"pull.json: {name} was not pulled completely ({entry.get('status')}: "
                    f"{str(entry.get('note') or '')[:200]})"
                    for name, entry in sorted(entities.items()) if entry.get("status") != "done"]
        return caveats
    except (FileProblem, AttributeError, TypeError) as exc:
        return [f"pull.json: not a pull record ({exc}); ignored"]


def _date_order_from_client(client: dict, problems: list[str]) -> str | None:
    """Day/month order from client.yaml `date_format` in Autotask's notation ("dd/MM/yyyy" -> "DMY")."""
    fmt = client.get("date_format")
    if not fmt:
        return None
    date_part = str(fmt).split()[0] if str(fmt).split() else ""
    letters = "".join(dict.fromkeys(re.sub(r"[^dMy]", "", date_part)))  # d, M, y in the order they first appear
    order = {"dMy": "DMY", "Mdy": "MDY", "yMd": "YMD"}.get(letters)
    if order is None:
        problems.append(f"client.yaml: date_format '{fmt}' not understood (use dd/MM/yyyy, MM/dd/yyyy or yyyy-MM-dd)")
    return order


def load_export(path: str | Path, date_format: str | None = None, lean: dict | None = None,
                progress=None) -> Export:
    """Load every known entity file in `path` into an Export.

    Raises FileNotFoundError only when `path` is not a folder; any bad content becomes a reject or a problem.
    `date_format` (e.g. "dd/MM/yyyy") overrides both client.yaml and detection. `lean` ({history table: columns},
    what the audit passes: rules.lean_columns(), the columns its rules and facts declare) reads only those
    columns of the big history tables, so a bad value in a column nothing reads rejects no row; by default every
    column is kept. `progress`, if given, is called with each file's name just before that file is loaded.
    """
    if isinstance(lean, bool):
        raise TypeError("lean takes the columns to keep ({history table: columns}, e.g. "
                        "readiness.rules.lean_columns()), not True/False")
    folder = Path(path)
    if not folder.is_dir():
        raise FileNotFoundError(f"export folder not found: {folder}")
    problems: list[str] = []
    client = _read_client(folder, problems)
    if date_format:
        client = {**client, "date_format": date_format}
    labels, kinds = _read_field_info(folder, problems)
    ctx = LoadContext(_date_order_from_client(client, problems), labels, problems, {}, kinds=kinds,
                      history=export_date(client) is None)
    tables, ledger_rows, rejects, used = {}, [], [], set()
    for entity in ents.LOAD_ORDER:
        file = _find_file(folder, entity, problems)
        if file is None:
            continue
        used.add(file.name)
        if progress is not None:
            progress(file.name)
        try:
            table, row, rej = load_entity(file, entity, ctx, lean)
        except Exception as exc:  # noqa: BLE001 - one file's failure never stops the others, and names the file
            problems.append(f"{file.name}: could not be loaded ({type(exc).__name__}: {str(exc)[:200]})")
            table, row, rej = None, {"entity": entity, "file": file.name, "read": 0, "loaded": 0, "rejected": 0,
                                     "read_as": ""}, pd.DataFrame(columns=REJECT_COLUMNS)
        ledger_rows.append(row)
        if len(rej):
            rejects.append(rej)
        if table is not None:
            tables[entity] = table
            name_col = {"Companies": "companyName", "Services": "name"}.get(entity)
            if name_col and name_col in table:
                keys = fold_series(table[name_col])
                counts = keys.value_counts()
                ids = pd.Series(table["id"].values, index=keys)
                ids = ids[~ids.index.duplicated()]
                ids[ids.index.isin(counts[counts > 1].index)] = -1
                ctx.names[entity] = ids.to_dict()
                exact = pd.Series(table["id"].values, index=table[name_col].astype("string").fillna("").str.strip())
                ctx.names[entity + ":exact"] = exact[~exact.index.duplicated(keep=False)].to_dict()
    problems.extend(_unread_files(folder, used))
    problems.extend(_pull_caveats(folder))
    ledger = pd.DataFrame(ledger_rows, columns=LEDGER_COLUMNS)
    rejects_df = pd.concat(rejects, ignore_index=True) if rejects else pd.DataFrame(columns=REJECT_COLUMNS)
    return Export(folder, tables, client, ledger, rejects_df, problems, ctx.picklists, ctx.timings, ctx.notes)


# Files an export folder may hold that are not entity tables.
_NOT_TABLES = {"client.yaml", "client.yml", "pull.json", "readme.md", "readme.txt", "decisions.yaml",
               "suppressions.yaml", ".ds_store", "thumbs.db", "desktop.ini"}


def _unread_files(folder: Path, used: set[str]) -> list[str]:
    """A line for every file in `folder` that was not read, naming the entity it most likely is.

    "Contracts (1).csv" and "TicketsExport.csv" are what browsers and grids name a download; the loader reads only
    "<Entity>.<csv|json|jsonl>", so each such file is named with the name it would be read under."""
    out = []
    known = suffixes()
    stems = {fold(e): e for e in ENTITIES}
    for p in sorted(folder.iterdir(), key=lambda p: p.name.lower()):
        if not p.is_file() or p.name in used or p.name.lower() in _NOT_TABLES or p.name.startswith("."):
            continue
        guess = _nearest_entity(p.stem, stems)
        ext = p.suffix.lower() if p.suffix.lower() in known else ".csv"
        if guess:
            hint = f"rename it {guess}{ext} if it is the {guess} export"
            if p.suffix.lower() not in known:
                hint += " (saved as CSV or JSON)"
        elif p.suffix.lower() in known:
            hint = "no Autotask entity of that name is audited"
        else:
            hint = "only .csv, .json and .jsonl files are read"
        out.append(f"{p.name}: not read; {hint}")
    return out


def _nearest_entity(stem: str, stems: dict[str, str]) -> str | None:
    """The audited entity a file name most likely stands for ("Contracts (1)" -> Contracts), or None."""
    f = fold(stem)
    f = re.sub(r"(export|exported|list|grid|report|data|copy|final|new|old|\d+)+$", "", f) or f
    f = re.sub(r"^(autotask|at|export|copyof)+", "", f) or f
    if f in stems:
        return stems[f]
    if f + "s" in stems:
        return stems[f + "s"]
    close = difflib.get_close_matches(f, list(stems), n=1, cutoff=0.8)
    return stems[close[0]] if close else None

