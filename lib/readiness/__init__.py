"""Autotask PSA -> HaloPSA migration readiness workbook."""

__version__ = "0.1.0"
