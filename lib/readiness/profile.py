"""The consultancy profile: whose deliverable the report is (name, logo, contact line) and the hourly rate
that turns the effort estimate into money.

A profile is a YAML file given with `--profile FILE` or the READINESS_PROFILE environment variable:

    name: Kinetic Migrations Ltd           # shown on page one and in every page footer
    contact: hello@kinetic.example · +44 20 7946 0000
    logo: logo.png                         # PNG, JPEG or SVG, relative to the profile file; at most 512 KB
    hourly_rate: 125                       # per consultant hour, in `currency`
    currency: GBP                          # ISO 4217 code

Every key is optional. A client's own client.yaml `hourly_rate` and `currency` win over the profile's: the rate
agreed for that client is the one its report must show.
"""

from __future__ import annotations

import base64
import math
import os
import re
from pathlib import Path

import yaml

ENV = "READINESS_PROFILE"
KEYS = ("name", "contact", "logo", "hourly_rate", "currency")
LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml"}
LOGO_MAX_BYTES = 512 * 1024
TEXT_MAX = 200
_CURRENCY = re.compile(r"^[A-Z]{3}$")


class ProfileError(ValueError):
    """The profile file cannot be used; the message names the file and the key."""


def profile_path(given=None) -> Path | None:
    """The profile to use: `given`, else READINESS_PROFILE, else none."""
    value = given if given not in (None, "") else os.environ.get(ENV, "")
    return Path(value) if value else None


def load_profile(path=None) -> dict:
    """The profile at `path` (or READINESS_PROFILE) as {name, contact, logo_data_uri, hourly_rate, currency};
    {} when none is given. Raises ProfileError naming the file and key for anything unusable."""
    path = profile_path(path)
    if path is None:
        return {}
    if path.is_dir():
        raise ProfileError(f"{path} is a folder; give the profile YAML file")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ProfileError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except yaml.YAMLError as exc:
        raise ProfileError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(raw, dict):
        raise ProfileError(f"{path}: must be a mapping of {', '.join(KEYS)}")
    unknown = sorted(set(map(str, raw)) - set(KEYS))
    if unknown:
        raise ProfileError(f"{path}: unknown key(s) {', '.join(unknown)} (known: {', '.join(KEYS)})")
    out: dict = {}
    for key in ("name", "contact"):
        if raw.get(key) not in (None, ""):
            text = str(raw[key]).strip()
            if len(text) > TEXT_MAX:
                raise ProfileError(f"{path}: {key} is {len(text)} characters (at most {TEXT_MAX})")
            out[key] = text
    rate = rate_and_currency(raw, str(path))
    out.update(rate)
    if raw.get("logo") not in (None, ""):
        out["logo_data_uri"] = _logo(path, str(raw["logo"]))
    return out


def rate_and_currency(mapping: dict, where: str) -> dict:
    """{hourly_rate, currency} from a profile or client.yaml mapping ({} when it gives no rate); ProfileError
    for a rate that is not a positive number or a currency that is not a three-letter code."""
    out = {}
    rate = mapping.get("hourly_rate")
    if rate not in (None, ""):
        try:
            value = float(rate)
        except (TypeError, ValueError):
            raise ProfileError(f"{where}: hourly_rate {rate!r} is not a number") from None
        if not math.isfinite(value) or value <= 0:
            raise ProfileError(f"{where}: hourly_rate must be a positive number, got {rate!r}")
        out["hourly_rate"] = value
    currency = mapping.get("currency")
    if currency not in (None, ""):
        code = str(currency).strip().upper()
        if not _CURRENCY.match(code):
            raise ProfileError(f"{where}: currency {currency!r} is not a three-letter ISO 4217 code (GBP, EUR, USD)")
        out["currency"] = code
    return out


def _logo(profile: Path, logo: str) -> str:
    """The logo as a data URI (so the HTML stays self-contained)."""
    file = (profile.parent / logo).resolve()
    kind = LOGO_TYPES.get(file.suffix.lower())
    if kind is None:
        raise ProfileError(f"{profile}: logo {logo!r} must be a PNG, JPEG or SVG file")
    if not file.is_file():
        raise ProfileError(f"{profile}: logo {logo!r} not found (looked at {file})")
    data = file.read_bytes()
    if len(data) > LOGO_MAX_BYTES:
        raise ProfileError(f"{profile}: logo is {len(data) // 1024} KB (at most {LOGO_MAX_BYTES // 1024} KB)")
    if kind == "image/svg+xml" and re.search(rb"<script|javascript:|\bon\w+\s*=", data, re.I):
        raise ProfileError(f"{profile}: logo SVG holds script; use a plain SVG or a PNG")
    return f"data:{kind};base64," + base64.b64encode(data).decode("ascii")


def price_effort(effort: dict, client: dict, profile: dict) -> dict:
    """Hours and, when a rate is known, money for an effort estimate (effort.estimate_effort's output).

    Hours are the migration team's time on the project: weeks x the team's hours a week, low and high. The
    rate is client.yaml's `hourly_rate` (with its `currency`) when given, else the profile's. Returns
    {team_hours_low, team_hours_high[, hourly_rate, currency, cost_low, cost_high, rate_from]}."""
    team = float(effort.get("team_hours_per_week") or 0)
    out = {"team_hours_low": round(float(effort.get("weeks_low") or 0) * team),
           "team_hours_high": round(float(effort.get("weeks_high") or 0) * team)}
    own = rate_and_currency(client or {}, "client.yaml")
    source = own if "hourly_rate" in own else profile or {}
    if "hourly_rate" not in source:
        return out
    rate = float(source["hourly_rate"])
    currency = source.get("currency") or (own.get("currency") if source is not own else None) or ""
    out.update(hourly_rate=rate, currency=currency, rate_from="client.yaml" if source is own else "profile",
               cost_low=round(out["team_hours_low"] * rate), cost_high=round(out["team_hours_high"] * rate))
    return out
