-- Invariant: the rollups add up to the tables they roll up, at each grain: leads, stage
-- entries, customers and active customer-months are each counted once in the 'month' rows
-- and once in the 'day' rows (leads and customers without a date only in a 'month' row).
-- Grain: one row per rollup and grain that breaks it (none when the invariant holds).
-- Parameters: none.
-- Columns: subject, example (the grain), n (the rollup's total minus the table's).
WITH totals AS (
    SELECT 'funnel_leads: leads add up to lead_facts' AS subject, grain,
        sum(leads) - (SELECT count(*) FROM lead_facts) AS n
    FROM funnel_leads GROUP BY grain
    UNION ALL
    SELECT 'funnel_entries: entries add up to lead_stage_entries', grain,
        sum(entries) - (SELECT count(*) FROM lead_stage_entries)
    FROM funnel_entries GROUP BY grain
    UNION ALL
    SELECT 'cohort_customers: customers add up to customer_facts', grain,
        sum(customers) - CASE
            WHEN grain = 'month' THEN (SELECT count(*) FROM customer_facts)
            ELSE (SELECT count(*) FROM customer_facts WHERE acquired_at IS NOT NULL)
        END
    FROM cohort_customers GROUP BY grain
    UNION ALL
    SELECT 'cohort_activity: active customers add up to customer_months', grain,
        sum(active) - (SELECT count(*) FROM customer_months)
    FROM cohort_activity GROUP BY grain
    UNION ALL
    SELECT 'campaign_days: leads add up to lead_facts', grain,
        sum(leads) - CASE
            WHEN grain = 'month' THEN (SELECT count(*) FROM lead_facts)
            ELSE (SELECT count(*) FROM lead_facts WHERE created_at IS NOT NULL)
        END
    FROM campaign_days GROUP BY grain
    UNION ALL
    SELECT 'campaign_days: new customers add up to customer_facts', grain,
        sum(new_customers) - CASE
            WHEN grain = 'month' THEN (SELECT count(*) FROM customer_facts)
            ELSE (SELECT count(*) FROM customer_facts WHERE acquired_at IS NOT NULL)
        END
    FROM campaign_days GROUP BY grain
    -- campaign_credits: the paths' shares are checked by credit_shares.sql
)

SELECT subject, grain AS example, n FROM totals WHERE n <> 0
LIMIT 5;
