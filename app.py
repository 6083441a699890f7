"""Pitwall's router: page config, the shared filters, navigation. No business logic."""

import streamlit as st

from pitwall import auth, dashboard
from pitwall.navigation import DEFAULT_PAGE, PAGES

st.set_page_config(page_title="Pitwall", page_icon=":material/speed:", layout="wide")
auth.require_login()  # a no-op without an [auth] secrets section (docs/login.md)
dashboard.ensure_warehouse()

# URL paths are the file names (Streamlit's default), so a deep link also resolves on a fresh
# server's first run, before st.navigation has replaced the legacy pages/ navigation.
page = st.navigation(
    [st.Page(p.script, title=p.title, icon=p.icon, default=p.path == DEFAULT_PAGE) for p in PAGES]
)
dashboard.sidebar_filters(page.url_path)  # the filters the page applies
with dashboard.routing():
    page.run()
