SELECT bar_svg(program, user_type, n, 'Program popularity')
FROM (SELECT program, user_type, count(DISTINCT user_id) AS n FROM e GROUP BY 1, 2);
SELECT bar_svg(program, seg, user_id, NULL, 'stacked') FROM w;
SELECT bar_svg(program, seg, -5, 't', 'STACKED') FROM w;
SELECT bar_svg(program, seg, 1, 't', 'sideways') FROM w;
SELECT bar_svg(program, NULL, 1e281) FROM w;
SELECT bar_svg(seg, program, 9e999, x'00') FROM w;
