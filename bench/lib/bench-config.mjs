// Values shared by the runner and the servers it starts. None of them is a real secret: the
// simulator accepts any well-formed test key (prefix, base32hex id, 32-character checksum), and the cookie secrets exist only for this run.
export const API_KEY =
  'api_test_' + 'benchbench0123456789abcdef' + '0123456789abcdefghijklmnopqrstuv';
export const COOKIE_SECRET = 'bench-cookie-secret-0123456789abcdefghijklmnopqrstuvwxyz';
export const COOKIE_NAME = 'pay_bench';
export const BASELINE_COOKIE = 'baseline_pay';
/** The service's external origin; a same-origin browser sends it as Origin on POST /start. */
export const PUBLIC_URL = 'https://bench.service.gov.uk';
export const PAYMENT = {
  amount: 1450,
  reference: 'BENCH-0001',
  description: 'Benchmark licence fee',
};
