-- title: Threads touching an operation
-- description: Threads whose pasted requests or errors touched one API operation, newest first. :operation is "METHOD /path" as the spec writes it, e.g. POST /v0/transfers.
SELECT 'BB-' || t.id AS thread, o.name AS customer, t.status, t.findings_count,
       datetime(t.opened_at, 'unixepoch') AS opened_utc,
       round(t.first_response_at - t.opened_at) AS first_response_s,
       substr(t.text, 1, 120) AS question
FROM thread_operations op
JOIN threads t ON t.id = op.thread_id
LEFT JOIN customer_orgs o ON o.team_id = t.customer_team_id
WHERE op.operation = :operation
ORDER BY op.opened_at DESC
LIMIT 500
