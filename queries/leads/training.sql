-- Question: what was known about each lead when it was created, and how did it end?
-- The lead-scoring model's rows: only what is known at creation enters as a feature
-- (pitwall/lead_model.py FEATURES); won and closed are the outcome, nothing after creation
-- is selected.
-- Grain: one row per lead, in created_at order (then lead_id).
-- Parameters: none.
-- Columns: lead_id, created_at, channel, kind, campaign, segment, region, source,
--          touches_before, weekday (ISO, 1 = Monday), month (1-12), has_customer (the lead
--          names a customer: for the leakage guard only, never a feature), won, closed.
SELECT
    lead_id,
    created_at,
    channel,
    kind,
    campaign_name AS campaign,
    segment,
    region,
    source,
    touches_before,
    isodow(created_at) AS weekday,
    month(created_at) AS month,
    customer_id IS NOT NULL AS has_customer,
    won,
    closed
FROM lead_outcomes
ORDER BY created_at, lead_id;
