"""Pitwall's router: page config, the shared filters, navigation. No business logic."""

import streamlit as st

from pitwall import auth, dashboard

st.set_page_config(page_title="Pitwall", page_icon=":material/speed:", layout="wide")
auth.require_login()  # a no-op without an [auth] secrets section (docs/login.md)
dashboard.ensure_warehouse()
dashboard.sidebar_filters()

pages = [
    st.Page("pages/weekly.py", title="Weekly review", icon=":material/event_note:", default=True),
    st.Page("pages/spend_balance.py", title="Spend balance", icon=":material/balance:"),
    st.Page("pages/channel_roi.py", title="Channel ROI", icon=":material/trending_up:"),
    st.Page("pages/budget_planner.py", title="Budget planner", icon=":material/tune:"),
    st.Page("pages/funnel.py", title="Funnel", icon=":material/filter_alt:"),
    st.Page("pages/cohorts.py", title="Cohorts", icon=":material/grid_on:"),
    st.Page("pages/data.py", title="Data", icon=":material/database:"),
]
# URL paths are the file names (Streamlit's default), so a deep link also resolves on a fresh
# server's first run, before st.navigation has replaced the legacy pages/ navigation.
with dashboard.routing():
    st.navigation(pages).run()
