"""The client-map file: Autotask client name -> HaloPSA client name, for clients renamed during the move.

CSV with a header row (``autotask_name,halo_name``; ``autotask``/``halo`` also accepted), or YAML as either a
mapping ``{"Autotask name": "HaloPSA name"}`` or a list of ``{autotask_name: ..., halo_name: ...}``.
Names are matched after the same folding as the billing lines, so the map only needs real renames.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from readiness.reconcile.errors import ReconcileError, cell_errors, raise_cell_errors, read_csv_text

_SYNONYMS = {"autotaskname": "autotask_name", "autotask": "autotask_name", "autotaskclient": "autotask_name",
             "autotaskcompany": "autotask_name", "companyname": "autotask_name",
             "haloname": "halo_name", "halo": "halo_name", "haloclient": "halo_name", "halopsa": "halo_name",
             "halopsaname": "halo_name", "halopsaclient": "halo_name", "clientname": "halo_name"}


def read_client_map(path: str | Path | None) -> pd.DataFrame | None:
    """Columns autotask_name, halo_name (text), or None when no file is given."""
    if path in (None, ""):
        return None
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"client map file not found: {path}")
    if path.suffix.lower() in (".yaml", ".yml"):
        df, where = _from_yaml(path)
    else:
        df, where = _from_csv(path)
    return _checked(df, where, path.name)


def _from_csv(path: Path) -> tuple[pd.DataFrame, pd.Series]:
    """(map rows with column synonyms resolved, "row N" label per row)."""
    df, where = read_csv_text(path)
    return df.rename(columns=lambda c: _SYNONYMS.get(_fold(c), c)), where


def _from_yaml(path: Path) -> tuple[pd.DataFrame, pd.Series]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except yaml.YAMLError as exc:
        raise ReconcileError(f"{path.name}: not valid YAML ({exc})") from exc
    if isinstance(data, dict) and isinstance(data.get("clients"), (list, dict)):
        data = data["clients"]
    if isinstance(data, dict):
        df = pd.DataFrame({"autotask_name": list(data.keys()), "halo_name": list(data.values())}, dtype=object)
    elif isinstance(data, list) and all(isinstance(r, dict) for r in data):
        df = pd.DataFrame(data).rename(columns=lambda c: _SYNONYMS.get(_fold(c), c))
    else:
        raise ReconcileError(f"{path.name}: expected a mapping 'Autotask name: HaloPSA name' or a list of "
                             "{autotask_name, halo_name} entries")
    return df, "entry " + pd.Series(range(1, len(df) + 1), index=df.index).astype(str)


def _checked(df: pd.DataFrame, where: pd.Series, name: str) -> pd.DataFrame:
    """Both columns present, no empty names, no Autotask name mapped to two different HaloPSA names."""
    missing = [c for c in ("autotask_name", "halo_name") if c not in df]
    if missing:
        raise ReconcileError(f"{name}: missing column(s) {', '.join(missing)} "
                             f"(expected autotask_name,halo_name; found: {', '.join(map(str, df.columns)) or 'none'})")
    out = pd.DataFrame({c: df[c].astype("string").str.strip() for c in ("autotask_name", "halo_name")})
    out = out.replace("", pd.NA)
    errors = [cell_errors(name, where, c, out[c].isna(), "is empty") for c in ("autotask_name", "halo_name")]
    key = out["autotask_name"].str.lower()
    clash = key.notna() & key.duplicated(keep=False) & (out.groupby(key)["halo_name"].transform("nunique") > 1)
    errors.append(cell_errors(name, where, "autotask_name", clash, "is mapped to more than one HaloPSA name",
                              out["autotask_name"]))
    raise_cell_errors(errors)
    return out.drop_duplicates().reset_index(drop=True)


def _fold(text: object) -> str:
    return "".join(ch for ch in str(text).lower() if ch.isalnum())
