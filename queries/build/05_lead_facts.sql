-- Build: one row per lead with the channel of its source campaign.
-- Grain: one row per lead. Parameters: none.
-- Columns: lead_id, created_at, campaign_id, then every dimension (pitwall/dimensions.py: the
--          lead's own value, else its campaign's).
CREATE OR REPLACE TABLE lead_facts AS
SELECT
    l.lead_id,
    l.created_at,
    l.campaign_id,
    {dims:inherit:l:cc}
FROM leads AS l
LEFT JOIN campaign_channels AS cc ON l.campaign_id = cc.campaign_id
ORDER BY l.created_at;
