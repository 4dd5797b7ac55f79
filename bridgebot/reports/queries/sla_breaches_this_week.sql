-- title: SLA breaches this week
-- description: Threads opened since Monday 00:00 UTC whose first response missed its business-time target (or is still missing and already late), worst first.
SELECT 'BB-' || m.thread_id AS thread, o.name AS customer, m.channel_id,
       datetime(m.opened_at, 'unixepoch') AS opened_utc,
       round(m.first_response_bs) AS first_response_business_s,
       round(m.sla_target_s) AS target_s, m.specialist
FROM thread_metrics m
LEFT JOIN customer_orgs o ON o.team_id = m.customer
WHERE m.sla_met = 0
  AND m.opened_at >= CAST(strftime('%s', date('now', '-6 days', 'weekday 1')) AS REAL)
ORDER BY m.first_response_bs IS NULL DESC, m.first_response_bs - m.sla_target_s DESC
LIMIT 500
