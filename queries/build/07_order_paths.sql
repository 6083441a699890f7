-- Build: the attribution paths of the default 30-day lookback, stored, so pages that credit
-- revenue by the default read a small table instead of joining orders to touchpoints.
-- Grain: see path_corrections (00_macros.sql): only orders with a touch in their lookback.
-- Parameters: none. Columns: those of path_corrections.
CREATE OR REPLACE TABLE path_corrections_30 AS
SELECT * FROM path_corrections(NULL, NULL, 30)
ORDER BY ordered_at;

-- order_paths: every order placed in [s, e] (inclusive days, NULL = open) as rows to credit:
-- the order whole to its own campaign (step 1 of 1; an order with no campaign has a NULL
-- campaign: unattributed), plus path_corrections for orders with touchpoints in their
-- lookback. Weigh each row by sign * credit_share(model, ...): every order's weights sum
-- to 1. The 30-day lookback reads the stored corrections; any other computes them.
-- Columns: ordered_at, revenue, gross_margin, campaign_id, step, steps, decay, decay_total,
--          sign.
CREATE OR REPLACE MACRO order_paths(s, e, lookback_days) AS TABLE
SELECT
    ordered_at, revenue, gross_margin, campaign_id, 1 AS step, 1 AS steps, 1.0 AS decay,
    1.0 AS decay_total, 1 AS sign
FROM orders
WHERE (s IS NULL OR ordered_at >= s)
  AND (e IS NULL OR ordered_at < CAST(e AS DATE) + INTERVAL 1 DAY)
UNION ALL
SELECT *
FROM path_corrections_30
WHERE lookback_days = 30
  AND (s IS NULL OR ordered_at >= s)
  AND (e IS NULL OR ordered_at < CAST(e AS DATE) + INTERVAL 1 DAY)
UNION ALL
SELECT *
FROM path_corrections(s, e, lookback_days)
WHERE lookback_days <> 30;
