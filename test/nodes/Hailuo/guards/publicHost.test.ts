import {
	isThisMachineOnly,
	nonPublicHostReason,
	unreachableResumeOrigin,
} from '../../../../nodes/Hailuo/guards/publicHost';

/** The host as the node sees it: WHATWG URL's normalised hostname. */
const reasonFor = (url: string) => nonPublicHostReason(new URL(url).hostname);

describe('nonPublicHostReason', () => {
	test.each([
		['http://127.0.0.1/a.jpg', 'loopback'],
		['http://127.255.1.2/', 'loopback'],
		['http://localhost/a.jpg', 'local name'],
		['http://LOCALHOST./a.jpg', 'local name'],
		['http://img.localhost/a.jpg', 'local name'],
		['http://printer.local/a.jpg', 'local name'],
		['http://metadata.google.internal/a', 'local name'],
		['http://nas.home.arpa/a.jpg', 'local name'],
		['http://intranet/a.jpg', 'single-label'],
		['http://[::1]/a.jpg', 'loopback'],
		['http://[0:0:0:0:0:0:0:1]/', 'loopback'],
		['http://[::]/', 'unspecified'],
		['http://0.0.0.0/a.jpg', 'unspecified'],
		['http://0/', 'unspecified'],
		['http://10.1.2.3/a.jpg', 'private'],
		['http://172.16.0.1/', 'private'],
		['http://172.31.255.255/', 'private'],
		['http://192.168.1.10/a.jpg', 'private'],
		['http://169.254.169.254/latest/meta-data/', 'link-local'],
		['http://100.64.0.1/', 'carrier-grade NAT'],
		['http://100.127.255.255/', 'carrier-grade NAT'],
		['http://224.0.0.1/', 'multicast'],
		['http://255.255.255.255/', 'broadcast'],
		['http://[fc00::1]/', 'unique local'],
		['http://[fd12:3456::1]/', 'unique local'],
		['http://[fe80::1]/', 'link-local'],
		['http://[febf::1]/', 'link-local'],
		['http://[ff02::1]/', 'multicast'],
		['http://[::ffff:127.0.0.1]/', 'loopback'],
		['http://[::ffff:169.254.169.254]/', 'link-local'],
		['http://[::ffff:10.0.0.1]/', 'private'],
		['http://[::127.0.0.1]/', 'loopback'],
		['http://[64:ff9b::10.0.0.1]/', 'private'],
		['http://[2002:c0a8:0101::1]/', 'private'],
		['http://2130706433/a.jpg', 'loopback'],
		['http://0x7f.1/a.jpg', 'loopback'],
		['http://0x7f000001/', 'loopback'],
		['http://0177.0.0.1/', 'loopback'],
		['http://127.1/', 'loopback'],
		['http://127.0.0.1./', 'loopback'],
		['http://3232235777/', 'private'],
		['http://0xA9.0xFE.0xA9.0xFE/', 'link-local'],
		['http://example.com@10.0.0.1/a.jpg', 'private'],
		['http://ＬＯＣＡＬＨＯＳＴ/', 'local name'],
	])('%s is refused as %s', (url, reason) => {
		expect(reasonFor(url)).toContain(reason);
	});

	test.each([
		'https://example.com/a.jpg',
		'https://upload.wikimedia.org/a.jpg',
		'http://8.8.8.8/a.jpg',
		'http://172.32.0.1/',
		'http://172.15.255.255/',
		'http://100.128.0.1/',
		'http://169.255.0.1/',
		'http://11.0.0.1/',
		'http://[2606:4700:4700::1111]/',
		'http://[::ffff:8.8.8.8]/',
		'https://localhost.example.com/a.jpg',
		'https://cdn.example.com./a.jpg',
	])('%s is public', (url) => {
		expect(reasonFor(url)).toBeUndefined();
	});
});

describe('isThisMachineOnly', () => {
	test.each([
		['http://localhost:5678/webhook-waiting/1', true],
		['http://LOCALHOST./x', true],
		['http://n8n.localhost/x', true],
		['http://127.0.0.1:5678/x', true],
		['http://127.8.9.10/x', true],
		['http://[::1]:5678/x', true],
		['http://[::ffff:127.0.0.1]/x', true],
		['http://0.0.0.0:5678/x', true],
		['http://[::]/x', true],
		['http://2130706433/x', true],
		['http://10.0.0.5:5678/x', false],
		['http://n8n-main:5678/x', false],
		['http://192.168.1.2/x', false],
		['https://n8n.example.com/x', false],
		['https://apiin.one/api/v1', false],
	])('%s → %s', (url, expected) => {
		expect(isThisMachineOnly(new URL(url).hostname)).toBe(expected);
	});
});

describe('unreachableResumeOrigin: a resume URL the API could never call', () => {
	const resume = (origin: string) => `${origin}/webhook-waiting/42?signature=abc`;

	test('a resume URL on this machine only, with the API elsewhere, is named by its origin alone', () => {
		expect(
			unreachableResumeOrigin(resume('http://localhost:5678'), 'https://apiin.one/api/v1'),
		).toBe('http://localhost:5678');
		expect(
			unreachableResumeOrigin(resume('http://127.0.0.1:5678'), 'https://proxy.example.com/v1'),
		).toBe('http://127.0.0.1:5678');
		expect(unreachableResumeOrigin(resume('http://[::1]:80'), 'http://10.0.0.9/api/v1')).toBe(
			'http://[::1]',
		);
	});

	test('an API on this machine too (the sandbox, a local proxy) can call it', () => {
		for (const api of ['http://127.0.0.1:8787/api/v1', 'http://localhost/api/v1']) {
			expect(unreachableResumeOrigin(resume('http://localhost:5678'), api)).toBeUndefined();
		}
	});

	test('a resume URL on a network address or a public name is left to the operator', () => {
		for (const origin of [
			'https://n8n.example.com',
			'http://10.0.0.5:5678',
			'http://n8n-main:5678',
		]) {
			expect(unreachableResumeOrigin(resume(origin), 'https://apiin.one/api/v1')).toBeUndefined();
		}
	});
});
