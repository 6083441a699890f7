-- Build: every campaign with its channel's kind and group, so views join one small table.
-- Grain: one row per campaign. Parameters: none.
-- Columns: campaign_id, campaign_name, channel, kind, channel_group, segment, region.
CREATE OR REPLACE TABLE campaign_channels AS
SELECT
    c.campaign_id,
    coalesce(c.campaign_name, c.campaign_id) AS campaign_name,
    c.channel,
    ch.kind,
    coalesce(ch."group", c.channel) AS channel_group,
    c.segment,
    c.region
FROM campaigns AS c
INNER JOIN channels AS ch ON c.channel = ch.channel;
