"""Pitwall's router: page config, the shared filters, navigation. No business logic."""

import streamlit as st

from pitwall import auth, dashboard
from pitwall.navigation import DEFAULT_PAGE, PAGES

st.set_page_config(page_title="Pitwall", page_icon=":material/speed:", layout="wide")
auth.require_login()  # a no-op without an [auth] secrets section (docs/login.md)
dashboard.ensure_warehouse()

# URL paths are the file names (Streamlit's default), so a deep link also resolves on a fresh
# server's first run, before st.navigation has replaced the legacy pages/ navigation. The
# default page answers at "/" and, hidden from the menu, at its own name ("/weekly").
pages = [
    st.Page(
        p.script,
        title=p.title,
        icon=p.icon,
        default=p.path == DEFAULT_PAGE,
        url_path=f"{p.path}-home" if p.path == DEFAULT_PAGE else None,
    )
    for p in PAGES
]
home = next(p for p in PAGES if p.path == DEFAULT_PAGE)
pages.append(st.Page(home.script, title=home.title, url_path=home.path, visibility="hidden"))
page = st.navigation(pages)
dashboard.sidebar_filters(page.url_path)  # the filters the page applies
with dashboard.routing():
    page.run()
