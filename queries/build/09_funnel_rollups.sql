-- Build: the funnel's rollups (pitwall/rollups.py: 'day' and 'month' rows of created_at), so
-- the funnel reads tables whose size does not grow with leads.
-- funnel_leads: leads by the furthest stage they reached (no conversion window).
-- Grain: grain x day x every dimension x furthest. Parameters: none.
-- Columns: grain, day, month, month_end, every dimension (the lead's), furthest, leads.
CREATE OR REPLACE TABLE funnel_leads AS
WITH per_lead AS (
    SELECT lead_id, max(position) AS furthest
    FROM lead_stage_entries
    GROUP BY lead_id
),

daily AS (
    SELECT CAST(lf.created_at AS DATE) AS day, {dims:of:lf}, p.furthest, count(*) AS leads
    FROM per_lead AS p
    INNER JOIN lead_facts AS lf ON p.lead_id = lf.lead_id
    GROUP BY CAST(lf.created_at AS DATE), {dims:of:lf}, p.furthest
),

spans AS (
    SELECT 'day' AS grain, day, {dims}, furthest, leads FROM daily
    UNION ALL
    SELECT 'month' AS grain, CAST(date_trunc('month', day) AS DATE) AS day, {dims}, furthest,
        sum(leads) AS leads
    FROM daily
    GROUP BY CAST(date_trunc('month', day) AS DATE), {dims}, furthest
)

SELECT
    grain, day, CAST(date_trunc('month', day) AS DATE) AS month, last_day(day) AS month_end,
    {dims}, furthest, CAST(leads AS BIGINT) AS leads
FROM spans
ORDER BY grain, day;

-- funnel_entries: entries into each stage, by the whole days the lead then stayed in it
-- (`whole_days`: floor(next_days - days); NULL when it entered no later stage).
-- Grain: grain x day x every dimension x position x whole_days. Parameters: none.
-- Columns: grain, day, month, month_end, every dimension, position, whole_days, entries.
CREATE OR REPLACE TABLE funnel_entries AS
WITH daily AS (
    SELECT
        CAST(created_at AS DATE) AS day,
        {dims},
        position,
        CAST(floor(next_days - days) AS INTEGER) AS whole_days,
        count(*) AS entries
    FROM lead_stage_entries
    GROUP BY
        CAST(created_at AS DATE), {dims}, position,
        CAST(floor(next_days - days) AS INTEGER)
),

spans AS (
    SELECT 'day' AS grain, day, {dims}, position, whole_days, entries FROM daily
    UNION ALL
    SELECT 'month' AS grain, CAST(date_trunc('month', day) AS DATE) AS day, {dims}, position,
        whole_days, sum(entries) AS entries
    FROM daily
    GROUP BY CAST(date_trunc('month', day) AS DATE), {dims}, position, whole_days
)

SELECT
    grain, day, CAST(date_trunc('month', day) AS DATE) AS month, last_day(day) AS month_end,
    {dims}, position, whole_days, CAST(entries AS BIGINT) AS entries
FROM spans
ORDER BY grain, day;

-- stage_durations: each stage entry's exact time in the stage, sorted by (position,
-- whole_days), so the median's query reads only the one or two whole days that hold the
-- middle of funnel_entries' histogram (the row groups of other days are skipped), and
-- within them by in_stage: a list gathered from sorted rows sorts in about half the time.
-- One row per entry, but never scanned whole.
-- Grain: one row per stage entry followed by a later one. Parameters: none.
-- Columns: position, whole_days, day (created_at's), every dimension, in_stage (days).
CREATE OR REPLACE TABLE stage_durations AS
SELECT
    position,
    CAST(floor(next_days - days) AS INTEGER) AS whole_days,
    CAST(created_at AS DATE) AS day,
    {dims},
    next_days - days AS in_stage
FROM lead_stage_entries
WHERE next_days IS NOT NULL
ORDER BY position, whole_days, in_stage;
