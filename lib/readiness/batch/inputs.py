"""What a batch runs: the client list from a folder of export folders or a CSV/YAML manifest.

Folder input: every non-hidden subfolder is one client's export; the client name is client.yaml's `name`, else
the folder name. Manifest input (.csv, .yaml/.yml): one row/entry per client with `client`, `export` (path,
relative to the manifest's folder) and optional `suppress` (suppressions YAML, same rule). Slugs are made unique
in input order (`acme-it`, `acme-it-2`) so two clients never share an output folder.
"""

from __future__ import annotations

import csv
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from readiness.entities import ENTITIES
from readiness.safe import slugify

MANIFEST_SUFFIXES = (".csv", ".yaml", ".yml")
# A folder holding these directly is one export, not a folder of exports.
_EXPORT_MARKERS = ("client.yaml", "client.yml", "contracts.csv", "contracts.json", "companies.csv", "companies.json")


class BatchInputError(ValueError):
    """INPUT cannot be read as a folder of exports or a manifest (nothing can run)."""


@dataclass
class Client:
    """One client of a batch. `problem` says why it cannot start (empty when it can)."""

    name: str
    slug: str
    export: Path
    suppress: Path | None = None
    problem: str = ""


def client_name_from_export(folder: Path) -> str:
    """client.yaml `name` (or client.yml), else the folder's name; an unreadable client.yaml is ignored here."""
    for fname in ("client.yaml", "client.yml"):
        path = folder / fname
        if not path.is_file():
            continue
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            break  # the audit reports the bad file; the batch only needs a name
        if isinstance(data, dict) and str(data.get("name") or "").strip():
            return str(data["name"]).strip()
        break
    return folder.name


def _unique_slugs(clients: list[Client]) -> list[Client]:
    """Give clients whose names slugify alike distinct slugs (-2, -3 ...) in input order."""
    seen: set[str] = set()
    for c in clients:
        base, n = c.slug, 2
        while c.slug in seen:
            c.slug = f"{base}-{n}"
            n += 1
        seen.add(c.slug)
    return clients


def _holds_export_files(folder: Path) -> bool:
    """True when `folder` has client.yaml or at least one file named after an Autotask entity."""
    known = {e.lower() for e in ENTITIES} | {"client"}
    return any(p.is_file() and p.stem.lower() in known for p in folder.iterdir())


def _from_folder(folder: Path, out: Path | None) -> list[Client]:
    names = {p.name.lower() for p in folder.iterdir() if p.is_file()}
    if names & set(_EXPORT_MARKERS):
        raise BatchInputError(f"{folder} looks like a single export (it holds {', '.join(sorted(names & set(_EXPORT_MARKERS)))}); "
                              "use `readiness report` for one client, or pass the folder that contains the export folders")
    out_r = out.resolve() if out else None
    subs = sorted((p for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))
                   and p.resolve() != out_r), key=lambda p: p.name.casefold())
    clients = []
    for sub in subs:
        if not _holds_export_files(sub):
            # e.g. data/sample/reconcile: a billing-period pair, not a client export
            print(f"skipping {sub.name}/: no Autotask export files in it", file=sys.stderr)
            continue
        name = client_name_from_export(sub)
        clients.append(Client(name=name, slug=slugify(name), export=sub.resolve()))
    return clients


def _manifest_records(path: Path) -> list[dict]:
    """Rows of a CSV or YAML manifest as dicts (keys lower-cased); raises BatchInputError when unreadable."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise BatchInputError(f"cannot read manifest {path}: {exc}") from exc
    if path.suffix.lower() == ".csv":
        rows = list(csv.DictReader(text.splitlines()))
        if rows and "export" not in {str(k).strip().lower() for k in rows[0]}:
            raise BatchInputError(f"manifest {path}: needs an 'export' column (columns: client, export, suppress)")
    else:
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise BatchInputError(f"manifest {path} is not valid YAML: {exc}") from exc
        if isinstance(data, dict):
            data = data.get("clients")
        if data is None:
            data = []
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise BatchInputError(f"manifest {path}: expected a list of entries with client, export, suppress "
                                  "(at the top or under 'clients:')")
        rows = data
    return [{str(k).strip().lower(): ("" if v is None else str(v).strip()) for k, v in r.items() if k is not None}
            for r in rows]


def _from_manifest(path: Path) -> list[Client]:
    base = path.parent
    clients = []
    for number, row in enumerate(_manifest_records(path), start=1):
        export_txt, supp_txt, name = row.get("export", ""), row.get("suppress", ""), row.get("client", "")
        if not (export_txt or name):
            continue  # a blank line in a spreadsheet-made manifest
        export = (base / export_txt).resolve() if export_txt else base.resolve() / f"<row {number}: no export>"
        problem = ""
        if not export_txt:
            problem = f"manifest row {number} has no export path"
        elif not export.is_dir():
            problem = f"export folder not found: {export}"
        suppress = (base / supp_txt).resolve() if supp_txt else None
        if suppress is not None and not problem and not suppress.is_file():
            problem = f"suppressions file not found: {suppress}"
        if not name:
            name = client_name_from_export(export) if export.is_dir() else (Path(export_txt).name or f"row {number}")
        clients.append(Client(name=name, slug=slugify(name), export=export, suppress=suppress, problem=problem))
    return clients


def read_input(input_path, out=None) -> list[Client]:
    """The batch's clients from a folder of export folders or a .csv/.yaml/.yml manifest.

    `out` (the batch output folder) is left out when it sits inside the input folder. Raises BatchInputError when
    INPUT does not exist or cannot be read; an empty list means there was nothing to run.
    """
    path = Path(input_path)
    if path.is_dir():
        clients = _from_folder(path, Path(out) if out else None)
    elif path.is_file():
        if path.suffix.lower() not in MANIFEST_SUFFIXES:
            raise BatchInputError(f"{path}: a manifest must be .csv, .yaml or .yml")
        clients = _from_manifest(path)
    else:
        raise BatchInputError(f"batch input not found: {path}")
    return _unique_slugs(clients)
