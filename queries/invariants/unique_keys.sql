-- Invariant: every derived table's key is unique.
-- Grain: one row per violated key value (none when the invariant holds).
-- Parameters: none.
-- Columns: subject (table and key), example (a duplicated key value), n (its rows).
SELECT 'campaign_channels(campaign_id)' AS subject, campaign_id AS example, count(*) AS n
FROM campaign_channels GROUP BY campaign_id HAVING count(*) > 1
UNION ALL
SELECT 'customer_facts(customer_id)', customer_id, count(*)
FROM customer_facts GROUP BY customer_id HAVING count(*) > 1
UNION ALL
SELECT 'customer_months(customer_id, period)', customer_id || ' / ' || period, count(*)
FROM customer_months GROUP BY customer_id, period HAVING count(*) > 1
UNION ALL
SELECT 'lead_facts(lead_id)', lead_id, count(*)
FROM lead_facts GROUP BY lead_id HAVING count(*) > 1
UNION ALL
SELECT 'lead_stage_entries(lead_id, position)', lead_id || ' / ' || position, count(*)
FROM lead_stage_entries GROUP BY lead_id, position HAVING count(*) > 1
UNION ALL
SELECT 'stage_positions(stage)', stage, count(*)
FROM stage_positions GROUP BY stage HAVING count(*) > 1
LIMIT 5;
