-- title: Busiest hours
-- description: Threads opened in the last 28 days by weekday and hour (the business calendar's timezone), busiest first: for staffing shifts.
SELECT CASE hour_of_week / 24 WHEN 0 THEN 'Mon' WHEN 1 THEN 'Tue' WHEN 2 THEN 'Wed' WHEN 3 THEN 'Thu'
         WHEN 4 THEN 'Fri' WHEN 5 THEN 'Sat' ELSE 'Sun' END AS weekday,
       printf('%02d:00', hour_of_week % 24) AS hour,
       COUNT(*) AS threads
FROM thread_metrics
WHERE opened_at >= CAST(strftime('%s', 'now', '-28 days') AS REAL)
GROUP BY hour_of_week
ORDER BY threads DESC
LIMIT 20
