"""Pitwall's router: page config, the shared filters, navigation. No business logic."""

import streamlit as st

from pitwall import dashboard

st.set_page_config(page_title="Pitwall", page_icon=":material/speed:", layout="wide")
dashboard.ensure_warehouse()
dashboard.sidebar_filters()

pages = [
    st.Page(
        "pages/spend_balance.py",
        title="Spend balance",
        icon=":material/balance:",
        url_path="spend",
        default=True,
    ),
    st.Page(
        "pages/channel_roi.py", title="Channel ROI", icon=":material/trending_up:", url_path="roi"
    ),
    st.Page("pages/funnel.py", title="Funnel", icon=":material/filter_alt:", url_path="funnel"),
    st.Page("pages/cohorts.py", title="Cohorts", icon=":material/grid_on:", url_path="cohorts"),
    st.Page("pages/data.py", title="Data", icon=":material/database:", url_path="data"),
]
st.navigation(pages).run()
