"""The Data page's mapping form for an uploaded file in any shape: pick the table, match its
columns from drop-downs, see the first rows as they will load, and take the mapping away as
pitwall.toml. Streamlit glue, like dashboard.py; the reading itself is pitwall/mapping.py and
pitwall/adapters/mapped.py. These widgets live in the session, not the URL: a file upload
cannot travel in a link."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from pitwall.adapters import header_of, mapped
from pitwall.mapping import FileMapping
from pitwall.schema import TABLES

NUMBERS = {  # how numbers look -> (decimal, thousands)
    "1234.56 or 1,234.56": (".", ","),
    "1234,56 or 1.234,56": (",", "."),
    "1 234,56": (",", " "),
}
DATES = {
    "2025-03-14 (ISO)": None,
    "14.03.2025": "%d.%m.%Y",
    "14/03/2025 (day first)": "%d/%m/%Y",
    "03/14/2025 (month first)": "%m/%d/%Y",
    "14-03-2025": "%d-%m-%Y",
    "14.03.25": "%d.%m.%y",
}
SEPARATORS = {"Guess": None, "; semicolon": ";", ", comma": ",", "Tab": "\t", "| pipe": "|"}
NONE, CONSTANT = "— not in the file —", "✎ the same value on every row"


def _guess_table(name: str) -> str:
    stem = Path(name).stem.lower()
    return next((t for t in TABLES if t in stem), "sales")


def form(name: str, data: bytes, key: str) -> FileMapping:
    """The mapping the user builds for `name`, with its preview."""
    tables = list(TABLES)
    guessed = mapped.guess(name, data)
    numbers_at = next(
        (i for i, v in enumerate(NUMBERS.values()) if v == (guessed.decimal, guessed.thousands)),
        0,
    )
    dates_at = list(DATES.values()).index(guessed.date_format)
    c1, c2, c3 = st.columns(3)
    table = c1.selectbox(
        "Table",
        tables,
        index=tables.index(_guess_table(name)),
        key=f"{key}-table",
        help="The contract table this file fills (docs: The import contract, below).",
    )
    skip = c2.number_input(
        "Rows above the header",
        0,
        100,
        guessed.skip_rows,
        key=f"{key}-skip",
        help="Title or date lines above the row of column names.",
    )
    separator = c3.selectbox("Separator", list(SEPARATORS), key=f"{key}-sep")
    c4, c5, c6 = st.columns(3)
    numbers = c4.selectbox("Numbers look like", list(NUMBERS), index=numbers_at, key=f"{key}-num")
    dates = c5.selectbox(
        "Dates look like",
        list(DATES),
        index=dates_at,
        key=f"{key}-dates",
        help="A date like 03/04/2025 is never guessed: say which comes first.",
    )
    drop = c6.text_input(
        "Drop rows with a cell like",
        ", ".join(guessed.drop_rows),
        key=f"{key}-drop",
        placeholder="Total*, Summe*",
        help="Patterns, comma separated; * stands for anything.",
    )
    decimal, thousands = NUMBERS[numbers]
    base = FileMapping(
        name,
        table,
        delimiter=SEPARATORS[separator],
        decimal=decimal,
        thousands=thousands,
        date_format=DATES[dates],
        skip_rows=int(skip),
        drop_rows=tuple(p.strip() for p in drop.split(",") if p.strip()),
    )
    header = header_of(name, data, base)
    st.caption(
        f"Match {table}'s columns (**bold** ones are required) to the file's: "
        + (", ".join(f"`{h}`" for h in header) or "no header found")
    )
    columns, constants = {}, {}
    suggested = mapped.suggest(name, data, base)
    for i, col in enumerate(TABLES[table].columns):
        if i % 3 == 0:  # a row of three at a time: on a phone they stack in order
            cols = st.columns(3)
        box = cols[i % 3]
        options = [NONE, *header] + ([CONSTANT] if col.type in ("text", "choice") else [])
        default = suggested.get(col.name)
        picked = box.selectbox(
            f"**{col.name}**" if col.required else col.name,
            options,
            index=options.index(default) if default else 0,
            key=f"{key}-{table}-{col.name}",
        )
        if picked == CONSTANT:
            value = box.text_input(
                f"{col.name} on every row", key=f"{key}-{table}-{col.name}-value"
            )
            if value.strip():
                constants[col.name] = value.strip()
        elif picked != NONE:
            columns[col.name] = picked
    chosen = FileMapping(
        name,
        table,
        columns,
        constants,
        base.delimiter,
        decimal,
        thousands,
        base.date_format,
        base.skip_rows,
        base.drop_rows,
    )
    frame, problems = mapped.preview(name, data, chosen)
    st.caption("The first rows as they will load (row = the file's own row):")
    st.dataframe(frame.fillna(""), hide_index=True, width="stretch")
    for p in problems:
        st.warning(str(p), icon=":material/warning:")
    return chosen
