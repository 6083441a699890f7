-- Invariant: under every attribution model, the stored 30-day paths share out each order
-- whole: the shares of all orders add up to the number of orders, and the credited revenue
-- to the revenue of all orders (each path's shares sum to 1).
-- Grain: one row per model that breaks it (none when the invariant holds).
-- Parameters: $models (VARCHAR[]).
-- Columns: subject, example (the model), n (its shares minus the orders).
WITH credited AS (
    SELECT
        m.model,
        sum(p.sign * credit_share(m.model, p.step, p.steps, p.decay, p.decay_total)) AS shares,
        sum(p.sign * p.revenue * credit_share(m.model, p.step, p.steps, p.decay, p.decay_total))
            AS revenue
    FROM order_paths(NULL, NULL, 30) AS p
    CROSS JOIN (SELECT unnest($models) AS model) AS m
    GROUP BY m.model
),

whole AS (
    SELECT count(*) AS orders, coalesce(sum(revenue), 0) AS revenue FROM orders
)

SELECT 'order_paths: shares of each order sum to 1' AS subject, c.model AS example,
    c.shares - w.orders AS n
FROM credited AS c
CROSS JOIN whole AS w
WHERE abs(c.shares - w.orders) > 1e-6 * greatest(w.orders, 1)
   OR abs(c.revenue - w.revenue) > 1e-6 * greatest(abs(w.revenue), 1);
