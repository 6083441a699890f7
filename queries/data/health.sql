-- Question: what in the loaded data deserves a second look?
-- Grain: one row per check. Parameters: $stuck_days (INTEGER), $lost (VARCHAR: the outcome
-- that closes a lead without a deal; the funnel's last stage closes it with one).
-- Columns: check_name, affected (count), detail.
WITH last_day AS (
    SELECT max(d) AS d FROM (
        SELECT max(date) AS d FROM spend
        UNION ALL SELECT CAST(max(ordered_at) AS DATE) FROM orders
        UNION ALL SELECT CAST(max(created_at) AS DATE) FROM leads
    )
),

spend_months AS (
    SELECT DISTINCT CAST(date_trunc('month', s.date) AS DATE) AS month, cc.channel
    FROM spend AS s
    INNER JOIN campaign_channels AS cc ON s.campaign_id = cc.campaign_id
),

last_entries AS (
    SELECT
        lead_id,
        max(entered_at) AS last_at,
        bool_or(stage = $lost OR stage = (
            SELECT stage FROM stage_positions ORDER BY position DESC LIMIT 1
        )) AS closed
    FROM lead_stages
    GROUP BY lead_id
)

SELECT
    'Spend without budget' AS check_name,
    count(*) AS affected,
    'channel-months with spend but no budget row' AS detail
FROM spend_months AS m
WHERE EXISTS (SELECT 1 FROM budgets)
  AND NOT EXISTS (SELECT 1 FROM budgets AS b WHERE b.month = m.month AND b.channel = m.channel)
UNION ALL
SELECT
    'Orders without customers',
    count(*),
    'orders whose customer_id is not in customers (derived from their orders)'
FROM orders AS o
WHERE EXISTS (SELECT 1 FROM customers)
  AND NOT EXISTS (SELECT 1 FROM customers AS c WHERE c.customer_id = o.customer_id)
UNION ALL
SELECT
    'Leads stuck for months',
    count(*),
    'open leads (neither in the last stage nor lost) with no stage change in ' || CAST($stuck_days AS VARCHAR) || ' days'
FROM lead_facts AS l
LEFT JOIN last_entries AS e ON l.lead_id = e.lead_id
CROSS JOIN last_day AS d
WHERE NOT coalesce(e.closed, FALSE)
  AND datediff('day', coalesce(e.last_at, l.created_at), d.d) > $stuck_days
UNION ALL
SELECT
    'Unattributed orders',
    count(*),
    'orders with no campaign_id: they count in revenue but in no channel'
FROM orders
WHERE campaign_id IS NULL;
