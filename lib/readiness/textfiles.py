"""Reading the text files of an export safely: encoding, CSV delimiter, JSON and YAML that cannot hurt.

- Encoding is decided before any parsing, so no typed column ever holds undecoded bytes: a byte-order mark
  (UTF-8, UTF-16 LE/BE: Excel's "Unicode text") wins; else the whole file is checked as strict UTF-8 (ASCII
  stretches are skipped at memory speed); a file that is not UTF-8 is Windows-1252, which Autotask's grids write on
  Western Windows (a record holding one of the five bytes Windows-1252 leaves undefined is rejected); a UTF-8 file
  with a few damaged bytes stays UTF-8, and only the records holding a damaged byte are rejected. Decoding uses
  Python's codecs. A statistical detector (charset-normalizer, chardet) is not used: it guesses from letter
  frequencies and can call a short Windows-1252 file Cyrillic or Turkish, while these rules are exact for what
  Autotask and Excel write.
- The CSV delimiter (comma, semicolon as European Excel writes, tab as "Unicode text" writes) is sniffed by
  Python's csv.Sniffer and checked against the header and rows.
- JSON: integers outside an Autotask id's range (64-bit) are kept as text for the typing step to reject;
  NaN/Infinity literals stay text; nesting deeper than MAX_JSON_DEPTH is refused with a clear error; a key given
  twice in one object with different values is reported; control characters inside strings are text; a file
  that is not valid JSON as a whole (cut short, one record broken or nested too deep) is read record by record, so
  a broken record costs only itself; JSON Lines are split on line feeds only (U+2028, U+0085, \\x1c inside a
  string are text, not line ends).
- YAML (client.yaml): at most MAX_YAML_BYTES, and aliases are refused, so no "billion laughs" expansion.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import mmap
import re
from pathlib import Path

import numpy as np
import yaml

CHUNK_BYTES = 1 << 24
MAX_JSON_DEPTH = 64  # an Autotask record nests at most three levels (record -> userDefinedFields -> {name, value})
MAX_YAML_BYTES = 1 << 20
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
DAMAGED_UTF8 = "utf-8 (damaged)"  # UTF-8 with a few bytes that are not: records holding them are rejected
# Decoded in Python with U+FFFD for what cannot be decoded, so one damaged record costs only itself: UTF-8 with a
# few stray bytes, Windows-1252 with a byte it leaves undefined, and UTF-16 (Excel's "Unicode text"), where a file
# cut mid-character must keep its earlier rows.
REPLACING = (DAMAGED_UTF8, "cp1252", "utf-16", "utf-16-le", "utf-16-be")
ENCODING_NAMES = {DAMAGED_UTF8: "UTF-8 with damaged bytes", "utf-8": "UTF-8", "utf-8-sig": "UTF-8 with BOM",
                  "utf-16": "UTF-16 (BOM)", "utf-16-le": "UTF-16 LE", "utf-16-be": "UTF-16 BE",
                  "cp1252": "Windows-1252"}
DUPLICATE_KEYS = "\x00duplicate keys"  # marker key a JSON object with a repeated key carries to the loader
# zip (xlsx, docx), old Excel/OLE, PDF, gzip, 7z: what a binary file "exported as CSV" usually is
_BINARY_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF", b"\x1f\x8b", b"7z\xbc\xaf")


class FileProblem(Exception):
    """A file that cannot be read at all (empty, binary, malformed JSON ...)."""


def detect_encoding(path: Path) -> str:
    """The encoding of a text file, decided before parsing (see the module docstring). Raises FileProblem for an
    empty or binary file."""
    size = path.stat().st_size
    if size == 0:
        raise FileProblem(f"{path.name}: the file is empty")
    with open(path, "rb") as fh:
        head = fh.read(8192)
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    elif unmarked := _utf16_without_bom(head):
        return unmarked
    else:
        encoding = "utf-8"
    if head.startswith(_BINARY_SIGNATURES) or head.count(0) > len(head) // 10:
        # a workbook, archive or PDF saved under a .csv/.json name; one stray NUL in a text file is not that
        raise FileProblem(f"{path.name}: not a text file (binary content); export it again as CSV or JSON")
    if not head.strip(codecs.BOM_UTF8 + b" \r\n\t"):
        raise FileProblem(f"{path.name}: the file is empty")
    if _is_utf8(path):
        return encoding
    if _mostly_utf8(path):
        return DAMAGED_UTF8
    return "cp1252"


def _utf16_without_bom(head: bytes) -> str | None:
    """"utf-16-le"/"utf-16-be" when `head` is plainly UTF-16 text without a mark (every other byte NUL)."""
    sample = head[: len(head) // 2 * 2]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _is_utf8(path: Path) -> bool:
    """True when the whole file is valid UTF-8. ASCII stretches, the common case, are skipped at memory speed
    (numpy over a memory map, no copy); decoding starts at the first chunk holding a byte above 127."""
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        data = np.frombuffer(mm, dtype=np.uint8)
        try:
            start = next((i for i in range(0, len(data), CHUNK_BYTES) if data[i:i + CHUNK_BYTES].max() > 127), None)
        finally:
            del data  # the map cannot close while numpy holds it
        if start is None:
            return True
        decoder = codecs.getincrementaldecoder("utf-8")("strict")
        try:
            for i in range(start, len(mm), CHUNK_BYTES):
                decoder.decode(mm[i:i + CHUNK_BYTES])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _mostly_utf8(path: Path) -> bool:
    """True when a file that is not valid UTF-8 still is UTF-8 with a few damaged bytes: it holds at least as many
    valid multi-byte characters (é written as C3 A9) as invalid bytes. A Windows-1252 file holds almost none."""
    valid = invalid = 0
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK_BYTES):
            text = decoder.decode(chunk)
            if not text.isascii():
                bad = text.count("\ufffd")
                invalid += bad
                valid += len(text) - len(text.encode("ascii", "ignore")) - bad  # non-ASCII characters, counted in C
    return valid > 0 and invalid <= valid


def head_text(path: Path, encoding: str, nbytes: int = 1 << 16) -> str:
    """The first `nbytes` of the file decoded (a character cut at the end is dropped, a BOM removed)."""
    with open(path, "rb") as fh:
        raw = fh.read(nbytes)
    text = codecs.getincrementaldecoder(codec(encoding))("replace").decode(raw, final=False)
    return text.lstrip("\ufeff")


def read_text(path: Path, encoding: str) -> str:
    """The whole file decoded with `encoding` (a leading BOM removed); with an encoding in REPLACING a damaged byte
    becomes U+FFFD, for the loader to reject the record that holds it."""
    errors = "replace" if encoding in REPLACING else "strict"
    return path.read_bytes().decode(codec(encoding), errors).lstrip("\ufeff")


def load_json(path: Path):
    """A whole JSON file, decoded as detect_encoding says and parsed with parse_json's safeguards."""
    return parse_json(read_text(path, detect_encoding(path)))


def codec(encoding: str) -> str:
    """The Python codec for an encoding detect_encoding gives."""
    return "utf-8" if encoding == DAMAGED_UTF8 else encoding


def sniff_delimiter(text: str) -> str:
    """The delimiter of the CSV whose beginning is `text`: comma, semicolon or tab.

    csv.Sniffer's answer is taken when the header splits into more than one column with it and the sample rows
    mostly agree with the header's width; otherwise the candidate whose rows agree best with a wide header wins
    (comma first on a tie, as Autotask writes it)."""
    lines = text.splitlines()
    if len(text) >= 65536 and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut
    sample = "\n".join(lines[:50])
    scores = {d: _agreement(sample, d) for d in DELIMITERS}
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        sniffed = None
    if sniffed in scores and scores[sniffed][1] > 1 and scores[sniffed][0] >= 0.8:
        return sniffed
    order = list(DELIMITERS)
    best = max(order, key=lambda d: (scores[d][1] > 1, scores[d][0] >= 0.8, scores[d][1], -order.index(d)))
    return best if scores[best][1] > 1 else ","


def _agreement(sample: str, delimiter: str) -> tuple[float, int]:
    """(share of sample rows as wide as the header, header width) when `sample` is split on `delimiter`."""
    try:
        rows = list(csv.reader(io.StringIO(sample), delimiter=delimiter))
    except csv.Error:
        return 0.0, 0
    rows = [r for r in rows if r]
    if not rows:
        return 0.0, 0
    width = len(rows[0])
    body = rows[1:] or rows
    return sum(len(r) == width for r in body) / len(body), width


def csv_header(text: str, delimiter: str) -> list[str]:
    """The header row of a CSV whose beginning is `text`."""
    try:
        return next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
    except csv.Error:
        return text.splitlines()[0].split(delimiter) if text else []


# --------------------------------------------------------------------------------------------- JSON

def _object(pairs: list[tuple[str, object]]) -> dict:
    """A JSON object as a dict, marking keys given twice with different values (which one is meant cannot be
    known; the same value twice loses nothing)."""
    out = dict(pairs)
    if len(out) != len(pairs):
        first: dict = {}
        twice = []
        for k, v in pairs:
            if k in first and first[k] != v and k not in twice:
                twice.append(k)
            first.setdefault(k, v)
        if twice:
            out[DUPLICATE_KEYS] = twice
    return out


def _int_or_text(text: str):
    """A JSON integer; one outside a 64-bit id's range stays text so the typing step names it."""
    value = int(text)
    return value if -(2**63) <= value < 2**63 else text


def parse_json(text: str):
    """`text` parsed as JSON with the safeguards above. Raises FileProblem for invalid or too deeply nested JSON."""
    try:
        data = json.loads(text, object_pairs_hook=_object, parse_int=_int_or_text, parse_constant=str, strict=False)
    except RecursionError as exc:
        raise FileProblem(f"JSON nested too deeply to read (over {MAX_JSON_DEPTH} levels); "
                          "not an Autotask REST response") from exc
    except json.JSONDecodeError as exc:
        raise FileProblem(f"not valid JSON at line {exc.lineno} column {exc.colno} ({exc.msg})") from exc
    return data


_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.S)  # a JSON string, or a bracket (everything else skipped)


def salvage_records(text: str) -> tuple[list[tuple[int, object]], int, bool]:
    """Records of a JSON text that is not valid as a whole (cut short, or one record broken or nested too deep),
    found one by one: ([(record number, parsed record or a FileProblem)], records found, whether the text ended
    inside a record).

    Records are the objects of the top-level list or of an `items` list (a REST page, alone or in a list);
    each is parsed on its own, so a broken one costs only itself. Brackets inside strings are skipped."""
    out: list[tuple[int, object]] = []
    stack: list[list] = []  # [kind, is_records_array, record start or -1, is_page]
    last_string = None
    n = 0
    for m in _TOKEN.finditer(text):
        tok = m.group()
        if tok[0] == '"':
            last_string = tok
            continue
        if tok in "[{":
            parent = stack[-1] if stack else None
            if tok == "[":
                records = parent is None or (parent[0] == "{" and last_string == '"items"')
                if records and parent is not None and parent[2] >= 0:
                    parent[3] = True  # an object holding an items list is a page, not a record
                stack.append(["[", records, -1, False])
            else:
                start = m.start() if parent is not None and parent[0] == "[" and parent[1] else -1
                stack.append(["{", False, start, False])
        else:
            if not stack or (tok == "]") != (stack[-1][0] == "["):
                break  # brackets that do not match: the text is damaged from here on
            kind, _, start, page = stack.pop()
            if start >= 0 and not page:
                n += 1
                try:
                    out.append((n, json.loads(text[start:m.end()], object_pairs_hook=_object,
                                              parse_int=_int_or_text, parse_constant=str, strict=False)))
                except RecursionError:
                    out.append((n, FileProblem(f"nested more than {MAX_JSON_DEPTH} levels deep")))
                except json.JSONDecodeError as exc:
                    out.append((n, FileProblem(f"not valid JSON ({exc.msg})")))
        last_string = None
    cut = any(entry[2] >= 0 and not entry[3] for entry in stack)
    if cut:
        n += 1
        out.append((n, FileProblem("the file ends inside this record (cut short)")))
    return out, n, cut


def depth(value, limit: int = MAX_JSON_DEPTH) -> int:
    """Nesting depth of a parsed JSON value (a scalar is 0), counted up to `limit` + 1 at most."""
    level, frontier = 0, [value]
    while frontier and level <= limit:
        nxt = []
        for v in frontier:
            if isinstance(v, dict):
                nxt.extend(v.values())
            elif isinstance(v, list):
                nxt.extend(v)
        if not nxt:
            return level
        level += 1
        frontier = nxt
    return level


def json_lines(text: str):
    """(line number, line) for each non-blank line of JSON Lines text, split on line feeds only."""
    for n, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            yield n, line.rstrip("\r")


# --------------------------------------------------------------------------------------------- YAML

class _NoAliasLoader(yaml.SafeLoader):
    """PyYAML's safe loader that refuses aliases (anchors referenced again), so nothing expands."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.YAMLError(f"aliases (*{event.anchor}) are not accepted, line {event.start_mark.line + 1}")
        return super().compose_node(parent, index)


def load_yaml(path: Path):
    """A small YAML file (at most MAX_YAML_BYTES, no aliases) parsed safely; raises yaml.YAMLError or FileProblem."""
    if path.stat().st_size > MAX_YAML_BYTES:
        raise FileProblem(f"{path.name}: {path.stat().st_size:,} bytes, more than a client file needs "
                          f"(limit {MAX_YAML_BYTES:,})")
    return yaml.load(path.read_bytes().decode("utf-8-sig"), Loader=_NoAliasLoader)  # noqa: S506 - safe loader
