"""Shopify's orders export (Admin → Orders → Export): one row per line item, the order's
fields on its first row. Older exports (73 and 78 columns) and the current one (79+) carry
the columns read here under the same names.

- order_id = `Name` (`#1001`); ordered_at = `Created at` as written (its offset dropped, like
  every time-zone suffix in the contract);
- customer_id = the stable hash of the lower-cased `Email`, else of `Billing Name` and
  `Billing Zip` (base.customer_key), else the order's own guest id;
- revenue = `Subtotal` − `Refunded Amount` (after discounts; before shipping and taxes);
- orders with `Cancelled at` are left out and counted;
- campaign_id = `utm_campaign` from `Note Attributes` (`utm_campaign: spring`) or from the
  `Landing Site` query string, where present (kept only when it names a loaded campaign);
- sales_channel = `Source` (web, pos, …).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from pitwall.adapters.base import Adapter, Export, Part, Result, count, customer_key
from pitwall.mapping import Converter, FileMapping, as_float

NAME = "Shopify orders export"
_HEADER = {"Name", "Email", "Financial Status", "Subtotal", "Created at", "Lineitem name"}
_UTM = re.compile(r"utm_campaign\s*[:=]\s*([^\s&;,]+)", re.IGNORECASE)


def recognise(header: list[str]) -> bool:
    return set(header) >= _HEADER


def utm_campaign(note_attributes: str, landing_site: str) -> str | None:
    found = _UTM.search(note_attributes or "")
    if found:
        return found.group(1).strip()
    query = urlsplit((landing_site or "").strip()).query
    values = parse_qs(query).get("utm_campaign")
    return values[0].strip() if values and values[0].strip() else None


def adapt(export: Export, options: FileMapping, conv: Converter) -> Result:
    first: dict[str, tuple[int, dict]] = {}
    lines = 0
    for row, r in export.records():
        name = r.get("Name", "").strip()
        if not name:
            continue
        lines += 1
        # the order's fields are on its first row; a re-sorted export may put a bare line first
        if name not in first or (not first[name][1].get("Subtotal") and r.get("Subtotal")):
            first[name] = (row, r)
    orders, customers, rows = [], {}, []
    cancelled = 0
    currencies: dict[str, int] = {}
    for name, (row, r) in first.items():
        if r.get("Cancelled at", "").strip():
            cancelled += 1
            continue
        customer = customer_key(
            r.get("Email", ""), r.get("Billing Name", ""), r.get("Billing Zip", "")
        )
        customer = customer or f"guest-{name.lstrip('#')}"
        subtotal = conv.number(r.get("Subtotal"), row, "Subtotal")
        refunded = conv.number(r.get("Refunded Amount"), row, "Refunded Amount") or "0"
        a, b = as_float(subtotal), as_float(refunded)
        revenue = repr(round(a - b, 6)) if a is not None and b is not None else subtotal
        orders.append(
            {
                "order_id": name,
                "customer_id": customer,
                "ordered_at": conv.date(r.get("Created at"), row, "Created at"),
                "revenue": revenue,
                "campaign_id": utm_campaign(
                    r.get("Note Attributes", ""), r.get("Landing Site", "")
                ),
                "sales_channel": r.get("Source", "").strip() or None,
            }
        )
        rows.append(row)
        customers.setdefault(customer, row)
        code = r.get("Currency", "").strip().upper()
        if code:
            currencies[code] = currencies.get(code, 0) + 1
    parts = [
        Part(
            "orders",
            orders,
            rows,
            {
                "order_id": "Name",
                "customer_id": "Email",
                "ordered_at": "Created at",
                "revenue": "Subtotal",
                "campaign_id": "Note Attributes",
                "sales_channel": "Source",
            },
        ),
        Part(
            "customers",
            [{"customer_id": c} for c in customers],
            list(customers.values()),
            {"customer_id": "Email"},
        ),
    ]
    summary = (
        f"orders ({count(lines, 'line-item row')} → {count(len(orders), 'order')}), "
        f"customers ({len(customers):,})"
    )
    extra = [f"{count(cancelled, 'cancelled order')} left out"] if cancelled else []
    order = sorted(currencies, key=lambda c: -currencies[c])
    return Result(parts, summary, currencies=order, currency_column="Currency", extra=extra)


ADAPTER = Adapter(NAME, recognise, adapt)
