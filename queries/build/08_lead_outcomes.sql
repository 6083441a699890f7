-- Build: every lead with where it came from, who brought it in, how far it got and what it
-- is known to have become; the Leads page's sources, score bands and call list, and the
-- lead-scoring model's training rows. Per lead, not rolled up: the model and the call list
-- need single leads (a few rows per lead at most, like lead_facts).
-- A lead is qualified when it reached the funnel's second stage or any later one (a skip
-- counts, as on the funnel), won when it reached the last stage, lost when it has a `lost`
-- row and was not won; closed is won or lost, open the rest.
-- touches_before counts its customer's touchpoints before the lead was created (only a lead
-- with a customer_id has any).
-- Grain: one row per lead. Parameters: none.
-- Columns: lead_id, created_at, campaign_id, campaign_name, customer_id, source, score,
--          furthest, qualified, qualified_at, won, won_at, lost, lost_at, closed,
--          last_entered_at, touches_before, then every dimension (the lead's, from lead_facts).
CREATE OR REPLACE TABLE lead_outcomes AS
WITH last_stage AS (
    SELECT max(position) AS last_position FROM stage_positions
),

reached AS (
    SELECT
        lead_id,
        max(position) AS furthest,
        min(entered_at) FILTER (WHERE position >= 2) AS qualified_at,
        min(entered_at) FILTER (WHERE position = (SELECT last_position FROM last_stage))
            AS won_at,
        max(entered_at) AS last_entered_at
    FROM lead_stage_entries
    GROUP BY lead_id
),

lost AS (
    SELECT lead_id, min(entered_at) AS lost_at
    FROM lead_stages
    WHERE stage = 'lost'
    GROUP BY lead_id
),

touches AS (
    SELECT l.lead_id, count(*) AS touches_before
    FROM leads AS l
    INNER JOIN touchpoints AS t ON l.customer_id = t.customer_id AND t.touched_at < l.created_at
    GROUP BY l.lead_id
)

SELECT
    lf.lead_id,
    lf.created_at,
    lf.campaign_id,
    coalesce(cc.campaign_name, lf.campaign_id) AS campaign_name,
    l.customer_id,
    l.source,
    l.score,
    coalesce(r.furthest, 1) AS furthest,
    coalesce(r.furthest, 1) >= 2 AS qualified,
    r.qualified_at,
    r.won_at IS NOT NULL AS won,
    r.won_at,
    r.won_at IS NULL AND lo.lost_at IS NOT NULL AS lost,
    CASE WHEN r.won_at IS NULL THEN lo.lost_at END AS lost_at,
    r.won_at IS NOT NULL OR lo.lost_at IS NOT NULL AS closed,
    greatest(coalesce(r.last_entered_at, lf.created_at), coalesce(lo.lost_at, lf.created_at))
        AS last_entered_at,
    coalesce(t.touches_before, 0) AS touches_before,
    {dims:of:lf}
FROM lead_facts AS lf
INNER JOIN leads AS l ON lf.lead_id = l.lead_id
LEFT JOIN campaign_channels AS cc ON lf.campaign_id = cc.campaign_id
LEFT JOIN reached AS r ON lf.lead_id = r.lead_id
LEFT JOIN lost AS lo ON lf.lead_id = lo.lead_id
LEFT JOIN touches AS t ON lf.lead_id = t.lead_id
ORDER BY lf.created_at;
