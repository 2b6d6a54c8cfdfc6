"""Regenerate lib/readiness/data/autotask_fields.json, the loader's field types, from Autotask's REST model.

Input: ``tools/autotask-rest-fields.json`` (entity -> {field: C# type}), extracted from the ``*Model.cs`` files of
panoramicdata/AutoTask.Psa.Api @ 9537e5e (MIT), a client library generated from Autotask's REST swagger and kept
current. Usage:

    python tools/gen_autotask_fields.py [path/to/a/newer/autotask-rest-fields.json]

Each C# type becomes one of the loader's kinds (readiness.entities):

- ``long?`` / ``int?`` named ``id`` or ``...ID`` / ``...Id``: an id;
- ``int?`` named ``is...``: a flag (Autotask writes some flags, e.g. Contact.isActive, as 0/1 integers);
- ``int?`` / ``long?`` whose name says it counts or measures (units, ...Count, ...Bytes, ...Seconds, number of ...):
  a whole number;
- any other ``int?``: a picklist code (Autotask's picklists are integer-coded: status, priority, contractType);
- any other ``long?``: a whole number;
- ``double?`` / ``decimal?``: a number; ``bool?``: a flag; ``DateTime?``: a date; ``string``: text kept as written;
- lists (userDefinedFields) and nested objects are not columns and are left out.

The tenant's own ``fields/<Entity>.json`` (entityInformation/fields), when an export carries it, overrides this.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "tools" / "autotask-rest-fields.json"
TARGET = ROOT / "lib" / "readiness" / "data" / "autotask_fields.json"
PROVENANCE = ("Autotask REST model, from panoramicdata/AutoTask.Psa.Api AutoTask.Psa.Api/Data/*Model.cs @ 9537e5e "
              "(2026-04-29, MIT), generated from Autotask's REST swagger; regenerate with tools/gen_autotask_fields.py")

# camelCase word ends, so "generalLedgerAccount" is not a count
_COUNTS = re.compile(r"(^units|Units|Count|Bytes|Kilobytes|Megabytes|Seconds|PerSecond|Temperature)$|(^n|N)umberOf")


def kind_of(name: str, cs_type: str) -> str | None:
    """The loader kind for one field of Autotask's REST model (None: not a column)."""
    t = cs_type.rstrip("?")
    if t in ("long", "int"):
        if name == "id" or name.endswith(("ID", "Id")):
            return "id"
        if t == "int" and re.match(r"^is[A-Z]", name):
            return "bool"
        if _COUNTS.search(name) or t == "long":
            return "integer"
        return "picklist"
    return {"double": "number", "decimal": "number", "float": "number", "bool": "bool", "DateTime": "date",
            "string": "text", "byte[]": "text"}.get(t)


def generate(model: dict) -> dict:
    """{"source": ..., "kinds": {Entity (singular): {field: kind}}} for every entity of the model."""
    kinds = {}
    for entity in sorted(model):
        fields = {f: kind_of(f, t) for f, t in sorted(model[entity].items())}
        fields = {f: k for f, k in fields.items() if k is not None}
        if fields:
            kinds[entity] = fields
    return {"source": PROVENANCE, "kinds": kinds}


def main(argv: list[str]) -> int:
    source = Path(argv[1]) if len(argv) > 1 else SOURCE
    out = generate(json.loads(source.read_text(encoding="utf-8")))
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    n = sum(len(v) for v in out["kinds"].values())
    print(f"{TARGET.relative_to(ROOT)}: {len(out['kinds'])} entities, {n} fields")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
