"""Real exports in: each sample in tests/exports/ (written for these tests in the header shape
of its tool, with its quirks) loads through `pitwall load` to figures worked out by hand.

tests/exports/shop: a Shopify orders export (79 columns: 8 line-item rows, 5 orders, #1004
cancelled, #1002 refunded 20, #1003 ordered by `A@Example.com`, #1005 without e-mail and with
a UTM campaign no report names), a Google Ads campaign report split by day (preamble, `Total:`
rows, `"1,040.00"`, ` --`), a Meta export (one 5-day row), a HubSpot contacts export.
tests/exports/deals: a HubSpot deals export. tests/exports/sales: German weekly sales totals
with their pitwall.toml, and the Google Ads report.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pitwall import mapping, views
from pitwall.cli import main
from pitwall.filters import Filters
from pitwall.load import load_folder
from pitwall.problems import LoadError
from pitwall.warehouse import open_readonly

EXPORTS = Path(__file__).parent / "exports"
SHOP, DEALS, SALES = EXPORTS / "shop", EXPORTS / "deals", EXPORTS / "sales"
SHOPIFY = "orders_export_1.csv"
ALL = Filters(None, None)


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    path = tmp_path_factory.mktemp("shop") / "warehouse.duckdb"
    report = load_folder(SHOP, path)
    return path, report


@pytest.fixture
def shop_con(shop):
    con = open_readonly(shop[0])
    yield con
    con.close()


def rows(con, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def by_channel(df: pd.DataFrame, column: str) -> dict:
    return {
        r.channel: (None if pd.isna(getattr(r, column)) else getattr(r, column))
        for r in df.itertuples()
    }


def refused(folder: Path, warehouse: Path, **kw) -> list:
    with pytest.raises(LoadError) as err:
        load_folder(folder, warehouse, **kw)
    return err.value.problems


def folder_of(tmp_path: Path, files: dict[str, str | Path]) -> Path:
    folder = tmp_path / "in"
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        if isinstance(content, Path):
            shutil.copy(content, folder / name)
        else:
            (folder / name).write_text(content)
    return folder


# --- the shop folder: every adapter at once -----------------------------------------------


def test_each_file_says_which_adapter_read_it_and_what_it_made(shop):
    notes = shop[1].notes
    assert (
        f"{SHOPIFY}: Shopify orders export → orders (8 line-item rows → 4 orders), customers (3); "
        "1 cancelled order left out; 1 order with a utm_campaign that names no loaded campaign "
        "(unknown_campaign): kept without a campaign"
    ) in notes
    assert (
        "Campaign report.csv: Google Ads campaign report → spend (4 campaign-days), "
        "campaigns (2), channels (Display, Paid search); 3 total rows dropped"
    ) in notes
    assert (
        "Meta-Ads-Export-2025-03.csv: Meta Ads Manager export → spend (7 days), campaigns (2), "
        "channels (Paid social); 1 row covering several days spread evenly over them"
    ) in notes
    assert (
        "hubspot-crm-exports-all-contacts-2025-04-01.csv: HubSpot contacts export → leads (6), "
        "lead_stages (11 stage entries), funnel_stages (lead → mql → sql → opportunity → customer)"
    ) in notes
    sources = dict(zip(shop[1].tables["table_name"], shop[1].tables["source"], strict=True))
    assert sources["orders"] == SHOPIFY
    assert sources["spend"] == "Campaign report.csv + Meta-Ads-Export-2025-03.csv"


def test_shopify_orders(shop_con):
    orders = rows(
        shop_con,
        "SELECT order_id, customer_id, ordered_at, revenue, campaign_id, "
        "sales_channel FROM orders ORDER BY order_id",
    )
    anna = "cust-" + hashlib.sha256(b"email:a@example.com").hexdigest()[:16]
    ben = "cust-" + hashlib.sha256(b"email:b@example.com").hexdigest()[:16]
    dora = "cust-" + hashlib.sha256(b"billing:dora gast|10117").hexdigest()[:16]
    assert [(o[0], o[1], str(o[2]), o[3], o[4], o[5]) for o in orders] == [
        # Subtotal − Refunded Amount; the offset of Created at dropped; utm brand_search is
        # the Google campaign "Brand search" (id 111), spring_sale the Meta "Spring Sale"
        ("#1001", anna, "2025-03-03 10:15:00", 100.0, "111", "web"),
        ("#1002", ben, "2025-03-05 12:00:00", 30.0, None, "web"),  # 50 − 20 refunded
        ("#1003", anna, "2025-03-20 09:00:00", 80.0, "Spring Sale", "web"),  # A@Example.com
        ("#1005", dora, "2025-03-28 18:30:00", 60.0, None, "pos"),  # no e-mail: billing
    ]  # #1004 cancelled
    assert rows(shop_con, "SELECT count(*) FROM customers") == [(3,)]
    assert rows(shop_con, "SELECT value FROM pitwall_meta WHERE key = 'currency'") == [("EUR",)]


def test_ad_reports_spend(shop_con):
    spend = rows(
        shop_con,
        "SELECT campaign_id, CAST(date AS VARCHAR), amount, impressions, "
        "clicks FROM spend ORDER BY campaign_id, date",
    )
    assert spend == [
        ("111", "2025-03-03", 60.0, 1200, 60),
        ("111", "2025-03-04", 1040.0, 10400, 520),  # "1,040.00", "10,400"
        ("222", "2025-03-03", 12.0, 12000, 24),
        ("222", "2025-03-05", 0.0, None, None),  # ` --` everywhere: no cost is 0
        # the 5-day Meta row 2025-03-10..14: 50.00 / 5, 5000 / 5, 12 clicks = 3+3+2+2+2
        ("Retargeting", "2025-03-10", 10.0, 1000, 3),
        ("Retargeting", "2025-03-11", 10.0, 1000, 3),
        ("Retargeting", "2025-03-12", 10.0, 1000, 2),
        ("Retargeting", "2025-03-13", 10.0, 1000, 2),
        ("Retargeting", "2025-03-14", 10.0, 1000, 2),
        ("Spring Sale", "2025-03-03", 30.5, 3000, 45),
        ("Spring Sale", "2025-03-04", 19.5, 2000, 30),
    ]
    assert rows(shop_con, 'SELECT channel, kind, "group" FROM channels ORDER BY channel') == [
        ("Display", "online", "Google Ads"),
        ("Paid search", "online", "Google Ads"),  # Campaign type Search
        ("Paid social", "online", "Meta"),
    ]


def test_channel_roi_from_the_exports(shop_con):
    roi = views.channel_roi(shop_con, ALL)
    # spend: search 60 + 1,040; display 12 + 0; social 30.50 + 19.50 + 50
    assert by_channel(roi, "spend") == {
        "Display": 12.0,
        "Paid search": 1100.0,
        "Paid social": 100.0,
    }
    # last touch: #1001 (100) on Brand search, #1003 (80) on Spring Sale; #1002 and #1005
    # have no campaign (unattributed: 30 + 60)
    assert by_channel(roi, "revenue") == {"Display": 0.0, "Paid search": 100.0, "Paid social": 80.0}
    assert by_channel(roi, "roas") == pytest.approx(
        {"Display": 0.0, "Paid search": 100 / 1100, "Paid social": 0.8}
    )
    # Anna's first order #1001 came by Brand search: one new customer, CAC 1,100
    assert by_channel(roi, "new_customers") == {"Display": 0, "Paid search": 1, "Paid social": 0}
    loose = views.unattributed(shop_con, ALL)
    assert (loose["orders"], loose["revenue"]) == (2, 90.0)


def test_funnel_from_hubspot_lifecycle_dates(shop_con):
    f = views.funnel(shop_con, ALL)
    # furthest stage: 101 customer, 102 opportunity, 103 sql, 104 mql, 105 lead,
    # 106 customer (straight from its create date: skips mql, sql, opportunity)
    assert list(f["stage"]) == ["lead", "mql", "sql", "opportunity", "customer"]
    assert list(f["leads"]) == [6, 5, 4, 3, 2]
    assert list(f["skipped"]) == [0, 1, 1, 1, 0]
    # days in lead before the next stage: 101 1.0417 (25 h), 102 2, 103 1, 104 1, 106 10
    assert f["median_days_in_stage"].iloc[0] == pytest.approx(25 / 24)


def test_cohort_from_shopify_customers(shop_con):
    ret = views.retention(shop_con, ALL)
    first = ret[ret["period"] == 0].iloc[0]
    # Anna, Ben and Dora, all acquired at their first order in March; 100 + 30 + 80 + 60
    assert (first["cohort_size"], first["active_customers"], first["revenue"]) == (3, 3, 270.0)


def test_hubspot_contacts_share_the_customer_id_of_shopify(shop_con):
    assert rows(
        shop_con, "SELECT count(*) FROM leads l JOIN customer_facts c USING (customer_id)"
    ) == [(2,)]  # Anna (101) and Ben (102)


@pytest.mark.parametrize("width", [73, 78])
def test_older_shopify_exports_load(tmp_path, width):
    """Older exports end earlier (73: up to Duties; 78: up to Next Payment Due At)."""
    with open(SHOP / SHOPIFY, newline="") as fh:
        cut = [r[:width] for r in csv.reader(fh)]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(cut)
    folder = folder_of(tmp_path, {"export.csv": out.getvalue()})
    report = load_folder(folder, tmp_path / "w.duckdb")
    assert report.notes[0].startswith("export.csv: Shopify orders export → orders (8 line-item")
    con = open_readonly(tmp_path / "w.duckdb")
    assert rows(con, "SELECT sum(revenue), count(*) FROM orders") == [(270.0, 4)]
    con.close()


# --- problems name the export's own file, row and column -------------------------------------


def test_a_bad_value_names_the_exports_file_row_and_column(tmp_path):
    text = (SHOP / SHOPIFY).read_text().replace("2025-03-20 09:00:00 +0100", "next Tuesday")
    report = (SHOP / "Campaign report.csv").read_text().replace('"1,040.00"', "n/a")
    folder = folder_of(tmp_path, {SHOPIFY: text, "Campaign report.csv": report})
    problems = refused(folder, tmp_path / "w.duckdb")
    found = {(p.code, p.file, p.row, p.column, p.value) for p in problems}
    # #1003 is row 5 as a spreadsheet shows it: header 1, #1001 rows 2 and 3 (its Note
    # Attributes span three lines of text, in one row), #1002 row 4
    assert ("not_a_date", SHOPIFY, 5, "Created at", "next Tuesday") in found
    # the report's title and date range are rows 1 and 2, the header row 3
    assert ("not_a_number", "Campaign report.csv", 5, "Cost", "n/a") in found


def test_google_ads_range_report_spreads_over_its_days(tmp_path):
    report = (
        "Campaign report\n"
        '"March 1, 2025 - March 31, 2025"\n'
        "Campaign status,Campaign,Budget,Campaign type,Impr.,Clicks,CTR,Currency code,Cost\n"
        'Enabled,Shoes - PMax,100.00,Performance Max,"31,000",40,0.13%,EUR,"3,100.00"\n'
        'Total: Account,,,,"31,000",40,0.13%,EUR,"3,100.00"\n'
    )
    toml = '[files."Campaign report.csv".channels]\n"Performance Max" = "PMax"\n'
    folder = folder_of(
        tmp_path,
        {
            "Campaign report.csv": report,
            "pitwall.toml": toml,
            "sales.csv": "date,revenue\n2025-03-31,1000\n",
        },
    )
    result = load_folder(folder, tmp_path / "w.duckdb")
    assert "one range 2025-03-01 to 2025-03-31 spread evenly over its days" in result.notes[0]
    con = open_readonly(tmp_path / "w.duckdb")
    # 3,100 / 31 = 100 a day; 31,000 / 31 = 1,000; 40 clicks = 31 + 9: 2 on the first 9 days
    assert rows(
        con,
        "SELECT count(*), min(amount), max(amount), sum(impressions), "
        "sum(clicks), sum(clicks) FILTER (WHERE clicks = 2) FROM spend",
    ) == [(31, 100.0, 100.0, 31000, 40, 18)]
    assert rows(con, "SELECT channel FROM campaigns") == [("PMax",)]  # the mapping's channel
    con.close()


# --- HubSpot deals ------------------------------------------------------------------------


def test_hubspot_deals_funnel(shop, tmp_path):
    path = tmp_path / "w.duckdb"
    shutil.copy(shop[0], path)
    report = load_folder(DEALS, path)  # replaces the contacts' funnel, keeps the orders
    assert report.notes == [
        "hubspot-crm-exports-all-deals-2025-04-01.csv: HubSpot deals export → leads (5 deals: "
        "1 won, 1 lost), lead_stages (11 stage entries), funnel_stages (HubSpot's default "
        "pipeline), sales (1 won deal)"
    ]
    con = open_readonly(path)
    f = views.funnel(con, ALL)
    # 201 closed won, 202 contract sent, 203 lost (first stage only), 204 appointment
    # scheduled (internal name), 205 "Qualified To Buy (Sales Pipeline)"
    assert list(f["stage"]) == [
        "appointment scheduled",
        "qualified to buy",
        "presentation scheduled",
        "decision maker bought-in",
        "contract sent",
        "closed won",
    ]
    assert list(f["leads"]) == [5, 3, 2, 2, 2, 1]
    assert rows(
        con,
        "SELECT stage, CAST(entered_at AS VARCHAR) FROM lead_stages "
        "WHERE lead_id IN ('201', '203') AND stage IN ('closed won', 'lost') "
        "ORDER BY lead_id",
    ) == [("closed won", "2025-03-20 10:00:00"), ("lost", "2025-03-15 17:00:00")]
    assert rows(con, "SELECT CAST(date AS VARCHAR), revenue FROM sales") == [("2025-03-20", 5000.0)]
    con.close()


def test_a_deal_stage_of_another_pipeline_is_refused_unless_mapped(tmp_path):
    deals = (DEALS / "hubspot-crm-exports-all-deals-2025-04-01.csv").read_text()
    deals = deals.replace("Contract Sent,Sales Pipeline", "Demo booked,Partner Pipeline")
    folder = folder_of(tmp_path, {"deals.csv": deals})
    problems = refused(folder, tmp_path / "w.duckdb")
    stage = next(p for p in problems if p.code == "unknown_stage")
    assert (stage.file, stage.row, stage.column, stage.value) == (
        "deals.csv",
        3,
        "Deal Stage",
        "Demo booked",
    )
    assert '"Demo booked" = "contractsent"' in stage.message
    (folder / "pitwall.toml").write_text(
        '[files."deals.csv".stages]\n"Demo booked" = "presentationscheduled"\n'
    )
    load_folder(folder, tmp_path / "w.duckdb")
    con = open_readonly(tmp_path / "w.duckdb")
    assert list(views.funnel(con, ALL)["leads"]) == [5, 3, 2, 1, 1, 1]
    con.close()


def test_contacts_make_the_funnel_when_deals_come_too(tmp_path):
    folder = folder_of(
        tmp_path,
        {
            "contacts.csv": SHOP / "hubspot-crm-exports-all-contacts-2025-04-01.csv",
            "deals.csv": DEALS / "hubspot-crm-exports-all-deals-2025-04-01.csv",
            "sales.csv": "date,revenue\n2025-03-31,1000\n",
        },
    )
    report = load_folder(folder, tmp_path / "w.duckdb")
    assert any(
        n.startswith("deals.csv: HubSpot deals export → nothing; left out: the contacts")
        for n in report.notes
    )


# --- mappings, currency, sales totals --------------------------------------------------------


@pytest.fixture(scope="module")
def sales(tmp_path_factory):
    path = tmp_path_factory.mktemp("sales") / "warehouse.duckdb"
    return path, load_folder(SALES, path)


def test_german_weekly_sales_load_through_the_mapping(sales):
    path, report = sales
    assert "Umsatz_2025.csv: mapping (pitwall.toml) → sales (3 rows); 1 row dropped (Summe*)" in (
        report.notes
    )
    con = open_readonly(path)
    assert rows(
        con, "SELECT CAST(date AS VARCHAR), revenue, channel, region FROM sales ORDER BY date"
    ) == [
        ("2025-03-03", 1234.56, "Trade fairs", "Nord"),  # 03.03.2025; 1.234,56
        ("2025-03-10", 2000.0, "Trade fairs", "Süd"),
        ("2025-03-17", 765.44, "Trade fairs", "Nord"),
    ]
    con.close()


def test_channel_roi_with_sales_totals_shows_spend_and_no_roi(sales):
    con = open_readonly(sales[0])
    roi = views.channel_roi(con, ALL)
    assert by_channel(roi, "spend") == {"Display": 12.0, "Paid search": 1100.0}
    # revenue is not attributed: empty, never 0 with an ROI of −100 %
    assert by_channel(roi, "revenue") == {"Display": None, "Paid search": None}
    assert by_channel(roi, "roi") == {"Display": None, "Paid search": None}
    assert views.sales_revenue(con, ALL) == {"attributed": False, "revenue": 4000.0, "rows": 3}
    march_10_on = Filters(pd.Timestamp("2025-03-10").date(), None)
    assert views.sales_revenue(con, march_10_on)["revenue"] == pytest.approx(2765.44)
    tiles = views.roi_totals(roi)
    assert (tiles["spend"], pd.isna(tiles["roas"])) == (1112.0, True)
    con.close()


def test_channel_roi_page_says_revenue_is_not_attributed(sales, monkeypatch):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("PITWALL_WAREHOUSE", str(sales[0]))
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file("../app.py", default_timeout=60)
    at.query_params["period"] = "All time"
    at.switch_page("pages/channel_roi.py").run()
    assert not at.exception, [e.value for e in at.exception]
    text = " ".join(i.value for i in at.info)
    assert "Revenue is not tied to campaigns" in text and "€4,000" in text
    # no leads and no customers: only what there is; no attribution controls (nothing to share)
    # (the Google Ads report's impressions and clicks give the media tiles below them)
    media = {"Impressions", "Clicks", "CTR", "CPC", "CPM"}
    tiles = {m.label: m.value for m in at.metric if m.label not in media}
    assert tiles == {"Spend": "€1,112", "Sales revenue": "€4,000"}
    assert [b.key for b in at.get("button_group")] == ["kind"] and not at.number_input
    shown = " ".join(str(df.value.to_csv()) for df in at.dataframe)
    assert "-1.0" not in shown and "roi" not in shown.lower()
    st.cache_resource.clear()
    st.cache_data.clear()


def test_weekly_review_says_its_revenue_follows_orders(sales, monkeypatch):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("PITWALL_WAREHOUSE", str(sales[0]))
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file("../app.py", default_timeout=60)
    at.switch_page("pages/weekly.py").run()  # the last week: 2025-W11, 10..16 March
    assert not at.exception, [e.value for e in at.exception]
    assert any(
        "Revenue here follows orders" in i.value and "€2,000 this week" in i.value for i in at.info
    )
    st.cache_resource.clear()
    st.cache_data.clear()


def test_an_ambiguous_date_is_refused_with_both_readings(tmp_path):
    folder = folder_of(
        tmp_path,
        {
            "Kasse.csv": "Datum;Umsatz\n13/04/2025;10,00\n03/04/2025;12,50\n",
            "pitwall.toml": '[files."Kasse.csv"]\ntable = "sales"\ndecimal = ","\n'
            '[files."Kasse.csv".columns]\ndate = "Datum"\nrevenue = "Umsatz"\n',
        },
    )
    problems = refused(folder, tmp_path / "w.duckdb")
    assert len(problems) == 1  # 13/04/2025 has one reading; no not_a_date on top
    p = problems[0]
    assert (p.code, p.file, p.row, p.column, p.value) == (
        "ambiguous_date",
        "Kasse.csv",
        3,
        "Datum",
        "03/04/2025",
    )
    assert "3 April 2025" in p.message and "March 4, 2025" in p.message
    assert '"%d/%m/%Y"' in p.message and '"%m/%d/%Y"' in p.message


def test_a_file_in_another_currency_is_refused_unless_the_mapping_gives_a_rate(tmp_path):
    meta = (SHOP / "Meta-Ads-Export-2025-03.csv").read_text().replace("(EUR)", "(USD)")
    folder = folder_of(tmp_path, {SHOPIFY: SHOP / SHOPIFY, "meta.csv": meta})
    problems = refused(folder, tmp_path / "w.duckdb")
    p = next(p for p in problems if p.code == "wrong_currency")
    assert (p.file, p.column, p.value) == ("meta.csv", "Amount spent (USD)", "USD")
    assert "the file is in USD but the warehouse is in EUR" in p.message
    (folder / "pitwall.toml").write_text('[files."meta.csv"]\nrate = 0.5\n')
    report = load_folder(folder, tmp_path / "w.duckdb")
    assert "amounts in USD converted at 0.5 EUR per USD" in report.notes[0]
    con = open_readonly(tmp_path / "w.duckdb")
    assert rows(con, "SELECT sum(amount) FROM spend") == [(50.0,)]  # 100 USD × 0.5
    con.close()
    # the warehouse is in EUR now: a later USD export alone is refused too
    later = tmp_path / "later"
    later.mkdir()
    (later / "meta.csv").write_text(meta)
    problems = refused(later, tmp_path / "w.duckdb")
    assert [p.code for p in problems] == ["wrong_currency"]


def test_a_broken_mapping_is_one_clear_problem(tmp_path, capsys):
    folder = folder_of(
        tmp_path, {"x.csv": "a\n1\n", "pitwall.toml": '[files."x.csv"]\ntable = "sale"\n'}
    )
    assert main(["load", str(folder), "--warehouse", str(tmp_path / "w.duckdb")]) == 2
    err = capsys.readouterr().err
    assert "no table called 'sale'" in err and "[bad_mapping]" in err
    assert "Traceback" not in err
    (folder / "pitwall.toml").write_text(
        '[files."x.csv"]\ntable = "sales"\nskip_rows = "two"\ncolumns = 3\n'
    )
    assert main(["load", str(folder), "--warehouse", str(tmp_path / "w.duckdb")]) == 2
    err = capsys.readouterr().err
    assert "skip_rows must be a whole number, 0 or more" in err and "columns must be a table" in err
    (folder / "pitwall.toml").write_text("files = 3\n")
    assert main(["load", str(folder), "--warehouse", str(tmp_path / "w.duckdb")]) == 2
    assert "files must be tables" in capsys.readouterr().err


def test_mapping_round_trips_through_toml():
    m = mapping.FileMapping(
        "Umsatz*.csv",
        "sales",
        {"date": "Woche", "revenue": 'Umsatz "netto"'},
        {"channel": "Trade fairs"},
        ";",
        ",",
        ".",
        "%d.%m.%Y",
        2,
        ("Summe*",),
        "EUR",
        1.0,
    )
    back = mapping.parse(__import__("tomllib").loads(mapping.to_toml([m], "EUR")))
    assert back.currency == "EUR" and back.files == (m,)
    assert back.for_file("Umsatz_2025.csv") == m


# --- dry run -----------------------------------------------------------------------------


def _fingerprint(path: Path) -> tuple:
    return (
        hashlib.sha256(path.read_bytes()).hexdigest(),
        sorted(p.name for p in path.parent.iterdir()),
    )


def test_dry_run_lists_what_would_load_and_changes_nothing(shop, tmp_path, capsys):
    golden_copy = tmp_path / "warehouse.duckdb"
    shutil.copy(shop[0], golden_copy)
    before = _fingerprint(golden_copy)
    code = main(["load", str(SHOP), "--warehouse", str(golden_copy), "--dry-run"])
    out = capsys.readouterr().out
    assert code == 0
    assert _fingerprint(golden_copy) == before
    assert out.startswith(f"Dry run: nothing was changed. This would load into {golden_copy}:")
    for file, how in [
        (SHOPIFY, "Shopify orders export: orders (8 line-item rows → 4 orders)"),
        ("Campaign report.csv", "Google Ads campaign report: spend (4 campaign-days)"),
        ("Meta-Ads-Export-2025-03.csv", "Meta Ads Manager export: spend (7 days)"),
        ("hubspot-crm-exports-all-contacts-2025-04-01.csv", "HubSpot contacts export: leads (6)"),
    ]:
        assert any(line.strip().startswith(file) and how in line for line in out.splitlines()), (
            file,
            out,
        )
    assert "orders                   4" in out  # the table it would write


def test_dry_run_lists_every_problem_and_changes_nothing(golden_copy, tmp_path, capsys):
    folder = folder_of(
        tmp_path / "files",
        {
            "Kasse.csv": "Datum,Umsatz\n03/04/2025,x\n",
            "pitwall.toml": '[files."Kasse.csv"]\ntable = "sales"\n'
            '[files."Kasse.csv".columns]\ndate = "Datum"\nrevenue = "Umsatz"\n',
        },
    )
    before = _fingerprint(golden_copy)
    code = main(["load", str(folder), "--warehouse", str(golden_copy), "--dry-run"])
    err = capsys.readouterr().err
    assert code == 2 and _fingerprint(golden_copy) == before
    assert "Dry run: the load would be refused (2 problem(s))" in err
    assert "Kasse.csv, row 2, column 'Datum': ambiguous date" in err
    assert "Kasse.csv, row 2, column 'Umsatz': not a number" in err
    assert "the mapping reads numbers with decimal '.' and no thousands" in err


def test_utm_campaign_from_note_attributes_or_landing_site():
    from pitwall.adapters.shopify import utm_campaign

    assert utm_campaign("utm_source: meta\nutm_campaign: spring_sale", "") == "spring_sale"
    assert utm_campaign("", "/products/pads?utm_source=google&utm_campaign=brand%20search") == (
        "brand search"
    )
    assert utm_campaign("gift: yes", "/collections/all") is None


def test_your_own_channels_win_over_what_the_exports_imply(tmp_path):
    folder = folder_of(
        tmp_path,
        {
            "Campaign report.csv": SHOP / "Campaign report.csv",
            "channels.csv": "channel,kind,group\nPaid search,online,SEA\nDisplay,online,Banners\n",
            "sales.csv": "date,revenue\n2025-03-31,1000\n",
        },
    )
    report = load_folder(folder, tmp_path / "w.duckdb")
    assert "channels.csv gives channels, not Campaign report.csv" in report.notes
    con = open_readonly(tmp_path / "w.duckdb")
    assert rows(con, 'SELECT channel, "group" FROM channels ORDER BY 1') == [
        ("Display", "Banners"),
        ("Paid search", "SEA"),
    ]
    con.close()


def test_a_mapped_spreadsheet_and_a_daily_meta_export(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Budget 2025"])
    ws.append(["Monat", "Kanal", "Betrag"])
    ws.append(["2025-03", "Paid social", 120.5])
    ws.append(["Total", None, 120.5])
    wb.save(tmp_path / "Plan.xlsx")
    meta = (
        "Campaign name,Day,Reporting starts,Reporting ends,Amount spent (EUR),Impressions\n"
        "Spring Sale,2025-03-03,2025-03-01,2025-03-31,30.50,3000\n"
    )
    folder = folder_of(
        tmp_path,
        {
            "Plan.xlsx": tmp_path / "Plan.xlsx",
            "meta.csv": meta,
            "sales.csv": "date,revenue\n2025-03-31,1000\n",
            "pitwall.toml": '[files."Plan.xlsx"]\ntable = "budgets"\nskip_rows = 1\n'
            'drop_rows = ["Total"]\n[files."Plan.xlsx".columns]\nmonth = "Monat"\n'
            'channel = "Kanal"\namount = "Betrag"\n',
        },
    )
    load_folder(folder, tmp_path / "w.duckdb")
    con = open_readonly(tmp_path / "w.duckdb")
    assert rows(con, "SELECT CAST(month AS VARCHAR), channel, amount FROM budgets") == [
        ("2025-03-01", "Paid social", 120.5)
    ]
    # a Day column: that day's spend, whatever the reporting range
    assert rows(con, "SELECT CAST(date AS VARCHAR), amount FROM spend") == [("2025-03-03", 30.5)]
    con.close()


def test_mapping_option_names_a_mapping_kept_elsewhere(tmp_path, capsys):
    folder = folder_of(tmp_path, {"Umsatz_2025.csv": SALES / "Umsatz_2025.csv"})
    toml = tmp_path / "finance.toml"
    shutil.copy(SALES / "pitwall.toml", toml)
    target = tmp_path / "w.duckdb"
    assert main(["load", str(folder), "--warehouse", str(target), "--mapping", str(toml)]) == 0
    assert "Umsatz_2025.csv: mapping (finance.toml) → sales (3 rows)" in capsys.readouterr().out
    missing = str(tmp_path / "nowhere.toml")
    assert main(["load", str(folder), "--warehouse", str(target), "--mapping", missing]) == 2
    assert "nowhere.toml: no such mapping file [bad_mapping]" in capsys.readouterr().err


def test_a_duplicate_names_both_rows_of_the_users_files(tmp_path):
    contacts = (SHOP / "hubspot-crm-exports-all-contacts-2025-04-01.csv").read_text()
    contacts = contacts.replace("\n105,", "\n101,")  # row 6 repeats the Record ID of row 2
    folder = folder_of(
        tmp_path, {"contacts.csv": contacts, "sales.csv": "date,revenue\n2025-03-31,1000\n"}
    )
    problems = refused(folder, tmp_path / "w.duckdb")
    dup = next(p for p in problems if p.code == "duplicate_key")
    assert (dup.file, dup.row, dup.column, dup.value) == ("contacts.csv", 6, "Record ID", "101")
    assert "the same value is also in row 2" in dup.message


def test_an_export_saved_as_excel_is_recognised_too(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    with open(SHOP / "Meta-Ads-Export-2025-03.csv", newline="") as fh:
        for r in csv.reader(fh):
            wb.active.append(r)
    wb.save(tmp_path / "Meta report.xlsx")
    (tmp_path / "junk.xlsx").write_bytes(b"not a workbook")
    folder = folder_of(
        tmp_path,
        {
            "Meta report.xlsx": tmp_path / "Meta report.xlsx",
            "junk.xlsx": tmp_path / "junk.xlsx",
            "sales.csv": "date,revenue\n2025-03-31,1000\n",
        },
    )
    report = load_folder(folder, tmp_path / "w.duckdb")
    assert any(
        n.startswith("Meta report.xlsx: Meta Ads Manager export → spend (7 days)")
        for n in report.notes
    )
    assert any(n.startswith("junk.xlsx: skipped") for n in report.notes)


def test_the_data_page_says_how_each_upload_is_read():
    from pitwall.adapters import NEEDS_MAPPING, identify

    german = (SALES / "Umsatz_2025.csv").read_bytes()
    assert identify(SHOPIFY, (SHOP / SHOPIFY).read_bytes()) == "Shopify orders export"
    assert identify("orders.csv", (SHOP / SHOPIFY).read_bytes()) == "Shopify orders export"
    assert identify("orders.csv", b"order_id,customer_id,ordered_at,revenue\n") == (
        "import contract → orders"
    )
    assert identify("Umsatz_2025.csv", german) == NEEDS_MAPPING
    assert identify("sales.csv", german) == NEEDS_MAPPING  # named after a table, shaped otherwise
    saved = mapping.read(SALES / "pitwall.toml")
    assert identify("Umsatz_2025.csv", german, saved) == "mapping (pitwall.toml) → sales"


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2))
def test_numbers_read_the_same_in_either_style(value):
    english = f"{value:,.2f}"
    german = english.replace(",", "_").replace(".", ",").replace("_", ".")
    assert float(mapping.read_number(english, mapping.Reading(".", ","))) == float(value)
    assert float(mapping.read_number(german, mapping.Reading(",", "."))) == float(value)


@given(st.dates(min_value=dt.date(1970, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_a_slashed_date_is_read_only_when_it_has_one_reading(day):
    value, why = mapping.read_date(f"{day:%d/%m/%Y}")
    if day.day <= 12 and day.day != day.month:
        assert value == f"{day:%d/%m/%Y}" and why.startswith("ambiguous date")
        assert f"{day:%-d %B %Y}" in why  # both readings are named
    else:
        assert (value, why) == (day.isoformat(), None)
    assert mapping.read_date(f"{day:%d/%m/%Y}", "%d/%m/%Y") == (day.isoformat(), None)


def test_a_later_shopify_export_finds_the_campaigns_loaded_before(shop, tmp_path):
    path = tmp_path / "w.duckdb"
    shutil.copy(shop[0], path)
    report = load_folder(folder_of(tmp_path, {SHOPIFY: SHOP / SHOPIFY}), path)
    assert "(unknown_campaign)" in report.notes[0]  # the only UTM still without a campaign
    con = open_readonly(path)
    assert rows(
        con, "SELECT order_id, campaign_id FROM orders WHERE campaign_id IS NOT NULL ORDER BY 1"
    ) == [("#1001", "111"), ("#1003", "Spring Sale")]
    con.close()
