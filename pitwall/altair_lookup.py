"""Altair's schema-class lookup, built once.

Every shorthand an encoding is given ("channel:N") goes through `SchemaBase.from_dict`, which
builds a table of every schema class's hash (about 600 of them) before looking one up: some
2 ms a string, a chart's largest cost. The table depends only on the classes, so it is built
once per class here. vega/altair#3547 proposes the same upstream; drop this when a release
has it.
"""

from __future__ import annotations

from typing import Any

from altair.utils import schemapi

# Altair's own (the classmethod object), kept for the test that compares the two
ALTAIRS = schemapi.SchemaBase.__dict__["from_dict"]
_converters: dict[type, schemapi._FromDict] = {}


def _from_dict(cls, dct: dict[str, Any], validate: bool = True):
    if validate:
        cls.validate(dct)
    converter = _converters.get(cls)
    if converter is None:
        converter = _converters[cls] = schemapi._FromDict(cls._default_wrapper_classes())
    return converter.from_dict(dct, cls)


def install() -> None:
    """Idempotent: charts.py calls it on import."""
    if schemapi.SchemaBase.__dict__["from_dict"] is ALTAIRS:
        schemapi.SchemaBase.from_dict = classmethod(_from_dict)
