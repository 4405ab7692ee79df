import { DIALECTS, renderPlan, type HeldoutRun, type ModelStep, type Plan, type Step, type ToolStep } from './render-dialects.js';

/**
 * The held-out set: labelled runs of agents, tools and wording that analyzer/eval and demo/ do
 * not use (travel, SQL, browser and ops agents), each rendered in every dialect. Positives of
 * every kind the README lists, and hard negatives. Deterministic (seeded).
 */

function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  return { next, normal, logNormal: (median: number, sigma: number) => median * Math.exp(sigma * normal()) };
}

const say = (text: string, ms = 900, extra: Partial<ModelStep> = {}): ModelStep => ({ type: 'model', text, ms, ...extra });
const ask = (name: string, args: unknown, ms = 700, text = ''): ModelStep => ({ type: 'model', text, calls: [{ name, args }], ms });
const run = (name: string, args: unknown, result: unknown, ms = 300, extra: Partial<ToolStep> = {}): ToolStep => ({ type: 'tool', name, args, result, ms, ...extra });
/** The model asks for the tool, the tool runs. */
const turn = (name: string, args: unknown, result: unknown, ms = 300, extra: Partial<ToolStep> = {}): Step[] => [ask(name, args), run(name, args, result, ms, extra)];

type Scenario = Omit<Plan, 'startMs' | 'service' | 'model'> & { service?: string };

const FLIGHTS = { itineraries: [{ carrier: 'LH', flight: 'LH1035', depart: '2026-12-03T07:10', price: { amount: 212.4, currency: 'EUR' } }, { carrier: 'AF', flight: 'AF1441', depart: '2026-12-03T09:55', price: { amount: 188, currency: 'EUR' } }] };
const HOTEL_OK = { booking: { confirmation: 'HX-55120', hotel: 'Hotel Alma', nights: 3, total: { amount: 540, currency: 'EUR' } } };
const TABLE = { table: 'orders', columns: [{ name: 'id', type: 'bigint' }, { name: 'customer_id', type: 'bigint' }, { name: 'amount_cents', type: 'integer' }, { name: 'placed_at', type: 'timestamptz' }] };
const ROWS = { columns: ['month', 'revenue'], rows: [['2026-08', 182340], ['2026-09', 190022], ['2026-10', 201877]], rowCount: 3 };
const PAGE_TEXT = 'Pricing — Starter $9/month for 3 projects; Team $29/month per seat with SSO; Enterprise: contact sales for volume discounts and audit logs.';
const LONG_ANSWER =
  'Here is the plan. Fly Lufthansa LH1035 on 3 December at 07:10 (212 EUR), stay three nights at Hotel Alma (540 EUR in total, confirmation HX-55120), and the forecast is dry with highs of 9 °C, so pack a warm coat. I could not find a direct evening return, but AF1441 on the 6th works well.';

export const SCENARIOS: Scenario[] = [
  // ---------- normal runs ----------
  { scenario: 'normal:travel', expected: [], agent: 'trip-planner', steps: [...turn('flight_search', { from: 'BER', to: 'LIS', date: '2026-12-03', cabin: 'economy' }, FLIGHTS, 640), ...turn('book_hotel', { city: 'Lisbon', checkin: '2026-12-03', nights: 3, guests: 2 }, HOTEL_OK, 420), say(LONG_ANSWER, 2100)] },
  { scenario: 'normal:sql', expected: [], agent: 'sql-analyst', steps: [...turn('describe_table', { table: 'orders' }, TABLE, 80), ...turn('run_query', { sql: "SELECT date_trunc('month', placed_at) AS month, sum(amount_cents) FROM orders GROUP BY 1 ORDER BY 1" }, ROWS, 420), say('Revenue grew every month: 1,823 → 1,900 → 2,019 (hundreds of EUR) from August to October.', 1100)] },
  { scenario: 'normal:browser', expected: [], agent: 'web-navigator', steps: [...turn('navigate', { url: 'https://example.com/pricing' }, { status: 200, title: 'Pricing' }, 900), ...turn('extract_text', { selector: 'main' }, PAGE_TEXT, 150), say('The Team plan costs $29 per seat per month and includes SSO.', 800)] },
  // ---------- hard negatives: silent_failure ----------
  { scenario: 'neg:no_errors_found', expected: [], agent: 'ops-bot', steps: [...turn('read_logs', { service: 'checkout', since: '24h', level: 'error' }, 'No errors found in the last 24h (scanned 18,223 lines).', 500), say('Checkout logged no errors in the last day.', 700)] },
  { scenario: 'neg:article_about_errors', expected: [], agent: 'web-navigator', steps: [...turn('extract_text', { selector: 'article' }, 'Error handling in Go: errors are values. Instead of exceptions, functions return an error as their last result, and callers check it with if err != nil. Wrapping with %w keeps the chain inspectable with errors.Is.', 160), say('The article explains that Go treats errors as ordinary return values and wraps them with %w.', 900)] },
  { scenario: 'neg:lint_counts', expected: [], agent: 'ops-bot', steps: [...turn('run_tests', { suite: 'unit' }, { passed: 212, failed: 0, errors: 0, skipped: 3, exit_code: 0 }, 2400), say('All 212 unit tests passed (3 skipped).', 600)] },
  { scenario: 'neg:search_hits_mention_errors', expected: [], agent: 'web-navigator', steps: [...turn('web_search', { query: 'ECONNRESET node fetch' }, { results: [{ title: 'Error: read ECONNRESET — how to fix it', url: 'https://stackoverflow.com/q/17245881', snippet: 'This error means the other side closed the connection abruptly.' }, { title: 'Handling socket hang up errors', url: 'https://nodejs.org/api/errors.html', snippet: 'A list of system errors.' }] }, 700), say('ECONNRESET means the server closed the socket; retry idempotent requests with backoff.', 900)] },
  { scenario: 'neg:refusal_phrase_inside_long_answer', expected: [], agent: 'trip-planner', steps: [...turn('flight_search', { from: 'MUC', to: 'OPO', date: '2026-12-10' }, FLIGHTS, 600), say("I'm sorry, but I can't find a direct flight from Munich to Porto on 10 December. The best connection is LH1035 via Lisbon at 07:10 for 212 EUR, arriving 12:40, or AF1441 via Paris at 09:55 for 188 EUR arriving 15:05. Both include a checked bag. If you can travel a day later there is a direct TAP flight in the evening; tell me and I will check its fare.", 1800)] },
  { scenario: 'neg:length_on_intermediate_call', expected: [], agent: 'sql-analyst', steps: [say('Let me think about which tables hold refunds. The refunds table references orders through order_id and the amount is stored in cents, so the query needs to join the two and', 1500, { finish: 'length', outputTokens: 256 }), ...turn('run_query', { sql: 'SELECT count(*) FROM refunds' }, { rows: [[42]], rowCount: 1 }, 120), say('There were 42 refunds.', 500)] },
  { scenario: 'neg:handled_tool_error_mentioned', expected: [], agent: 'trip-planner', steps: [...turn('book_hotel', { city: 'Porto', checkin: '2026-12-10', nights: 2 }, undefined, 300, { error: 'HotelProviderError: no rooms available for the selected dates' }), say('The booking did not go through: Hotel Alma has no rooms left for 10–12 December. Shall I look for another hotel nearby?', 900)] },
  { scenario: 'neg:handled_payload_error_mentioned', expected: [], agent: 'sql-analyst', steps: [...turn('run_query', { sql: 'SELECT amount FROM order' }, { error: 'syntax error at or near "order"', position: 20 }, 40), ...turn('run_query', { sql: 'SELECT amount_cents FROM orders LIMIT 5' }, { rows: [[1200], [990]], rowCount: 2 }, 60), say('The first query had a syntax error, so I used the orders table instead: amounts are 12.00 and 9.90 EUR.', 800)] },
  { scenario: 'neg:retry_then_success', expected: [], agent: 'web-navigator', steps: [...turn('navigate', { url: 'https://shop.example.com/cart' }, undefined, 3000, { error: 'TimeoutError: navigation timeout of 3000 ms exceeded' }), ...turn('navigate', { url: 'https://shop.example.com/cart' }, { status: 200, title: 'Cart' }, 1200), ...turn('extract_text', { selector: '#total' }, 'Total: 84.90 EUR', 90), say('Your cart total is 84.90 EUR.', 500)] },
  { scenario: 'neg:loud_failure', expected: [], agent: 'ops-bot', rootError: 'KubectlError: cluster unreachable', steps: [...turn('kubectl_get', { resource: 'pods', namespace: 'payments' }, undefined, 5000, { error: 'KubectlError: cluster unreachable' })] },
  { scenario: 'neg:tool_call_finish_mid_run', expected: [], agent: 'ops-bot', steps: [ask('kubectl_get', { resource: 'deployments', namespace: 'payments' }, 600, 'Checking the deployments first.'), run('kubectl_get', { resource: 'deployments', namespace: 'payments' }, { items: [{ name: 'api', ready: '3/3' }, { name: 'worker', ready: '2/2' }] }, 400), say('Both deployments in payments are fully ready (api 3/3, worker 2/2).', 700)] },
  { scenario: 'neg:apology_opening_long_help', expected: [], agent: 'trip-planner', steps: [...turn('get_weather_forecast', { city: 'Lisbon', days: 3 }, { days: [{ date: '2026-12-03', high: 15, rain: 0.2 }, { date: '2026-12-04', high: 16, rain: 0 }, { date: '2026-12-05', high: 14, rain: 0.7 }] }, 250), say('Sorry for the wait! Lisbon looks mild: 15 °C on Wednesday, a sunny 16 °C on Thursday and 14 °C with a good chance of rain on Friday, so take an umbrella for the last day.', 900)] },
  { scenario: 'neg:status_ok_fields', expected: [], agent: 'ops-bot', steps: [...turn('http_request', { method: 'GET', url: 'https://status.example.com/api/v2/status.json' }, { status_code: 200, body: { status: { indicator: 'none', description: 'All Systems Operational' } } }, 300), say('Every system is operational.', 500)] },
  // ---------- hard negatives: tool_loop ----------
  { scenario: 'neg:paging', expected: [], agent: 'sql-analyst', steps: [1, 2, 3, 4, 5, 6].flatMap((page) => turn('run_query', { sql: 'SELECT id, email FROM customers ORDER BY id', limit: 100, offset: (page - 1) * 100 }, { rows: [[page * 100 - 99, `c${page * 100 - 99}@mail.test`], [page * 100, `c${page * 100}@mail.test`]], rowCount: 100 }, 200)).concat([say('I exported 600 customers.', 600)]) },
  { scenario: 'neg:polling_progresses', expected: [], agent: 'ops-bot', steps: ['queued', 'running', 'running 40%', 'running 80%', 'succeeded'].flatMap((state) => turn('get_job_status', { job: 'deploy-7781' }, { job: 'deploy-7781', state }, 150)).concat([say('The deploy finished successfully.', 500)]) },
  { scenario: 'neg:polling_same_then_done', expected: [], agent: 'ops-bot', steps: ['pending', 'pending', 'pending', 'pending', 'ready'].flatMap((phase) => turn('check_certificate', { domain: 'shop.example.com' }, { domain: 'shop.example.com', phase }, 150)).concat([say('The certificate is issued and ready.', 500)]) },
  { scenario: 'neg:click_different_targets', expected: [], agent: 'web-navigator', steps: ['#size-m', '#color-blue', '#qty-plus', '#add-to-cart', '#checkout'].flatMap((selector) => turn('click', { selector }, { clicked: true }, 120)).concat([say('The blue medium shirt is in your cart and checkout is open.', 600)]) },
  { scenario: 'neg:describe_each_table', expected: [], agent: 'sql-analyst', steps: ['orders', 'customers', 'refunds', 'payments', 'invoices'].flatMap((table) => turn('describe_table', { table }, { table, columns: [{ name: 'id', type: 'bigint' }] }, 60)).concat([say('All five tables are keyed by a bigint id.', 600)]) },
  { scenario: 'neg:long_normal_run', expected: [], agent: 'trip-planner', steps: [...turn('flight_search', { from: 'BER', to: 'LIS', date: '2026-12-03' }, FLIGHTS, 600), ...turn('flight_search', { from: 'LIS', to: 'BER', date: '2026-12-06' }, FLIGHTS, 600), ...turn('book_hotel', { city: 'Lisbon', checkin: '2026-12-03', nights: 3 }, HOTEL_OK, 400), ...turn('get_weather_forecast', { city: 'Lisbon', days: 3 }, { days: [{ high: 15 }] }, 200), ...turn('convert_currency', { amount: 540, from: 'EUR', to: 'USD' }, { amount: 583.2, currency: 'USD' }, 100), ...turn('convert_currency', { amount: 212, from: 'EUR', to: 'USD' }, { amount: 229, currency: 'USD' }, 100), ...turn('book_table', { city: 'Lisbon', restaurant: 'Prado', time: '20:00' }, { confirmation: 'RT-991' }, 300), say(LONG_ANSWER, 2000)] },
  { scenario: 'neg:two_identical_calls', expected: [], agent: 'web-navigator', steps: [...turn('screenshot', { full_page: true }, { path: '/tmp/shot-1.png', bytes: 182004 }, 400), ...turn('screenshot', { full_page: true }, { path: '/tmp/shot-1.png', bytes: 182004 }, 400), say('Here is the screenshot of the page.', 500)] },
  // ---------- positives: tool_loop ----------
  { scenario: 'loop:identical_search', expected: ['tool_loop'], agent: 'trip-planner', steps: Array.from({ length: 6 }, () => turn('flight_search', { from: 'BER', to: 'OPO', date: '2026-12-24' }, { itineraries: [] }, 500)).flat().concat([say('There seem to be no flights on the 24th.', 600)]) },
  { scenario: 'loop:identical_click_no_effect', expected: ['tool_loop'], agent: 'web-navigator', steps: Array.from({ length: 5 }, () => turn('click', { selector: 'button.load-more' }, { clicked: true, url: 'https://example.com/list', items_visible: 20 }, 200)).flat().concat([say('I could only see 20 items.', 500)]) },
  { scenario: 'loop:identical_args_reordered', expected: ['tool_loop'], agent: 'sql-analyst', steps: [...turn('run_query', { sql: 'SELECT * FROM refnds', database: 'prod' }, { rows: [], rowCount: 0 }, 100), ...turn('run_query', { database: 'prod', sql: 'SELECT * FROM refnds' }, { rowCount: 0, rows: [] }, 100), ...turn('run_query', { sql: 'SELECT  *  FROM refnds', database: 'prod' }, { rows: [], rowCount: 0 }, 100), ...turn('run_query', { sql: 'select * from refnds', database: 'prod' }, { rows: [], rowCount: 0 }, 100), ...turn('run_query', { sql: 'SELECT * FROM refnds', database: 'prod' }, { rows: [], rowCount: 0 }, 100), say('The refunds table is empty.', 500)] },
  { scenario: 'loop:failing_same_way', expected: ['tool_loop'], agent: 'ops-bot', steps: Array.from({ length: 4 }, () => turn('kubectl_get', { resource: 'pods', namespace: 'paymnts' }, undefined, 300, { error: 'Error from server (NotFound): namespaces "paymnts" not found' })).flat().concat([say('The namespace could not be read.', 500)]) },
  { scenario: 'loop:ping_pong', expected: ['tool_loop'], agent: 'web-navigator', steps: Array.from({ length: 4 }, () => [...turn('navigate', { url: 'https://example.com/login' }, { status: 200, title: 'Sign in' }, 400), ...turn('click', { selector: '#sso' }, { clicked: true, navigated_to: 'https://example.com/login' }, 150)]).flat().concat([say('I could not get past the sign-in page.', 500)]) },
  { scenario: 'loop:same_result_with_changing_timestamps', expected: ['tool_loop'], agent: 'ops-bot', steps: Array.from({ length: 5 }, (_, i) => turn('read_logs', { service: 'billing', since: '1h' }, { fetched_at: `2026-11-20T10:0${i}:00Z`, request_id: `req-${9000 + i}`, lines: ['WARN slow query 1.2s', 'WARN slow query 1.4s'] }, 300)).flat().concat([say('Billing only shows slow-query warnings.', 500)]) },
  { scenario: 'loop:recursion_limit_marker', expected: ['tool_loop', 'silent_failure'], agent: 'sql-analyst', steps: [...turn('list_tables', { schema: 'public' }, { tables: ['orders', 'customers'] }, 80), ...turn('describe_table', { table: 'orders' }, TABLE, 60), say('Agent stopped due to iteration limit or time limit.', 50)] },
  // ---------- positives: silent_failure ----------
  { scenario: 'silent:graphql_errors', expected: ['silent_failure'], agent: 'trip-planner', steps: [...turn('flight_search', { from: 'BER', to: 'LIS', date: '2026-12-03' }, { data: null, errors: [{ message: 'Upstream GDS timeout', extensions: { code: 'GATEWAY_TIMEOUT' } }] }, 600), say('Flights from Berlin to Lisbon start at 188 EUR.', 800)] },
  { scenario: 'silent:nested_failed_status', expected: ['silent_failure'], agent: 'trip-planner', steps: [...turn('book_hotel', { city: 'Lisbon', checkin: '2026-12-03', nights: 3 }, { result: { state: 'FAILED', reason: 'card declined by issuer' } }, 500), say('Your hotel in Lisbon is booked for three nights.', 700)] },
  { scenario: 'silent:slack_ok_false', expected: ['silent_failure'], agent: 'ops-bot', steps: [...turn('post_message', { channel: '#deploys', text: 'Deploy 7781 done' }, { ok: false, error: 'channel_not_found' }, 200), say('I posted the deploy note to #deploys.', 500)] },
  { scenario: 'silent:http_502_body', expected: ['silent_failure'], agent: 'ops-bot', steps: [...turn('http_request', { method: 'POST', url: 'https://hooks.example.com/deploy' }, { status_code: 502, body: '<html><body>Bad Gateway</body></html>' }, 300), say('The deploy hook was triggered.', 500)] },
  { scenario: 'silent:plain_text_timeout', expected: ['silent_failure'], agent: 'web-navigator', steps: [...turn('extract_text', { selector: '#price' }, 'TimeoutError: waiting for selector "#price" failed: timeout 5000ms exceeded', 140), say('The price is 49 EUR.', 500)] },
  { scenario: 'silent:shell_exit_code', expected: ['silent_failure'], agent: 'ops-bot', steps: [...turn('run_tests', { suite: 'integration' }, { exitCode: 2, stdout: '', stderr: 'pytest: error: unrecognized arguments: --fast' }, 900), say('The integration tests ran fine.', 500)] },
  { scenario: 'silent:serialized_js_error', expected: ['silent_failure'], agent: 'trip-planner', steps: [...turn('convert_currency', { amount: 540, from: 'EUR', to: 'JPY' }, { name: 'FetchError', message: 'request to https://fx.example.com/latest failed, reason: getaddrinfo ENOTFOUND fx.example.com', code: 'ENOTFOUND' }, 300), say('540 EUR is about 87,000 JPY.', 500)] },
  { scenario: 'silent:sql_error_text', expected: ['silent_failure'], agent: 'sql-analyst', steps: [...turn('run_query', { sql: 'SELECT sum(amount) FROM orders' }, 'ERROR:  column "amount" does not exist\nLINE 1: SELECT sum(amount) FROM orders\n                   ^\nHINT:  Perhaps you meant to reference the column "orders.amount_cents".', 30), say('Total revenue is 574,239 EUR.', 500)] },
  { scenario: 'silent:exception_event_on_ok_span', expected: ['silent_failure'], agent: 'web-navigator', steps: [...turn('screenshot', { full_page: true }, { path: null }, 800, { exception: { type: 'ProtocolError', message: 'Target closed' } }), say('Here is the screenshot.', 500)] },
  { scenario: 'silent:masked_tool_error', expected: ['silent_failure'], agent: 'trip-planner', steps: [...turn('flight_search', { from: 'BER', to: 'LIS', date: '2026-12-03' }, FLIGHTS, 600), ...turn('book_hotel', { city: 'Lisbon', checkin: '2026-12-03', nights: 3 }, undefined, 400, { error: 'PaymentRequired: card expired' }), say('Your trip is all set: flight LH1035 and three nights at Hotel Alma.', 900)] },
  { scenario: 'silent:truncated_final', expected: ['silent_failure'], agent: 'trip-planner', steps: [...turn('flight_search', { from: 'BER', to: 'LIS', date: '2026-12-03' }, FLIGHTS, 600), say('Here are your options. The first is Lufthansa LH1035 departing at 07:10 for 212 EUR, and the second', 2500, { finish: 'length', outputTokens: 1024 })] },
  { scenario: 'silent:truncated_final_provider_spelling', expected: ['silent_failure'], agent: 'sql-analyst', steps: [...turn('run_query', { sql: 'SELECT 1' }, { rows: [[1]] }, 20), say('The report covers revenue, refunds and', 2500, { finish: 'MAX_TOKENS', outputTokens: 2048 })] },
  { scenario: 'silent:content_filter_final', expected: ['silent_failure'], agent: 'web-navigator', steps: [...turn('extract_text', { selector: 'body' }, PAGE_TEXT, 100), say('', 300, { finish: 'content_filter' })] },
  { scenario: 'silent:guardrail_final', expected: ['silent_failure'], agent: 'trip-planner', steps: [...turn('flight_search', { from: 'BER', to: 'LIS' }, FLIGHTS, 500), say('', 300, { finish: 'guardrail_intervened' })] },
  { scenario: 'silent:empty_final', expected: ['silent_failure'], agent: 'sql-analyst', steps: [...turn('describe_table', { table: 'orders' }, TABLE, 60), say('   ', 400)] },
  { scenario: 'silent:short_refusal', expected: ['silent_failure'], agent: 'trip-planner', steps: [say("I'm sorry, but I can't book flights for other people.", 500)] },
  { scenario: 'silent:refusal_unable', expected: ['silent_failure'], agent: 'web-navigator', steps: [...turn('navigate', { url: 'https://bank.example.com' }, { status: 200, title: 'Online banking' }, 800), say('Unfortunately I am unable to log in to banking websites on your behalf.', 500)] },
  { scenario: 'silent:agents_sdk_error_text', expected: ['silent_failure'], agent: 'trip-planner', steps: [...turn('convert_currency', { amount: 540, from: 'EUR', to: 'GBP' }, "An error occurred while running the tool. Please try again. Error: ConnectionError('fx.example.com: Name or service not known')", 200), say('540 EUR is about 465 GBP.', 500)] },
  { scenario: 'silent:api_error_body', expected: ['silent_failure'], agent: 'ops-bot', steps: [...turn('github_create_issue', { repo: 'acme/shop', title: 'Checkout 502s' }, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' }, 300), say('I opened an issue for the checkout 502s.', 500)] },
  { scenario: 'silent:requests_http_error_text', expected: ['silent_failure'], agent: 'trip-planner', steps: [...turn('hotel_details', { hotel_id: 991 }, '404 Client Error: Not Found for url: https://api.example.com/v2/hotels/991', 150), say('Hotel 991 is a four-star hotel near the river.', 500)] },
  { scenario: 'silent:exit_status_in_output_tail', expected: ['silent_failure'], agent: 'ops-bot', steps: [...turn('run_shell', { cmd: 'make deploy' }, 'building image acme/shop:1.4.2\npushing layers 1/7 2/7 3/7\nerror pushing layer: denied: requested access to the resource is denied\nmake: *** [deploy] exit status 1', 4000), say('The deploy of 1.4.2 went out.', 500)] },
  { scenario: 'silent:finish_refusal', expected: ['silent_failure'], agent: 'web-navigator', steps: [...turn('extract_text', { selector: 'body' }, PAGE_TEXT, 100), say('I', 300, { finish: 'refusal', outputTokens: 1 })] },
  { scenario: 'silent:filtered_with_partial_text', expected: ['silent_failure'], agent: 'sql-analyst', steps: [...turn('run_query', { sql: 'SELECT note FROM tickets LIMIT 3' }, { rows: [['…']] }, 50), say('The three newest tickets say that the', 600, { finish: 'content_filtered' })] },
  { scenario: 'silent:executor_gave_up', expected: ['silent_failure', 'tool_loop'], agent: 'sql-analyst', rootOutput: 'Agent stopped due to iteration limit or time limit.', steps: [...turn('list_tables', { schema: 'public' }, { tables: ['orders', 'customers'] }, 80), ...turn('describe_table', { table: 'orders' }, TABLE, 60), ...turn('describe_table', { table: 'customers' }, TABLE, 60)] },
  { scenario: 'loop:same_error_payload', expected: ['tool_loop'], agent: 'trip-planner', steps: Array.from({ length: 3 }, () => turn('convert_currency', { amount: 212, from: 'EUR', to: 'USD' }, { error: { code: 429, message: 'rate limit exceeded, retry later' } }, 120)).flat().concat([say("I couldn't convert the price: the exchange-rate service kept rate-limiting me.", 600)]) },
  { scenario: 'neg:job_failure_reported', expected: [], agent: 'ops-bot', steps: [...turn('get_job_status', { job: 'nightly-etl' }, { job: 'nightly-etl', state: 'failed', failed_step: 'load', finished_at: '2026-11-20T03:12:00Z' }, 150), say('The nightly ETL job failed at its load step at 03:12; the extract and transform steps were fine.', 700)] },
  { scenario: 'neg:exit_zero_output', expected: [], agent: 'ops-bot', steps: [...turn('run_shell', { cmd: 'make test' }, 'ran 212 tests in 14.2s\nOK\nexit code 0', 3000), say('All 212 tests pass.', 500)] },
  { scenario: 'neg:there_was_traffic', expected: [], agent: 'trip-planner', steps: [...turn('traffic_report', { route: 'A2 Lisbon–Porto' }, 'There was a lot of traffic near Coimbra this morning; the road is clear now.', 200), say('The A2 is clear now; the morning jam near Coimbra has gone.', 500)] },
  { scenario: 'loop:monologue', expected: ['tool_loop'], agent: 'ops-bot', steps: [...turn('kubectl_get', { resource: 'pods', namespace: 'payments' }, { items: [{ name: 'api-1', status: 'Running' }] }, 300), say("I'll look into the payments pods now.", 500), say("I'll look into the payments pods now.", 500), say("I'll look into the payments pods now.", 500), say("I'll look into the payments pods now.", 500)] },
  { scenario: 'loop:empty_replies', expected: ['tool_loop', 'silent_failure'], agent: 'sql-analyst', steps: [...turn('describe_table', { table: 'orders' }, TABLE, 60), say('', 400), say('', 400), say('', 400)] },
  { scenario: 'loop:results_not_recorded', expected: ['tool_loop'], agent: 'web-navigator', steps: Array.from({ length: 6 }, () => [ask('scroll', { direction: 'down', pixels: 800 }), run('scroll', { direction: 'down', pixels: 800 }, undefined, 100)]).flat().concat([say('I reached the end of the page.', 500)]) },
  { scenario: 'neg:progress_replies', expected: [], agent: 'trip-planner', steps: [say('First I will look for flights.', 400), say('Next I will compare hotel prices in Alfama and Baixa.', 500), say(LONG_ANSWER, 1800)] },
  { scenario: 'silent:python_dict_repr', expected: ['silent_failure'], agent: 'trip-planner', steps: [...turn('flight_search', { from: 'BER', to: 'LIS' }, "{'error': 'GDS quota exceeded for today', 'remaining': 0, 'itineraries': None}", 300), say('The cheapest flight is 188 EUR with Air France.', 500)] },
  { scenario: 'neg:python_dict_repr_ok', expected: [], agent: 'trip-planner', steps: [...turn('flight_search', { from: 'BER', to: 'LIS' }, "{'error': None, 'itineraries': [{'flight': 'AF1441', 'price': 188}], 'cached': True}", 300), say('The cheapest flight is AF1441 at 188 EUR.', 500)] },
  { scenario: 'neg:http_404_inside_lookup', expected: [], agent: 'ops-bot', steps: [...turn('user_exists', { login: 'jdoe' }, { exists: false }, 120, { httpStatus: 404 }), say('There is no user called jdoe.', 500)] },
  { scenario: 'silent:ended_on_tool', expected: ['silent_failure'], agent: 'ops-bot', steps: [...turn('kubectl_get', { resource: 'pods', namespace: 'payments' }, { items: [{ name: 'api-1', status: 'CrashLoopBackOff' }] }, 400), ...turn('read_logs', { pod: 'api-1', tail: 200 }, { lines: ['panic: nil map'] }, 300)] },
];

/** Scenarios also sent with structured AnyValue results (OTel GenAI) or tools that return JSON text (the others). */
const VARIANTS = new Set(['silent:graphql_errors', 'silent:slack_ok_false', 'silent:nested_failed_status', 'neg:lint_counts', 'neg:status_ok_fields', 'normal:sql', 'loop:identical_search', 'loop:same_result_with_changing_timestamps']);

const MODEL = 'gpt-4.1-mini';

/** Every scenario in every dialect, at times spread over the day before `nowMs`. */
export function heldoutBehaviourRuns(nowMs: number): HeldoutRun[] {
  const out: HeldoutRun[] = [];
  let offset = 0;
  for (const dialect of DIALECTS) {
    for (const scenario of SCENARIOS) {
      offset += 60_000;
      const plan: Plan = { ...scenario, service: scenario.service ?? `${scenario.agent}-svc`, model: MODEL, startMs: nowMs - 2 * 86_400_000 + offset };
      out.push(renderPlan(plan, dialect));
      if (VARIANTS.has(scenario.scenario) && (dialect === 'otel-genai' || dialect === 'openllmetry' || dialect === 'vercel-ai' || dialect === 'openinference')) {
        const variant = dialect === 'otel-genai' ? { structured: true } : { jsonString: true };
        out.push({ ...renderPlan({ ...plan, startMs: plan.startMs + 30_000 }, dialect, variant), scenario: `${scenario.scenario}+${dialect === 'otel-genai' ? 'structured' : 'json-string'}` });
      }
    }
  }
  return out;
}

/**
 * Latency: per dialect an agent with 24 backdated history runs (log-normal σ 0.5 around each
 * operation's median), then spikes (a tool or a model call ≥ 8× slower with the same output),
 * slow-but-normal runs, an always-slow tool, and a run that is long because it did more steps.
 */
export function heldoutLatencyRuns(nowMs: number, seed = 11): HeldoutRun[] {
  const random = prng(seed);
  const out: HeldoutRun[] = [];
  const dayMs = 86_400_000;
  for (const dialect of DIALECTS) {
    const service = `fx-desk-${dialect}`;
    const agent = 'fx-desk';
    const medians = { quote: 450, history: 1200, warehouse: 18_000, model: 1400 };
    const call = (name: string, args: unknown, result: unknown, ms: number, sigma: number): Step[] => [
      { ...ask(name, args), ms: random.logNormal(600, sigma), outputTokens: 24 },
      run(name, args, result, ms),
    ];
    /** One ordinary run; each duration log-normal around its median (sigma 0: exactly median × scale). */
    const normalSteps = (scale: Partial<Record<keyof typeof medians, number>> = {}, sigma = 0.5): Step[] => [
      ...call('fetch_fx_quote', { pair: 'EUR/USD' }, { bid: 1.0841, ask: 1.0843 }, random.logNormal(medians.quote * (scale.quote ?? 1), sigma), sigma),
      ...call('load_rate_history', { pair: 'EUR/USD', days: 30 }, { points: 30, min: 1.061, max: 1.091 }, random.logNormal(medians.history * (scale.history ?? 1), sigma), sigma),
      ...call('warehouse_export', { table: 'fx_trades', day: '2026-11-19' }, { exported: 1822 }, random.logNormal(medians.warehouse * (scale.warehouse ?? 1), Math.min(sigma, 0.3)), sigma),
      say('EUR/USD trades at 1.0842, in the middle of its 30-day range.', random.logNormal(medians.model * (scale.model ?? 1), sigma), { outputTokens: 40 }),
    ];
    let at = nowMs - 3 * dayMs;
    const next = () => (at += 45 * 60_000 + Math.round(random.next() * 20 * 60_000));
    // Half the dialects run with auto-instrumented HTTP client spans under every tool call.
    const httpChildren = dialect === 'otel-genai' || dialect === 'vercel-ai' || dialect === 'openllmetry';
    const plan = (scenario: string, expected: Plan['expected'], steps: Step[]): Plan => ({ scenario, expected, agent, service, model: 'claude-sonnet-4', steps, startMs: next(), httpChildren });
    for (let i = 0; i < 24; i++) out.push(renderPlan(plan('latency:history', [], normalSteps()), dialect));
    // Spikes.
    const toolSpike = normalSteps();
    (toolSpike[3] as ToolStep).ms = medians.history * (9 + 6 * random.next());
    out.push(renderPlan(plan('latency:tool_spike', ['latency_spike'], toolSpike), dialect));
    const quoteSpike = normalSteps();
    (quoteSpike[1] as ToolStep).ms = 6500 + 3000 * random.next();
    out.push(renderPlan(plan('latency:quote_spike', ['latency_spike'], quoteSpike), dialect));
    const modelSpike = normalSteps();
    (modelSpike[6] as ModelStep).ms = medians.model * 12;
    out.push(renderPlan(plan('latency:model_spike_same_tokens', ['latency_spike'], modelSpike), dialect));
    // A run that is slow between its steps (waiting outside any instrumented call): a run spike.
    out.push(renderPlan({ ...plan('latency:slow_between_steps', ['latency_spike'], normalSteps()), gapMs: 25_000 }, dialect));
    // Hard negatives.
    out.push(renderPlan(plan('neg:slow_but_normal', [], normalSteps({ quote: 1.9, history: 1.8, model: 1.7 }, 0)), dialect));
    out.push(renderPlan(plan('neg:always_slow_tool', [], normalSteps({ warehouse: 1.25 }, 0)), dialect));
    const longer = normalSteps();
    for (let k = 0; k < 5; k++) longer.splice(6, 0, ...call('fetch_fx_quote', { pair: ['USD/JPY', 'GBP/USD', 'EUR/CHF', 'AUD/USD', 'USD/CAD'][k] }, { bid: 1 + k / 10, ask: 1 + k / 10 + 0.0002 }, random.logNormal(medians.quote, 0.5), 0.5));
    out.push(renderPlan(plan('neg:long_run_more_steps', [], longer), dialect));
    const longAnswer = normalSteps();
    const answer = longAnswer[6] as ModelStep;
    answer.outputTokens = 900;
    answer.ms = medians.model * 10;
    out.push(renderPlan(plan('neg:long_answer_slower_model_call', [], longAnswer), dialect));
    for (let i = 0; i < 4; i++) out.push(renderPlan(plan('latency:history', [], normalSteps()), dialect));
  }
  return out;
}
