-- Build: every campaign with its channel's kind and group, so views join one small table.
-- Grain: one row per campaign. Parameters: none.
-- Columns: campaign_id, campaign_name, channel, kind, channel_group, segment, region.
-- Also defines the macro picked_campaigns (below).
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

-- picked_campaigns: the campaigns the shared filters select, by the campaign's own channel,
-- kind, segment and region (NULL = any): how Channel ROI, its model comparison and cohort
-- economics pick campaigns, written once.
CREATE OR REPLACE MACRO picked_campaigns(channels, kind_, segment_, region_) AS TABLE
SELECT *
FROM campaign_channels
WHERE (channels IS NULL OR list_contains(channels, channel))
  AND (kind_ IS NULL OR kind = kind_)
  AND (segment_ IS NULL OR segment = segment_)
  AND (region_ IS NULL OR region = region_);
