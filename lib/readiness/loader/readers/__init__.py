"""Readers of export files, one per shape, registered by shape name (see registry).

A reader is a detect(source) -> bool and a read(source) -> RawRead. To read a new shape (an .xlsx grid export,
say), write its module and register it below; readers of the same suffix are tried in the order registered."""

from readiness.loader.readers import capture_sheet, grid_csv, rest_csv, rest_json
from readiness.loader.readers.registry import (READERS, RawRead, Reader, Source, read, reader_for,
                                               register_reader, suffixes)

# The order of the suffixes is also which file wins when an entity has several: .json, then .jsonl, then .csv.
register_reader("rest-json", rest_json.detect, rest_json.read, suffixes=(".json",))
register_reader("json-lines", rest_json.detect, rest_json.read_lines, suffixes=(".jsonl",))
register_reader("capture-sheet", capture_sheet.detect, capture_sheet.read, suffixes=(".csv",))
register_reader("rest-csv", rest_csv.detect, rest_csv.read, suffixes=(".csv",))
register_reader("grid-csv", grid_csv.detect, grid_csv.read, suffixes=(".csv",))  # last: it takes any CSV

__all__ = ["READERS", "RawRead", "Reader", "Source", "read", "reader_for", "register_reader", "suffixes"]
