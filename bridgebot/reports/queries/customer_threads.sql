-- title: A customer's threads
-- description: Every tracked thread of one customer org, newest first, with its response times. :customer is the org's name (as in customer_orgs) or its Slack team id.
SELECT 'BB-' || t.id AS thread, o.name AS customer, t.channel_id, t.status,
       datetime(t.opened_at, 'unixepoch') AS opened_utc,
       round(t.first_response_at - t.opened_at) AS first_response_s,
       round(m.first_response_bs) AS first_response_business_s,
       datetime(t.resolved_at, 'unixepoch') AS resolved_utc,
       t.assignee_id, t.operations, substr(t.text, 1, 120) AS question
FROM threads t
JOIN customer_orgs o ON o.team_id = t.customer_team_id
LEFT JOIN thread_metrics m ON m.thread_id = t.id
WHERE t.customer_team_id = (SELECT team_id FROM customer_orgs WHERE team_id = :customer OR name = :customer
                            ORDER BY team_id = :customer DESC LIMIT 1)
ORDER BY t.opened_at DESC
LIMIT 500
