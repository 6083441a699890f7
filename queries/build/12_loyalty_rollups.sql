-- Build: Loyalty's rollups, so NPS, the promoters' value and purchase frequency read tables
-- whose size does not grow with answers, customers or orders (docs/metrics.md, "Where the
-- figures are read from").
-- loyalty_span: the first and last day with an order or an answer. A range that starts on
-- or before the first (ends on or after the last) is open at that end: no data lies beyond.
-- Grain: one row. Parameters: none. Columns: first_day, last_day.
CREATE OR REPLACE TABLE loyalty_span AS
WITH days AS (
    SELECT CAST(min(ordered_at) AS DATE) AS first_day, CAST(max(ordered_at) AS DATE) AS last_day
    FROM orders
    UNION ALL
    SELECT CAST(min(answered_at) AS DATE), CAST(max(answered_at) AS DATE)
    FROM nps
)

SELECT min(first_day) AS first_day, max(last_day) AS last_day FROM days;

-- nps_days: answers by day of answer and the answering customer's dimensions (NULL for an
-- answer whose customer is in neither customers nor orders), at 'day' and 'month' grain.
-- Grain: grain x day x every dimension. Parameters: none.
-- Columns: grain, day, month, month_end, every dimension, responses, promoters, passives,
--          detractors.
CREATE OR REPLACE TABLE nps_days AS
WITH daily AS (
    SELECT
        CAST(n.answered_at AS DATE) AS day,
        {dims:of:cf},
        count(*) AS responses,
        sum(CASE WHEN n.score >= 9 THEN 1 ELSE 0 END) AS promoters,
        sum(CASE WHEN n.score BETWEEN 7 AND 8 THEN 1 ELSE 0 END) AS passives,
        sum(CASE WHEN n.score <= 6 THEN 1 ELSE 0 END) AS detractors
    FROM nps AS n
    LEFT JOIN customer_facts AS cf ON n.customer_id = cf.customer_id
    GROUP BY CAST(n.answered_at AS DATE), {dims:of:cf}
),

spans AS (
    SELECT 'day' AS grain, day, {dims}, responses, promoters, passives, detractors
    FROM daily
    UNION ALL
    SELECT 'month' AS grain, CAST(date_trunc('month', day) AS DATE) AS day, {dims},
        sum(responses), sum(promoters), sum(passives), sum(detractors)
    FROM daily
    GROUP BY CAST(date_trunc('month', day) AS DATE), {dims}
)

SELECT
    grain, day, CAST(date_trunc('month', day) AS DATE) AS month, last_day(day) AS month_end,
    {dims},
    CAST(responses AS BIGINT) AS responses,
    CAST(promoters AS BIGINT) AS promoters,
    CAST(passives AS BIGINT) AS passives,
    CAST(detractors AS BIGINT) AS detractors
FROM spans
ORDER BY grain, day;

-- nps_answer_months: the answers that can be a customer's latest in a range of whole
-- months, each with the month of the customer's next answer. Over whole months [M1, M2] an
-- answer is the latest iff its month is in the range and the next answer (next_month) is
-- after M2, or there is none. An answer followed by another in the same month is never the
-- latest and is left out. nps_latest and nps_latest_revenue roll these up.
-- Grain: one row per such answer. Parameters: none.
-- Columns: customer_id, answer_month, next_month (NULL: no later answer), position
--          (1 promoters, 2 passives, 3 detractors).
CREATE OR REPLACE TABLE nps_answer_months AS
WITH answers AS (
    SELECT
        customer_id,
        CAST(date_trunc('month', answered_at) AS DATE) AS answer_month,
        CASE WHEN score >= 9 THEN 1 WHEN score >= 7 THEN 2 ELSE 3 END AS position,
        lead(CAST(date_trunc('month', answered_at) AS DATE))
            OVER (PARTITION BY customer_id ORDER BY answered_at, score) AS next_month
    FROM nps
)

SELECT customer_id, answer_month, next_month, position
FROM answers
WHERE next_month IS NULL OR next_month > answer_month;

-- nps_latest: a customer's group is that of their latest answer in the range
-- (nps_answer_months). Each answer carries its customer's 12-month retention (eligible:
-- first order + 12 months not after the last order in the warehouse, retained: an order on
-- or after it).
-- Grain: answer month x next_month x position x every dimension. Parameters: none.
-- Columns: answer_month, next_month (NULL: no later answer), position (1 promoters,
--          2 passives, 3 detractors), every dimension, customers, eligible, retained.
CREATE OR REPLACE TABLE nps_latest AS
WITH history AS (
    SELECT customer_id, min(ordered_at) AS first_at, max(ordered_at) AS last_at
    FROM orders
    WHERE customer_id IN (SELECT customer_id FROM nps_answer_months)
    GROUP BY customer_id
)

SELECT
    a.answer_month,
    a.next_month,
    a.position,
    {dims:of:cf},
    CAST(count(*) AS BIGINT) AS customers,
    CAST(sum(CASE WHEN h.first_at + INTERVAL 12 MONTH <= s.last_at THEN 1 ELSE 0 END)
        AS BIGINT) AS eligible,
    CAST(sum(CASE WHEN h.first_at + INTERVAL 12 MONTH <= s.last_at
        AND h.last_at >= h.first_at + INTERVAL 12 MONTH THEN 1 ELSE 0 END) AS BIGINT)
        AS retained
FROM nps_answer_months AS a
CROSS JOIN order_span AS s
LEFT JOIN history AS h ON a.customer_id = h.customer_id
LEFT JOIN customer_facts AS cf ON a.customer_id = cf.customer_id
GROUP BY a.answer_month, a.next_month, a.position, {dims:of:cf}
ORDER BY a.answer_month, a.next_month;

-- nps_latest_revenue: nps_latest's answers with their customer's revenue per order month,
-- so the revenue of a range's latest answers is the rows whose answer and order months are
-- in the range and whose next answer is after it.
-- Grain: answer month x next_month x order month x position x every dimension.
-- Parameters: none.
-- Columns: answer_month, next_month, order_month, position, every dimension, revenue.
CREATE OR REPLACE TABLE nps_latest_revenue AS
WITH bought AS (
    SELECT
        customer_id,
        CAST(date_trunc('month', ordered_at) AS DATE) AS order_month,
        sum(revenue) AS revenue
    FROM orders
    WHERE customer_id IN (SELECT customer_id FROM nps_answer_months)
    GROUP BY customer_id, CAST(date_trunc('month', ordered_at) AS DATE)
)

SELECT
    a.answer_month,
    a.next_month,
    b.order_month,
    a.position,
    {dims:of:cf},
    sum(b.revenue) AS revenue
FROM nps_answer_months AS a
INNER JOIN bought AS b ON a.customer_id = b.customer_id
LEFT JOIN customer_facts AS cf ON a.customer_id = cf.customer_id
GROUP BY a.answer_month, a.next_month, b.order_month, a.position, {dims:of:cf}
ORDER BY a.answer_month, b.order_month;

-- buyer_months: the buyers of each month, each with the month they last bought before
-- (prev_month), so the distinct buyers of whole months [M1, M2] are the rows in the range
-- whose prev_month is before M1 (or NULL). `entity` 'customer' counts customers (by their
-- cohort and acquisition channel), 'sales_channel' counts a customer once per sales channel
-- they bought through. Only customers in customer_facts count, as in loyalty/frequency.
-- Grain: entity x cohort month x every dimension x sales channel x month x prev_month.
-- Parameters: none.
-- Columns: entity, cohort_month (NULL for 'sales_channel'), every dimension, sales_channel
--          (NULL for 'customer'), month, prev_month, buyers, orders, revenue.
CREATE OR REPLACE TABLE buyer_months AS
WITH channel_months AS (
    SELECT
        customer_id,
        sales_channel,
        CAST(date_trunc('month', ordered_at) AS DATE) AS month,
        count(*) AS orders,
        sum(revenue) AS revenue
    FROM orders
    GROUP BY customer_id, sales_channel, CAST(date_trunc('month', ordered_at) AS DATE)
),

-- one row per customer, sales channel and month: the row before it in the customer's order
-- (by month, then sales channel) gives the customer's previous month on the month's first
-- row, and the month's other rows repeat the month and count no buyer
ordered AS (
    SELECT
        *,
        lag(month) OVER (PARTITION BY customer_id ORDER BY month, sales_channel NULLS FIRST)
            AS customer_prev,
        lag(month) OVER (PARTITION BY customer_id, sales_channel ORDER BY month)
            AS channel_prev
    FROM channel_months
),

entity_months AS (
    SELECT
        'customer' AS entity, customer_id, CAST(NULL AS VARCHAR) AS sales_channel, month,
        customer_prev AS prev_month,
        CASE WHEN customer_prev IS NULL OR customer_prev < month THEN 1 ELSE 0 END AS buyers,
        orders, revenue
    FROM ordered
    UNION ALL
    SELECT
        'sales_channel' AS entity, customer_id, sales_channel, month,
        channel_prev AS prev_month, 1 AS buyers, orders, revenue
    FROM ordered
)

SELECT
    e.entity,
    CASE WHEN e.entity = 'customer' THEN cf.cohort_month END AS cohort_month,
    {dims:of:cf},
    e.sales_channel,
    e.month,
    e.prev_month,
    CAST(sum(e.buyers) AS BIGINT) AS buyers,
    CAST(sum(e.orders) AS BIGINT) AS orders,
    sum(e.revenue) AS revenue
FROM entity_months AS e
INNER JOIN customer_facts AS cf ON e.customer_id = cf.customer_id
GROUP BY e.entity, CASE WHEN e.entity = 'customer' THEN cf.cohort_month END, {dims:of:cf},
    e.sales_channel, e.month, e.prev_month
ORDER BY e.entity, e.month;
