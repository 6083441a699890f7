"""Data: what is loaded, what looks wrong, and loading your own files."""

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from pitwall import dashboard as ui
from pitwall.load import load_folder
from pitwall.problems import LoadError
from pitwall.schema import FILE_SUFFIXES, TABLES

CONTRACT = Path(__file__).resolve().parent.parent / "docs" / "import-contract.md"

ui.page_header("Data")
status = ui.current_status()
st.subheader("Loaded tables")
tables = status["tables"]
if tables.empty:
    st.info("Nothing is loaded yet. " + ui.LOAD_HINT)
else:
    st.caption(
        f"Last load: {status['info'].get('loaded_at', '–')} · "
        f"{'demo data' if status['info'].get('origin') == 'demo' else 'your files'}"
    )
    st.dataframe(
        tables.rename(columns={"table_name": "table", "first": "from", "last": "to"}),
        hide_index=True,
        width="stretch",
    )
    missing = [t for t in TABLES if t not in status["loaded"]]
    if missing:
        st.caption("Not loaded: " + ", ".join(f"`{t}`" for t in missing))

st.subheader("Data health")
health = ui.view("health")
flagged = health[health["affected"] > 0]
if flagged.empty:
    st.success("No warnings.", icon=":material/check_circle:")
for row in flagged.itertuples():
    st.warning(f"**{row.check_name}**: {row.affected:,} {row.detail}.", icon=":material/warning:")

st.subheader("Load your own files")
st.write(
    "One file per table, named after it (`orders.csv`, `spend.parquet`, `budgets.xlsx`). "
    "Only `orders` is required. A load replaces the tables it is given and keeps the "
    "others; if anything is wrong, nothing changes."
)
uploads = st.file_uploader(
    "Table files",
    type=[s.lstrip(".") for s in FILE_SUFFIXES],
    accept_multiple_files=True,
    key="uploads",
)
if uploads and st.button("Validate and load", type="primary", icon=":material/upload:"):
    refused, report = None, None
    with tempfile.TemporaryDirectory() as folder, st.status("Loading…", expanded=True) as box:
        for up in uploads:
            (Path(folder) / Path(up.name).name).write_bytes(up.getvalue())
        try:
            report = load_folder(Path(folder), ui.warehouse().path, progress=box.write)
        except LoadError as exc:
            refused = exc
            box.update(
                label=f"Nothing was loaded: {len(exc.problems)} problem(s)",
                state="error",
                expanded=False,
            )
        else:
            box.update(label="Loaded", state="complete", expanded=False)
    # results below the progress box, so they stay in view when it folds
    if refused:
        st.error("Fix these and load the files again; the warehouse is unchanged.")
        problems = pd.DataFrame([p.as_dict() for p in refused.problems])
        ui.table(problems[["file", "row", "column", "value", "message", "code"]], "problems")
    elif report:
        st.success("Loaded. Every page now shows the new data.", icon=":material/check_circle:")
        for note in report.notes:
            st.caption(note)
        st.dataframe(report.tables, hide_index=True, width="stretch")

with st.expander("The import contract"):
    st.markdown(CONTRACT.read_text())
