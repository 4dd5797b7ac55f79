-- title: Unanswered threads
-- description: Open threads nobody on our side has replied to yet, oldest first, with how long they have waited.
SELECT 'BB-' || t.id AS thread, o.name AS customer, t.channel_id,
       datetime(t.opened_at, 'unixepoch') AS opened_utc,
       round((CAST(strftime('%s', 'now') AS REAL) - t.opened_at) / 3600.0, 1) AS waiting_hours,
       t.assignee_id, substr(t.text, 1, 120) AS question
FROM threads t
LEFT JOIN customer_orgs o ON o.team_id = t.customer_team_id
WHERE t.status = 'open' AND t.first_response_at IS NULL
ORDER BY t.opened_at
LIMIT 500
