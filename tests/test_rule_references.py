"""Modules outside the rules name rules only by ids and placements that exist: a misspelt id fails here, not
silently in a report section that stops appearing."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from readiness import checklist
from readiness.report import present
from readiness.rules import RULES, RuleDefinitionError, feeding, rule
from readiness.rules.base import Rule
from readiness.vocabulary import PLACEMENTS

PACKAGE = Path(__file__).resolve().parent.parent / "lib" / "readiness"


def _constants(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value


def _outside_rules():
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if not rel.startswith(("rules/", "synth")):
            yield rel, path


# Calls whose first argument names a rule (or, for feeding, a placement).
_RULE_ARG_CALLS = {"_flagged", "_ran", "_count", "feeding", "_title", "_rule"}


def _rule_references(path: Path):
    """(line, literal) for every string in a rule-naming position: the first argument of the calls above, the
    argument of .eq()/.isin() on a rule_id column, and the items of module constants whose name holds RULE."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    source = path.read_text(encoding="utf-8")

    def strings(node):
        return [(n.lineno, n.value) for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]

    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in _RULE_ARG_CALLS and name not in ("_count",) or (name == "_count" and len(node.args) > 1):
                arg = node.args[1] if name in ("_flagged", "_ran", "_count", "_title") and len(node.args) > 1 \
                    and not (isinstance(node.args[0], ast.Constant)) else node.args[0]
                yield from strings(arg)
            if name in ("eq", "isin") and isinstance(node.func, ast.Attribute) \
                    and "rule_id" in (ast.get_source_segment(source, node.func.value) or "") \
                    and not isinstance(node.args[0], ast.Subscript):  # .eq(row["rule_id"]) compares two columns
                yield from strings(node.args[0])
        if isinstance(node, ast.Assign) and any(isinstance(tg, ast.Name) and re.search(r"(^|_)RULES$", tg.id)
                                                for tg in node.targets):
            yield from strings(node.value)


def test_no_module_outside_the_rules_names_a_rule_that_does_not_exist():
    ids = set(RULES) | {a for r in RULES.values() for a in r.aliases}
    found, wrong = 0, []
    for rel, path in _outside_rules():
        for line, value in _rule_references(path):
            found += 1
            if value not in ids and value not in PLACEMENTS:
                wrong.append(f"{rel}:{line}: {value!r} is neither a rule id nor a placement")
    assert found >= 5, found  # the scan sees the report's and the effort model's references
    assert not wrong, "\n".join(wrong)


def test_the_scan_catches_a_misspelt_id(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text('def f(findings):\n    return findings[findings["rule_id"].eq("service_retird")]\n'
                   'X = _flagged(findings, "contact_missing_emial")\n')
    assert sorted(v for _, v in _rule_references(bad)) == ["contact_missing_emial", "service_retird"]


def test_every_placement_named_outside_the_rules_is_declared():
    named = []
    for rel, path in _outside_rules():
        for line, value in _constants(path):
            if ":" in value and value.split(":")[0] in {p.split(":")[0] for p in PLACEMENTS} \
                    and value.count(":") == 1 and " " not in value and not value.endswith(":"):
                named.append((rel, line, value))
    assert named, "the report, checklist and effort model pick their rules by placement"
    assert not [n for n in named if n[2] not in PLACEMENTS], named


def test_every_placement_is_fed_by_a_rule():
    assert not [p for p in PLACEMENTS if not feeding(p)]
    for placement, *_ in present.NOT_MIGRATE:
        assert feeding(placement)


def test_a_misspelt_placement_fails_at_once():
    with pytest.raises(KeyError, match="unknown placement"):
        feeding("retire:servics")
    with pytest.raises(RuleDefinitionError, match="feeds unknown placements"):
        rule(id="demo_rule", area="services", severity="low", title="Demo condition holds", impact="x",
             remediation="y", entity_type="Service", feeds=("retire:servics",), registry={})(
            lambda ctx: None)


def test_the_checklist_names_no_rule_and_counts_every_rule_declaring_a_checklist_placement():
    """The checklist reads the rules' declarations (feeds and tally), never a rule id of its own."""
    assert not {v for _, v in _constants(Path(checklist.__file__)) if v in RULES}
    assert checklist.checklist_rules() and all(RULES[r].tally for r in checklist.checklist_rules())


def test_aliases_are_declared_once():
    registry: dict[str, Rule] = {}

    def make(rid, aliases):
        def f(ctx):
            return None
        f.__name__ = rid
        return rule(id=rid, area="services", severity="low", title="Demo condition holds", impact="x",
                    remediation="y", entity_type="Service", aliases=aliases, registry=registry,
                    sources=("https://haloitsm.com/guides/article/?kbid=2302",))(f)

    make("service_gone", ("service_retired_old",))
    with pytest.raises(RuleDefinitionError, match="alias 'service_retired_old'"):
        make("service_gone_again", ("service_retired_old",))


@pytest.mark.parametrize("columns, message", [
    ({"Contracts": ("status",)}, "only the history tables"),
    ({"Tickets": ("statuz",)}, "not fields of Autotask's Tickets"),
    ({"Tickets": "status"}, "must be a tuple"),
])
def test_declared_columns_are_checked_when_a_rule_is_declared(columns, message):
    def demo_rule(ctx):
        return None

    with pytest.raises(RuleDefinitionError, match=message):
        rule(id="demo_rule", area="tickets", severity="low", title="Demo condition holds", impact="x",
             remediation="y", entity_type="Ticket", columns=columns, registry={})(demo_rule)


def test_the_lean_load_keeps_what_the_rules_and_facts_declare():
    from readiness.facts import COLUMNS
    from readiness.rules.base import lean_columns

    lean = lean_columns()
    for r in RULES.values():
        for table, names in r.columns.items():
            assert set(names) <= set(lean[table]), (r.id, table)
    for table, names in COLUMNS.items():
        assert set(names) <= set(lean[table]), table
