-- Build: every campaign with its channel's kind and group, so views join one small table.
-- Grain: one row per campaign. Parameters: none.
-- Columns: campaign_id, campaign_name, channel_group, then every dimension (channel, kind,
--          segment, region: pitwall/dimensions.py).
CREATE OR REPLACE TABLE campaign_channels AS
SELECT
    c.campaign_id,
    coalesce(c.campaign_name, c.campaign_id) AS campaign_name,
    coalesce(ch."group", c.channel) AS channel_group,
    {dims:from:c:ch}
FROM campaigns AS c
INNER JOIN channels AS ch ON c.channel = ch.channel;

