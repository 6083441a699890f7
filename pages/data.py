"""Data: what is loaded, what looks wrong, and loading your own files."""

import tempfile
import tomllib
from pathlib import Path

import pandas as pd
import streamlit as st

from pitwall import adapters, mapping, mapping_form
from pitwall import dashboard as ui
from pitwall.load import load_folder
from pitwall.problems import LoadError
from pitwall.schema import FILE_SUFFIXES, TABLES

CONTRACT = Path(__file__).resolve().parent.parent / "docs" / "import-contract.md"

TABLE_LABELS = {"table_name": "Table", "first": "From", "last": "To"}

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
    ui.table(tables, "loaded-tables", labels=TABLE_LABELS)
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
    "Drop the files as your tools export them: a Shopify orders export, a Google Ads campaign "
    "report, a Meta Ads Manager export, HubSpot contacts or deals are recognised whatever they "
    "are called. Files named after a table (`orders.csv`, `spend.parquet`, `budgets.xlsx`) load "
    "as they are; any other file you map below, once. Revenue is required (orders, or sales "
    "totals). A load replaces the tables it is given and keeps the others; if anything is "
    "wrong, nothing changes."
)
uploads = st.file_uploader(
    "Files (and a pitwall.toml you saved)",
    type=[s.lstrip(".") for s in FILE_SUFFIXES] + ["toml"],
    accept_multiple_files=True,
    key="uploads",
)
uploads = uploads or []
saved = next((u for u in uploads if u.name.lower() == mapping.FILE_NAME), None)
try:
    saved_mapping = mapping.parse(tomllib.loads(saved.getvalue().decode())) if saved else None
except (tomllib.TOMLDecodeError, UnicodeDecodeError, LoadError) as exc:
    st.error(f"{mapping.FILE_NAME} can't be used: {exc}")
    saved_mapping = None
files = [u for u in uploads if u is not saved]
read_as = {u.name: adapters.identify(u.name, u.getvalue(), saved_mapping) for u in files}
if files:
    # a list, not a table: long export names wrap on a phone instead of hiding the answer
    st.markdown("\n".join(f"- `{name}`: {how}" for name, how in read_as.items()))
mappings = []
for i, up in enumerate(u for u in files if read_as[u.name] == adapters.NEEDS_MAPPING):
    with st.expander(f"Map {up.name}", expanded=True, icon=":material/table_edit:"):
        mappings.append(mapping_form.form(up.name, up.getvalue(), key=f"map-{i}-{up.name}"))
toml = mapping.to_toml(
    [*(saved_mapping.files if saved_mapping else ()), *mappings],
    saved_mapping.currency if saved_mapping else None,
)
if mappings:
    st.download_button(
        f"Download the mapping ({mapping.FILE_NAME})",
        toml.encode(),
        file_name=mapping.FILE_NAME,
        mime="application/toml",
        icon=":material/download:",
        help="Upload it with the same files next time, or put it beside them for "
        "`python -m pitwall load DIR`.",
    )
if files and st.button("Validate and load", type="primary", icon=":material/upload:"):
    refused, report = None, None
    with tempfile.TemporaryDirectory() as folder, st.status("Loading…", expanded=True) as box:
        for up in files:
            (Path(folder) / Path(up.name).name).write_bytes(up.getvalue())
        if mappings or saved_mapping:
            (Path(folder) / mapping.FILE_NAME).write_text(toml)
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
        ui.table(report.tables, "loaded-tables", labels=TABLE_LABELS)

with st.expander("The import contract"):
    st.markdown(CONTRACT.read_text())
