-- Question: which days do orders and NPS answers cover? (loyalty_span, built at load.)
-- Grain: one row. Parameters: none.
-- Columns: first_day, last_day (NULL without orders and answers).
SELECT first_day, last_day FROM loyalty_span;
