-- Build: SQL macros shared by several queries, so each rule is written once.
-- budget_in_range: a month's budget counted for the days of the month inside [s, e]
-- (NULL bounds are open), so a month cut by a date range gets its share by days.
CREATE OR REPLACE MACRO budget_in_range(amount, month, s, e) AS
    amount
    * (datediff(
        'day',
        greatest(month, coalesce(s, month)),
        least(last_day(month), coalesce(e, last_day(month)))
    ) + 1)
    / day(last_day(month));
