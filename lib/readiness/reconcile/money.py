"""Money of the reconciliation: exact decimals, the currency's minor unit, half-up rounding, and where the currency
comes from.

Rules:
- Every amount is a ``decimal.Decimal``, never a float: numbers the readers parsed as floats are taken back to the
  decimal text they were written as (``Decimal(repr(x))``: the shortest text that reads back as the same float,
  which is the file's own text for any amount of up to 15 significant digits), so ``0.1 + 0.2`` is ``0.3``.
- Each source line's amount is rounded to the currency's minor unit, as an invoice prints that line, and every sum
  and difference after that is exact, so every total on the sign-off page and in the CSV files is the sum of the
  rounded amounts shown above it.
- Rounding is ROUND_HALF_UP (0.105 -> 0.11, -0.105 -> -0.11: halves go away from zero), the rule invoices and
  accounting packages use; Python's default ROUND_HALF_EVEN ("banker's rounding", 0.105 -> 0.10) is avoided on
  purpose because a billing administrator checking a line by hand would not get the same cents.
- Minor units are ISO 4217's: 2 decimals for every currency except those in MINOR_UNITS. Unit prices are rates,
  not amounts: they keep up to 4 decimals (at least the minor unit's).
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import pandas as pd

# ISO 4217 currencies whose minor unit is not 2 decimals ("Minor unit" column of List One, current currency & funds,
# maintained by SIX for ISO: https://www.six-group.com/en/products-services/financial-information/data-standards.html,
# file https://www.six-group.com/dam/download/financial-information/data-center/iso-currrency/lists/list-one.xml).
# Babel's get_currency_precision is not used: it follows CLDR's display digits, which differ from ISO 4217 for
# several codes (IQD has 3 decimals in ISO, 0 in CLDR; RSD, LAK, IRR have 2 in ISO, 0 in CLDR).
MINOR_UNITS = {
    **dict.fromkeys(("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND",
                     "VUV", "XAF", "XOF", "XPF"), 0),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
    **dict.fromkeys(("CLF", "UYW"), 4),
}
DEFAULT_MINOR_UNIT = 2  # ISO 4217's for every other currency; also used when the currency is unknown
PRICE_DECIMALS = 4  # most decimals a unit price is shown with
_CODE = re.compile(r"[A-Z]{3}")
UNKNOWN_NOTE = ("currency unknown: neither the Autotask export's client.yaml (currency) nor the HaloPSA file names "
                "it; amounts are shown as bare numbers rounded to 2 decimals")


def minor_unit(currency: str | None) -> int:
    """Decimals of `currency`'s minor unit (ISO 4217); 2 for any other code and for an unknown currency."""
    return MINOR_UNITS.get((currency or "").upper(), DEFAULT_MINOR_UNIT)


def quantum(exponent: int) -> Decimal:
    """The smallest amount of a currency with `exponent` decimals: 0.01, 1, 0.001."""
    return Decimal(1).scaleb(-exponent)


def to_decimal(x) -> Decimal | None:
    """`x` (Decimal, int, float, numpy number, numeric text) as an exact Decimal; None for missing, NaN or inf.

    A float is read back through its shortest repr, so 0.105 becomes Decimal("0.105"), not the binary value
    0.10499999999999999611..."""
    if x is None or isinstance(x, bool):
        return None
    if isinstance(x, Decimal):
        return x if x.is_finite() else None
    if isinstance(x, int):
        return Decimal(x)
    if isinstance(x, str):
        try:
            d = Decimal(x.strip())
        except InvalidOperation:
            return None
        return d if d.is_finite() else None
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(f):
        return None
    if f.is_integer() and abs(f) < 2**53:
        return Decimal(int(f))
    return Decimal(repr(f))


def amount_or_product(amount, qty, price):
    """A line's amount: `amount` where given (kept as it is, so an inf or NaN still reaches the checks that leave
    such a line out), else `qty` * `price` worked out exactly (0.035 x 3 is 0.105, not 0.10500000000000001);
    None when neither is there."""
    if not _missing(amount):
        return amount
    if _missing(qty) or _missing(price):
        return None
    q, p = to_decimal(qty), to_decimal(price)
    return q * p if q is not None and p is not None else float(qty) * float(price)


def _missing(x) -> bool:
    return x is None or (not isinstance(x, Decimal) and bool(pd.isna(x)))


def round_money(x: Decimal | None, exponent: int) -> Decimal | None:
    """`x` rounded half-up (away from zero) to `exponent` decimals; None stays None."""
    if x is None:
        return None
    # ROUND_HALF_UP on purpose (see the module docstring): 0.105 -> 0.11, 2.5 JPY -> 3.
    return x.quantize(quantum(exponent), rounding=ROUND_HALF_UP)


def round_price(x: Decimal | None, exponent: int) -> Decimal | None:
    """A unit price rounded half-up to PRICE_DECIMALS (or the minor unit, when that has more decimals)."""
    return round_money(x, max(exponent, PRICE_DECIMALS))


def plain(x: Decimal | None, exponent: int) -> str:
    """CSV text of an amount: exactly `exponent` decimals, no thousands separator ("1035.00", "-5.00", "1200");
    empty for missing."""
    if x is None:
        return ""
    r = round_money(x, exponent)
    return f"{abs(r) if r == 0 else r:f}"  # never "-0.00"


def plain_price(x: Decimal | None, exponent: int) -> str:
    """CSV text of a unit price: up to PRICE_DECIMALS decimals, at least the minor unit's ("33.333", "45.00")."""
    if x is None:
        return ""
    return _trim(f"{round_price(x, exponent):f}", exponent)


def plain_quantity(x: Decimal | None) -> str:
    """CSV text of a quantity: as exact as summed, without trailing zeros ("23", "2.5")."""
    if x is None:
        return ""
    text = f"{x:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def shown(x: Decimal | None, exponent: int) -> str:
    """An amount for reading: 12,345.60 (JPY 12,346); a dash for a missing value."""
    if x is None:
        return "\u2014"
    r = round_money(x, exponent)
    return f"{abs(r) if r == 0 else r:,.{exponent}f}"


def shown_signed(x: Decimal | None, exponent: int) -> str:
    """A difference for reading, always with its sign unless zero: +12.50, -3.00, 0.00."""
    if x is None:
        return "\u2014"
    r = round_money(x, exponent)
    return f"{abs(r):,.{exponent}f}" if r == 0 else f"{r:+,.{exponent}f}"


def shown_price(x: Decimal | None, exponent: int) -> str:
    """A unit price for reading: 2 to 4 decimals (33.333 is not shown as 33.33 next to a rounding difference)."""
    if x is None:
        return "\u2014"
    return _trim(f"{round_price(x, exponent):,f}", exponent)


def json_number(x: Decimal | None, exponent: int):
    """An amount for summary.json, rounded: an int for a 0-decimal currency, else a float whose JSON text is the
    rounded decimal (a float's repr is its shortest round-trip text, exact for amounts below 1e13)."""
    if x is None:
        return None
    r = round_money(x, exponent)
    return int(r) if exponent == 0 else float(r)


def _trim(text: str, keep: int) -> str:
    """Drop trailing zeros after the point, keeping at least `keep` decimals."""
    if "." not in text:
        return text
    whole, frac = text.split(".")
    frac = frac.rstrip("0")
    frac = frac + "0" * (keep - len(frac)) if len(frac) < keep else frac
    return f"{whole}.{frac}" if frac else whole


def check_code(value, where: str) -> str | None:
    """An ISO 4217 code from a setting (upper-cased); None for empty. Raises ValueError naming `where` for text that
    is not a three-letter code."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    code = str(value).strip().upper()
    if not _CODE.fullmatch(code):
        raise ValueError(f"{where}: currency {value!r} is not a three-letter ISO 4217 code (GBP, EUR, USD, JPY)")
    return code


def codes_in(values) -> tuple[list[str], list[str]]:
    """(ISO-looking codes, other non-empty texts such as symbols) among `values`, each listed once in order."""
    codes: list[str] = []
    other: list[str] = []
    for v in values:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            continue
        text = str(v).strip()
        if not text or text.lower() in ("nan", "none", "<na>"):
            continue
        target = codes if _CODE.fullmatch(text.upper()) and text.isalpha() else other
        item = text.upper() if target is codes else text
        if item not in target:
            target.append(item)
    return codes, other
